// The signed-in person's queue and the weekly outcome counts, for the web app's home page. Reads only. Each
// list walks an index newest first (or by window start) and stops after a page, so it stays fast at
// 100,000 changes: awaiting approval by (state, number), requester by (requester, number), owing by the
// partial index of changes that owe a record or review, upcoming by (state, window_start), refusals from
// the ledger's newest entries (primary key).
import { sql, type RawBuilder } from 'kysely';
import type { MyQueue, WeeklyMetrics } from '../../contracts/home.ts';
import type { Actor } from '../../domain/actor.ts';
import { ownerOf, type Change } from '../../domain/change.ts';
import type { RecordedEvent, Refusal } from '../../domain/events.ts';
import { holdsGroup } from '../../domain/approver-groups.ts';
import { approvalProgress, deciderRefusals, validApprovals } from '../../domain/quorum.ts';
import type { ChangeState } from '../../domain/vocabulary.ts';
import type { Store } from '../../store/database.ts';
import { OWES_RECORD_OR_REVIEW } from '../../store/migrations/0008_change_services_filters.ts';
import { toSummary } from './change-view.ts';

/** Most items in each list. */
export const QUEUE_LIMIT = 50;
/** Most changes awaiting approval looked at for what the person may decide. */
const AWAITING_SCAN = 2000;
/** How far back in the ledger "recent" refusals go, in entries. */
const REFUSALS_SCAN = 5000;
const OPEN: ChangeState[] = ['draft', 'awaiting_approval', 'approved', 'scheduled', 'implementing', 'review'];
const DAY_MS = 86_400_000;

/** The text a change's stored document contains when `who` owns it (owners other than the requester are rare). */
const ownerPattern = (who: string) => `%"owner":${JSON.stringify(who).replace(/[%_\\]/g, '\\$&')}%`;

/** Whether `actor` may approve `change` now for some group still owed. */
function mayApprove(change: Change, actor: Actor): boolean {
  if (deciderRefusals(change, actor).length > 0) return false;
  if (validApprovals(change).some((a) => a.approver === actor.id)) return false;
  return approvalProgress(change).requirements.some((r) => r.remaining > 0 && holdsGroup(actor, r.group));
}

