// The events of personal calendar feeds, part of the closed union in events.ts. The feed's secret is never
// in an event: only its public id and owner (the hash lives in `credentials`, like API tokens').
export type CalendarEvent =
  | { type: 'calendar.feed_token_created'; data: { tokenId: string; owner: string } }
  | { type: 'calendar.feed_token_revoked'; data: { tokenId: string; owner: string } };
