// Reads for the calendar: the changes holding windows in a range (scheduled or being implemented), and
// personal feed tokens by the hash of their secret.
import { ownerOf, type Change } from '../../domain/change.ts';
import type { Booking } from '../../domain/conflicts.ts';
import type { ChangeState, RiskRating } from '../../domain/vocabulary.ts';
import type { Store } from '../../store/database.ts';

/** States in which a change holds its window: the ones that can conflict. */
export const HOLDING: ChangeState[] = ['scheduled', 'implementing'];
/** States whose window the calendar shows: holding it, or carried out in it. */
export const SHOWN: ChangeState[] = [...HOLDING, 'review', 'closed'];

export interface CalendarBooking extends Booking {
  state: ChangeState;
  riskRating: RiskRating | null;
  requester: string;
  owner: string;
}

export class CalendarReadModel {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Changes in `states` (holding their window by default) whose window overlaps [from, to), by window start. */
  async bookings(from: string, to: string, states = HOLDING): Promise<CalendarBooking[]> {
    const rows = await this.store.db
      .selectFrom('changes')
      .select('doc')
      .where('state', 'in', states)
      .where('window_start', '<', to)
      .where('window_end', '>', from)
      .orderBy('window_start')
      .orderBy('number')
      .execute();
    return rows.map((r) => {
      const c = JSON.parse(r.doc) as Change;
      return {
        id: c.id,
        title: c.title,
        state: c.state,
        riskRating: c.assessment?.rating ?? null,
        services: c.services,
        requester: c.requester,
        owner: ownerOf(c),
        implementer: c.implementer,
        window: c.window!,
      };
    });
  }

  /** The owner of the live feed token with this secret hash, or null. */
  async feedOwner(hash: string): Promise<string | null> {
    const row = await this.store.db
      .selectFrom('credentials')
      .innerJoin('calendar_feeds', 'calendar_feeds.id', 'credentials.subject')
      .innerJoin('users', 'users.username', 'calendar_feeds.owner')
      .select('calendar_feeds.owner')
      .where('credentials.kind', '=', 'calendar_feed')
      .where('credentials.secret_hash', '=', hash)
      .where('calendar_feeds.revoked_at', 'is', null)
      .where('users.active', '=', 1)
      .executeTakeFirst();
    return row?.owner ?? null;
  }

  /** The ids of the owner's live feed tokens. */
  async liveFeeds(owner: string): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('calendar_feeds')
      .select('id')
      .where('owner', '=', owner)
      .where('revoked_at', 'is', null)
      .execute();
    return rows.map((r) => r.id);
  }
}
