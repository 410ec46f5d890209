// What the use-cases that still read the store themselves (identity, sessions, policy, checkpoints) get from
// the composition root (container.ts). Changes and services take narrower collaborators of their own.
import type { Store } from '../store/database.ts';
import type { Commands } from './commands/command-runner.ts';
import type { RecordEvents } from './commands/record.ts';

export interface Deps {
  store: Store;
  /** Runs each write as a command: the transaction, the actor, one clock reading. */
  commands: Commands;
  record: RecordEvents;
  /** The clock, injectable so tests can move time (deadlines, windows, token expiry). */
  now: () => Date;
}

export const iso = (d: Date) => d.toISOString();
