// The follow-ups projection: one row per tracked item, its record as canonical JSON plus the columns the
// lists filter on (owner, status, change, due date).
import type { FollowUpEvent, RecordedEvent } from '../../domain/events.ts';
import { evolveFollowUp, type FollowUp } from '../../domain/follow-up.ts';
import { canonicalJson } from '../../ledger/canonical.ts';
import type { Projection } from '../../store/projection.ts';
import type { FollowUpTable } from '../../store/schema.ts';

export function followUpRow(item: FollowUp): FollowUpTable {
  return {
    id: item.id,
    number: item.number,
    change_id: item.changeId,
    kind: item.kind,
    owner: item.owner,
    status: item.status,
    due_at: item.dueAt,
    doc: canonicalJson(item),
  };
}

export const followUpsProjection: Projection = {
  name: 'follow-ups',
  version: 1,
  handles: ['follow_up.*'],
  tables: [{ name: 'follow_ups', key: ['id'] }],
  async apply(store, recorded) {
    const event = recorded as RecordedEvent<FollowUpEvent>;
    const db = store.db;
    const meta = { subject: event.subject, at: event.at, actor: event.actor.id };
    const domain = { type: event.type, data: event.data } as FollowUpEvent;
    if (domain.type === 'follow_up.opened') {
      await db
        .insertInto('follow_ups')
        .values(followUpRow(evolveFollowUp(null, domain, meta)))
        .execute();
      return;
    }
    const row = await db
      .selectFrom('follow_ups')
      .select('doc')
      .where('id', '=', event.subject)
      .executeTakeFirstOrThrow();
    const next = evolveFollowUp(JSON.parse(row.doc) as FollowUp, domain, meta);
    await db.updateTable('follow_ups').set(followUpRow(next)).where('id', '=', event.subject).execute();
  },
};
