// Applies recorded events to the projection tables. Records are stored as canonical JSON so that a replay
// from the ledger's text gives byte-identical rows. It is the only code that writes them, both live (in the
// use-case's transaction) and when `verify --rebuild` replays the ledger into fresh tables.
import type { Change } from '../domain/change.ts';
import { canonicalJson } from '../ledger/canonical.ts';
import { evolveChange } from '../domain/change-evolve.ts';
import type {
  ChangeEvent,
  DomainEvent,
  IdentityEvent,
  RecordedEvent,
  ServiceEvent,
} from '../domain/events.ts';
import type { Service } from '../domain/service.ts';
import type { Store } from './database.ts';
import { changeServicesWrite } from './change-services.rows.ts';
import { memoKeys } from './memo-keys.ts';
import { insertRows, Prepared, updateRow } from './prepared.ts';
import type { ChangeTable } from './schema.ts';

/**
 * The version of what this projector writes for a given ledger. Raise it whenever the same events would
 * now give other rows (a new field on a record, a new column): `Store.migrate` then rebuilds the tables.
 * 2: change records carry their authors and the agreed window; changes record origin and supplier.
 * 3: change_services rows carry the change's filter columns (migration 0008).
 */
export const PROJECTION_VERSION = 3;

const changeById = new Prepared((db, p: { id: string }) =>
  db.selectFrom('changes').selectAll().where('id', '=', p.id),
);

type Of<E extends DomainEvent, T extends E['type']> = Extract<E, { type: T }>['data'];

/** A supplier's name as lists match it: whole, trimmed, ignoring case. */
export function supplierKey(name: string): string {
  return name.trim().toLowerCase();
}

/** What the list's text search reads; the supplier's details follow only when there are any. */
export function searchText(change: Change): string {
  const supplier = [change.supplier, change.supplierReference, change.supplierImpact].filter((s) => s);
  return [`${change.id} ${change.title} ${change.description}`, ...supplier].join(' ').toLowerCase();
}

export function changeRow(change: Change): ChangeTable {
  return {
    id: change.id,
    number: change.number,
    type: change.type,
    state: change.state,
    risk_rating: change.assessment?.rating ?? null,
    title: change.title,
    requester: change.requester,
    implementer: change.implementer,
    window_start: change.window?.start ?? null,
    window_end: change.window?.end ?? null,
    record_due_at: change.recordDueAt,
    record_completed_at: change.recordCompletedAt,
    review_due_at: change.reviewDueAt,
    reviewed: change.review ? 1 : 0,
    origin: change.origin,
    supplier: change.supplier === null ? null : supplierKey(change.supplier),
    search: searchText(change),
    created_at: change.createdAt,
    updated_at: change.updatedAt,
    doc: canonicalJson(change),
  };
}

/** The columns whose values differ between the stored row and the new one. */
function changedColumns<T extends object>(stored: T, next: T): Partial<T> {
  const changed: Partial<T> = {};
  for (const k of Object.keys(next) as (keyof T)[]) if (stored[k] !== next[k]) changed[k] = next[k];
  return changed;
}

export function serviceRow(service: Service) {
  return {
    name: service.name,
    environment: service.environment,
    criticality: service.criticality,
    internet_facing: service.internetFacing ? 1 : 0,
    security_control: service.securityControl ? 1 : 0,
    created_at: service.createdAt,
    updated_at: service.updatedAt,
    doc: canonicalJson(service),
  };
}

