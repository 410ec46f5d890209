// The services projection: the catalogue, one row per service with its record as canonical JSON.
import type { RecordedEvent, ServiceEvent } from '../../domain/events.ts';
import { readService, type Service } from '../../domain/service.ts';
import { canonicalJson } from '../../ledger/canonical.ts';
import { memoKeys } from '../../store/memo-keys.ts';
import type { Projection } from '../../store/projection.ts';

type Of<T extends ServiceEvent['type']> = Extract<ServiceEvent, { type: T }>['data'];

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

export const servicesProjection: Projection = {
  name: 'services',
  // Records written before `team` and retirement read with those at their defaults (readService), so the
  // same events still give the same catalogue: no replay needed.
  version: 1,
  handles: ['service.*'],
  tables: [{ name: 'services', key: ['name'] }],
  async apply(store, recorded) {
    const event = recorded as RecordedEvent<ServiceEvent>;
    const db = store.db;
    // What the batch remembers of this service is stale from here on.
    store.memoSet(memoKeys.service(event.subject.slice('service:'.length)), undefined);
    store.memoSet(memoKeys.catalogue, undefined);
    store.memoSet(memoKeys.catalogueRevision, undefined);
    if (event.type === 'service.registered') {
      const d = event.data as Of<'service.registered'>;
      const service: Service = {
        ...d.attributes,
        team: d.attributes.team ?? '',
        name: d.name,
        createdAt: event.at,
        updatedAt: event.at,
        retiredAt: null,
        retirementReason: '',
      };
      await db.insertInto('services').values(serviceRow(service)).execute();
      return;
    }
    const name = event.subject.slice('service:'.length);
    const row = await db
      .selectFrom('services')
      .select('doc')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    const before = readService(row.doc);
    const service: Service =
      event.type === 'service.retired'
        ? {
            ...before,
            retiredAt: event.at,
            retirementReason: (event.data as Of<'service.retired'>).reason,
            updatedAt: event.at,
          }
        : { ...before, ...(event.data as Of<'service.updated'>).fields, updatedAt: event.at };
    await db.updateTable('services').set(serviceRow(service)).where('name', '=', name).execute();
  },
};
