// The calendar projection: one row per personal feed token (who owns it, when it was created and revoked).
import type { CalendarEvent, RecordedEvent } from '../../domain/events.ts';
import type { Projection } from '../../store/projection.ts';

export const calendarProjection: Projection = {
  name: 'calendar',
  version: 1,
  handles: ['calendar.*'],
  tables: [{ name: 'calendar_feeds', key: ['id'] }],
  async apply(store, recorded) {
    const event = recorded as RecordedEvent<CalendarEvent>;
    if (event.type === 'calendar.feed_token_created') {
      await store.db
        .insertInto('calendar_feeds')
        .values({ id: event.data.tokenId, owner: event.data.owner, created_at: event.at, revoked_at: null })
        .execute();
      return;
    }
    await store.db
      .updateTable('calendar_feeds')
      .set({ revoked_at: event.at })
      .where('id', '=', event.data.tokenId)
      .execute();
  },
};
