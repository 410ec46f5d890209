// An in-memory ledger for use-case tests: records events as Recorder.record does (sequence, id, time, actor)
// and projects the ones the change and service use-cases read back, with the same pure evolve functions.
// Unleash-style fake: small, real behaviour, no database.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../src/domain/actor.ts';
import type { Change } from '../../../src/domain/change.ts';
import { evolveChange } from '../../../src/domain/change-evolve.ts';
import type { ChangeEvent, RecordedEvent, ServiceEvent } from '../../../src/domain/events.ts';
import type { Service } from '../../../src/domain/service.ts';
import type { ApproverNow } from '../../../src/domain/standing.ts';
import type { ChangeRecords } from '../../../src/modules/changes/changes.service.ts';
import type { PendingEvent } from '../../../src/modules/commands/record.ts';
import type { ServiceCatalogue } from '../../../src/modules/services/services.service.ts';

type Of<E extends { type: string; data: unknown }, T extends E['type']> = Extract<E, { type: T }>['data'];

export class FakeLedger {
  readonly events: RecordedEvent[] = [];
  readonly changes = new Map<string, Change>();
  readonly services = new Map<string, Service>();
  /** People as the approvals check finds them now; tests move them between groups. */
  readonly people = new Map<string, ApproverNow>();

  /** Recorder.record: append, then project. */
  readonly record = async (actor: Actor, at: string, pending: PendingEvent[]): Promise<RecordedEvent[]> => {
    const recorded = pending.map(({ subject, event }, i): RecordedEvent => {
      const entry: RecordedEvent = {
        v: 1,
        seq: this.events.length + i,
        id: randomUUID(),
        type: event.type,
        subject,
        at,
        actor: { id: actor.id, kind: actor.kind },
        data: event.data,
      };
      return entry;
    });
    // Events are stored as the ledger stores them: as JSON, so nothing shares objects with the caller.
    for (const event of recorded) this.apply(JSON.parse(JSON.stringify(event)) as RecordedEvent);
    return recorded;
  };

  private apply(event: RecordedEvent): void {
    this.events.push(event);
    if (event.type.startsWith('change.')) {
      const before = this.changes.get(event.subject) ?? null;
      this.changes.set(event.subject, evolveChange(before, event as RecordedEvent<ChangeEvent>));
    } else if (event.type === 'service.registered') {
      const d = event.data as Of<ServiceEvent, 'service.registered'>;
      this.services.set(d.name, {
        ...d.attributes,
        team: d.attributes.team ?? '',
        name: d.name,
        createdAt: event.at,
        updatedAt: event.at,
        retiredAt: null,
        retirementReason: '',
      });
    } else if (event.type === 'service.updated') {
      const name = event.subject.slice('service:'.length);
      const d = event.data as Of<ServiceEvent, 'service.updated'>;
      this.services.set(name, { ...this.services.get(name)!, ...d.fields, updatedAt: event.at });
    } else if (event.type === 'service.retired') {
      const name = event.subject.slice('service:'.length);
      const d = event.data as Of<ServiceEvent, 'service.retired'>;
      this.services.set(name, {
        ...this.services.get(name)!,
        retiredAt: event.at,
        retirementReason: d.reason,
        updatedAt: event.at,
      });
    }
  }

  /** What a rolled-back transaction leaves: the state as it was when `restore` was taken. */
  snapshot(): () => void {
    const events = this.events.length;
    const changes = new Map(this.changes);
    const services = new Map(this.services);
    return () => {
      this.events.length = events;
      for (const [map, saved] of [
        [this.changes, changes],
        [this.services, services],
      ] as const) {
        map.clear();
        for (const [k, v] of saved as Map<string, never>) (map as Map<string, never>).set(k, v);
      }
    };
  }

  /** The change records as ChangesService reads them. */
  readonly changeRecords: ChangeRecords = {
    load: async (id) => structuredClone(this.changes.get(id) ?? null),
    nextNumber: async () => this.changes.size + 1,
    approvers: async (usernames) =>
      Object.fromEntries(usernames.filter((u) => this.people.has(u)).map((u) => [u, this.people.get(u)!])),
    events: async (id) => this.events.filter((e) => e.subject === id),
  };

  /** The catalogue as ServicesService reads it. */
  readonly catalogue: ServiceCatalogue = {
    find: async (name) => structuredClone(this.services.get(name) ?? null),
    list: async () => [...this.services.values()].sort((a, b) => a.name.localeCompare(b.name)),
    findMany: async (names) => names.filter((n) => this.services.has(n)).map((n) => this.services.get(n)!),
  };
}