/** The Monday (UTC) of the week `at` falls in, as YYYY-MM-DD. */
export function mondayOf(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

export class HomeReadModel {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  private docs(rows: { doc: string }[]): Change[] {
    return rows.map((r) => JSON.parse(r.doc) as Change);
  }

  async queue(actor: Actor, now: Date, approvalSlaMinutes: number): Promise<MyQueue> {
    const at = now.toISOString();
    const summary = (c: Change) => toSummary(c, at, approvalSlaMinutes);
    const [awaiting, open, owing, upcoming, refusals] = await Promise.all([
      this.awaiting(actor),
      this.open(actor.id),
      this.owing(actor.id),
      this.upcoming(at, new Date(now.getTime() + 7 * DAY_MS).toISOString()),
      this.refusals(actor.id),
    ]);
    return {
      awaitingMyApproval: awaiting.map(summary),
      myOpen: open.map(summary),
      owingRecordOrReview: owing.map(summary),
      upcoming: upcoming.map(summary),
      recentRefusals: refusals.map(({ change, refused }) => ({ ...summary(change), refused })),
    };
  }

  private async awaiting(actor: Actor): Promise<Change[]> {
    const found: Change[] = [];
    let below: number | null = null;
    for (let scanned = 0; scanned < AWAITING_SCAN && found.length < QUEUE_LIMIT; scanned += 200) {
      let q = this.store.db
        .selectFrom('changes')
        .select(['doc', 'number'])
        .where('state', '=', 'awaiting_approval');
      if (below !== null) q = q.where('number', '<', below);
      const rows = await q.orderBy('number', 'desc').limit(200).execute();
      found.push(...this.docs(rows).filter((c) => mayApprove(c, actor)));
      if (rows.length < 200) break;
      below = Number(rows.at(-1)!.number);
    }
    return found.slice(0, QUEUE_LIMIT);
  }

  /** Requested by them (the requester index), or owned by them after a reassignment. */
  private async open(who: string): Promise<Change[]> {
    const [requested, owned] = await Promise.all([
      this.store.db
        .selectFrom('changes')
        .select('doc')
        .where('requester', '=', who)
        .where('state', 'in', OPEN)
        .orderBy('number', 'desc')
        .limit(QUEUE_LIMIT)
        .execute(),
      this.store.db
        .selectFrom('changes')
        .select('doc')
        .where('state', 'in', OPEN)
        .where('requester', '!=', who)
        .where(sql<boolean>`doc like ${ownerPattern(who)} escape '\\'`)
        .orderBy('number', 'desc')
        .limit(QUEUE_LIMIT)
        .execute(),
    ]);
    return [...this.docs(requested), ...this.docs(owned).filter((c) => ownerOf(c) === who)]
      .sort((a, b) => b.number - a.number)
      .slice(0, QUEUE_LIMIT);
  }

  /**
   * Theirs (requested, owned or implemented) and owing: a record or review with a deadline (emergencies; the
   * partial index of those), or the review of a change carried out and waiting for it (state review).
   */
  private async owing(who: string): Promise<Change[]> {
    const theirs = (owes: RawBuilder<boolean>) =>
      this.store.db
        .selectFrom('changes')
        .select(['doc', 'number'])
        .where(owes)
        .where((eb) =>
          eb.or([
            eb('requester', '=', who),
            eb('implementer', '=', who),
            eb(sql<string>`doc`, 'like', ownerPattern(who)),
          ]),
        )
        .orderBy('number', 'desc')
        .limit(QUEUE_LIMIT)
        .execute();
    const [deadlines, inReview] = await Promise.all([
      theirs(sql.raw<boolean>(OWES_RECORD_OR_REVIEW)),
      theirs(sql<boolean>`state = 'review' and reviewed = 0`),
    ]);
    const byNumber = new Map([...deadlines, ...inReview].map((r) => [Number(r.number), r]));
    return this.docs([...byNumber.values()])
      .filter((c) => c.requester === who || c.implementer === who || ownerOf(c) === who)
      .sort((a, b) => b.number - a.number)
      .slice(0, QUEUE_LIMIT);
  }

  private async upcoming(from: string, to: string): Promise<Change[]> {
    const rows = await this.store.db
      .selectFrom('changes')
      .select('doc')
      .where('state', '=', 'scheduled')
      .where('window_start', '>=', from)
      .where('window_start', '<', to)
      .orderBy('window_start')
      .orderBy('number')
      .limit(QUEUE_LIMIT)
      .execute();
    return this.docs(rows);
  }

  /** Refusals among the newest ledger entries, read from the signed text (the plain columns can be edited). */
  private async refusals(
    who: string,
  ): Promise<{ change: Change; refused: { command: string; at: string; reasons: Refusal[] } }[]> {
    const recent = this.store.db
      .selectFrom('ledger_entries')
      .select(['canonical', 'type', 'seq'])
      .orderBy('seq', 'desc')
      .limit(REFUSALS_SCAN)
      .as('recent');
    const rows = await this.store.db
      .selectFrom(recent)
      .select('canonical')
      .where('type', '=', 'change.command_refused')
      .orderBy('seq', 'desc')
      .execute();
    const mine = rows
      .map(
        (r) =>
          JSON.parse(r.canonical) as RecordedEvent<{
            type: 'change.command_refused';
            data: { command: string; reasons: Refusal[] };
          }>,
      )
      .filter(
        (e) => e.type === 'change.command_refused' && e.actor.id === who && e.subject.startsWith('CHG-'),
      )
      .slice(0, QUEUE_LIMIT);
    if (mine.length === 0) return [];
    const ids = [...new Set(mine.map((e) => e.subject))];
    const docs = await this.store.db
      .selectFrom('changes')
      .select(['id', 'doc'])
      .where('id', 'in', ids)
      .execute();
    const byId = new Map(docs.map((d) => [d.id, JSON.parse(d.doc) as Change]));
    return mine.flatMap((e) => {
      const change = byId.get(e.subject);
      return change
        ? [{ change, refused: { command: e.data.command, at: e.at, reasons: e.data.reasons } }]
        : [];
    });
  }

  /** Changes raised in each of the last `weeks` weeks (this one last), by how they ended. */
  async weekly(weeks: number, now: Date): Promise<WeeklyMetrics> {
    const monday = new Date(`${mondayOf(now)}T00:00:00.000Z`);
    const starts = Array.from({ length: weeks }, (_, i) =>
      new Date(monday.getTime() - (weeks - 1 - i) * 7 * DAY_MS).toISOString().slice(0, 10),
    );
    const outcome =
      this.store.engine === 'sqlite'
        ? sql<string | null>`json_extract(doc, '$.outcome')`
        : sql<string | null>`((doc::jsonb) ->> 'outcome')`;
    // One pass over the created_at index for the range, grouped by day in SQL: no document leaves the database.
    const rows = await this.store.db
      .selectFrom('changes')
      .select([
        sql<string>`substr(created_at, 1, 10)`.as('day'),
        'state',
        outcome.as('outcome'),
        sql<number | string>`count(*)`.as('n'),
      ])
      .where('created_at', '>=', `${starts[0]}T00:00:00.000Z`)
      .groupBy([sql`substr(created_at, 1, 10)`, 'state', outcome])
      .execute();
    const out = starts.map((week) => ({
      week,
      successful: 0,
      failed: 0,
      rolledBack: 0,
      cancelled: 0,
      open: 0,
    }));
    const index = new Map(starts.map((w, i) => [w, i]));
    for (const r of rows) {
      const bucket = out[index.get(mondayOf(new Date(`${r.day}T00:00:00.000Z`)))!];
      if (!bucket) continue;
      const n = Number(r.n);
      if (r.outcome === 'successful' || r.outcome === 'successful_with_issues') bucket.successful += n;
      else if (r.outcome === 'failed') bucket.failed += n;
      else if (r.outcome === 'rolled_back') bucket.rolledBack += n;
      else if (r.outcome === 'cancelled' || r.state === 'cancelled') bucket.cancelled += n;
      else if (OPEN.includes(r.state as ChangeState)) bucket.open += n;
    }
    return { weeks: out };
  }
}