export class Projector {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async apply(event: RecordedEvent): Promise<void> {
    const family = event.type.slice(0, event.type.indexOf('.'));
    if (family === 'change') return this.applyChange(event as RecordedEvent<ChangeEvent>);
    if (family === 'service') return this.applyService(event as RecordedEvent<ServiceEvent>);
    if (family === 'user' || family === 'token')
      return this.applyIdentity(event as RecordedEvent<IdentityEvent>);
    if (event.type === 'policy.activated') {
      const d = event.data as Of<DomainEvent, 'policy.activated'>;
      this.store.memoSet(memoKeys.policy, undefined);
      await this.store.db
        .insertInto('policies')
        .values({
          version: d.version,
          name: d.name,
          sha256: d.sha256,
          source: d.source,
          activated_at: event.at,
          activated_by: event.actor.id,
          change_id: d.changeId,
        })
        .execute();
      return;
    }
    if (event.type === 'ledger.key_activated') {
      const d = event.data as Of<DomainEvent, 'ledger.key_activated'>;
      for (const [key, value] of [
        ['origin', d.origin],
        ['verifier_key', d.verifierKey],
      ] as const)
        await this.store.db
          .insertInto('ledger_meta')
          .values({ key, value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
          .execute();
      return;
    }
    throw new Error(`no projection for event type ${event.type}`);
  }

  private async applyChange(event: RecordedEvent<ChangeEvent>): Promise<void> {
    if (event.type === 'change.command_refused') return;
    const db = this.store.db;
    // The row as the use-case loaded it or this batch last wrote it, if it did (see ChangesReadModel.load).
    const row =
      this.store.memoGet<ChangeTable>(memoKeys.change(event.subject)) ??
      (await changeById.first(this.store, { id: event.subject }));
    const before = row ? (JSON.parse(row.doc) as Change) : null;
    const after = evolveChange(before, event);
    const values = changeRow(after);
    if (row) await updateRow(this.store, 'changes', 'id', after.id, changedColumns(row, values));
    else await insertRows(this.store, 'changes', [values]);
    this.store.memoSet(memoKeys.change(after.id), values);
    const services = changeServicesWrite(before && row ? { change: before, row } : null, {
      change: after,
      row: values,
    });
    if (services.kind === 'update')
      await updateRow(this.store, 'change_services', 'change_id', after.id, services.values);
    else if (services.kind === 'replace') {
      if (before) await db.deleteFrom('change_services').where('change_id', '=', after.id).execute();
      await insertRows(this.store, 'change_services', services.rows);
    }
  }

  private async applyService(event: RecordedEvent<ServiceEvent>): Promise<void> {
    const db = this.store.db;
    this.store.memoSet(memoKeys.service(event.subject.slice('service:'.length)), undefined);
    if (event.type === 'service.registered') {
      const d = event.data as Of<ServiceEvent, 'service.registered'>;
      const service: Service = { ...d.attributes, name: d.name, createdAt: event.at, updatedAt: event.at };
      await db.insertInto('services').values(serviceRow(service)).execute();
      return;
    }
    const d = event.data as Of<ServiceEvent, 'service.updated'>;
    const name = event.subject.slice('service:'.length);
    const row = await db
      .selectFrom('services')
      .select('doc')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    const service: Service = { ...(JSON.parse(row.doc) as Service), ...d.fields, updatedAt: event.at };
    await db.updateTable('services').set(serviceRow(service)).where('name', '=', name).execute();
  }

  private async applyIdentity(event: RecordedEvent<IdentityEvent>): Promise<void> {
    const db = this.store.db;
    const e = { type: event.type, data: event.data } as IdentityEvent;
    switch (e.type) {
      case 'user.created':
        await db
          .insertInto('users')
          .values({
            username: e.data.username,
            display_name: e.data.displayName,
            email: e.data.email,
            kind: e.data.kind,
            roles: JSON.stringify(e.data.roles),
            groups: JSON.stringify(e.data.groups),
            active: e.data.active ? 1 : 0,
            created_at: event.at,
            updated_at: event.at,
          })
          .execute();
        return;
      case 'user.updated': {
        const f = e.data.fields;
        await db
          .updateTable('users')
          .set({
            ...(f.displayName !== undefined && { display_name: f.displayName }),
            ...(f.email !== undefined && { email: f.email }),
            ...(f.roles !== undefined && { roles: JSON.stringify(f.roles) }),
            ...(f.groups !== undefined && { groups: JSON.stringify(f.groups) }),
            ...(f.active !== undefined && { active: f.active ? 1 : 0 }),
            updated_at: event.at,
          })
          .where('username', '=', event.subject.slice('user:'.length))
          .execute();
        return;
      }
      case 'user.password_set':
        return;
      case 'token.created':
        await db
          .insertInto('api_tokens')
          .values({
            id: e.data.tokenId,
            owner: e.data.owner,
            name: e.data.name,
            scopes: JSON.stringify(e.data.scopes),
            created_at: event.at,
            expires_at: e.data.expiresAt,
            revoked_at: null,
          })
          .execute();
        return;
      case 'token.revoked':
        await db
          .updateTable('api_tokens')
          .set({ revoked_at: event.at })
          .where('id', '=', e.data.tokenId)
          .execute();
        return;
    }
  }
}
