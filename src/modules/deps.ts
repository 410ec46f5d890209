// What every use-case needs from the outside world, passed in by the composition root (container.ts).
import type { Store } from '../store/database.ts';
import type { Recorder } from '../store/recorder.ts';

export interface Deps {
  store: Store;
  recorder: Recorder;
  /** The clock, injectable so tests can move time (deadlines, windows, token expiry). */
  now: () => Date;
}

export const iso = (d: Date) => d.toISOString();
