// What a use-case hands its events to: Recorder.record (ledger entry, projection, outbox) in the command's
// transaction. Declared here so use-cases depend on the one function, not on the store.
import type { Actor } from '../../domain/actor.ts';
import type { DomainEvent, RecordedEvent } from '../../domain/events.ts';

export interface PendingEvent {
  subject: string;
  event: DomainEvent;
}

export type RecordEvents = (actor: Actor, at: string, pending: PendingEvent[]) => Promise<RecordedEvent[]>;
