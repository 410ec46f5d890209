// Delivers outbox rows after commit to named subscribers, each from its own cursor: in ledger order, at
// least once, a failing subscriber backing off on its own without holding back the others. A server
// delivers to a subscriber only while it holds that subscriber's lease, so several servers on one database
// never deliver the same subscriber's events at the same time. Subscribers de-duplicate by event id.
// Webhooks and e-mail plug in here as subscribers.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RecordedEvent } from '../../domain/events.ts';
import type { Store } from '../../store/database.ts';
import { OutboxCursorRepository, type OutboxCursor } from '../../store/outbox-cursors.repository.ts';
import { OutboxRepository } from '../../store/outbox.repository.ts';

export interface Subscriber {
  /** Stable across releases: the cursor is kept under it. */
  readonly name: string;
  deliver(event: RecordedEvent): Promise<void>;
}

export interface DispatcherOptions {
  now?: () => Date;
  /** Who this server is in the leases; unique per process by default. */
  holder?: string;
  /** How long a claim lasts; a server that stops mid-round is taken over after this. */
  leaseMs?: number;
  batch?: number;
  /** Told about each failed delivery (the server logs it). */
  onFailure?: (subscriber: string, error: unknown) => void;
}

const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 15 * 60_000;

/** The wait before retry number `attempts` (1, 2, …): doubling from a second, capped at 15 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

/** Who this process is in leases: host, process and a random part, so a restarted process is new. */
export function processHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export class OutboxDispatcher {
  readonly subscribers: readonly Subscriber[];
  private readonly outbox: OutboxRepository;
  private readonly cursors: OutboxCursorRepository;
  private readonly now: () => Date;
  private readonly holder: string;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly onFailure: (subscriber: string, error: unknown) => void;
  private readonly registered = new Set<string>();
  private readonly running = new Map<string, Promise<number>>();

  constructor(store: Store, subscribers: Subscriber[], options: DispatcherOptions = {}) {
    const names = new Set(subscribers.map((s) => s.name));
    if (names.size !== subscribers.length) throw new Error('subscriber names must be unique');
    this.subscribers = subscribers;
    this.outbox = new OutboxRepository(store);
    this.cursors = new OutboxCursorRepository(store);
    this.now = options.now ?? (() => new Date());
    this.holder = options.holder ?? processHolder();
    this.leaseMs = options.leaseMs ?? 30_000;
    this.batch = options.batch ?? 100;
    this.onFailure = options.onFailure ?? (() => undefined);
  }

  /** One round for every subscriber, side by side; returns how many deliveries succeeded. */
  async drain(): Promise<number> {
    const counts = await Promise.all(this.subscribers.map((s) => this.deliver(s.name)));
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * One round for one subscriber: claim its cursor, deliver what follows it in ledger order, advance. A
   * round already running in this process is joined rather than doubled.
   */
  async deliver(name: string): Promise<number> {
    const subscriber = this.subscribers.find((s) => s.name === name);
    if (!subscriber) throw new Error(`no subscriber named ${name}`);
    let round = this.running.get(name);
    if (!round) {
      round = this.round(subscriber).finally(() => this.running.delete(name));
      this.running.set(name, round);
    }
    return round;
  }

  private async round(subscriber: Subscriber): Promise<number> {
    if (!this.registered.has(subscriber.name)) {
      await this.cursors.ensure(subscriber.name, this.now());
      this.registered.add(subscriber.name);
    }
    // Read first: an idle round, the usual one, then writes nothing.
    if (!(await this.hasWork(subscriber.name))) return 0;
    const cursor = await this.cursors.claim(subscriber.name, this.holder, this.now(), this.leaseMs);
    if (!cursor) return 0;
    let seq = cursor.deliveredSeq;
    let leaseUntil = Date.parse(cursor.leaseUntil!);
    let delivered = 0;
    for (;;) {
      const batch = await this.outbox.after(seq, this.batch);
      let done = seq;
      let outOfTime = false;
      for (const message of batch) {
        // Past the lease another server may have taken over: stop rather than deliver beside it.
        if (this.now().getTime() >= leaseUntil) {
          outOfTime = true;
          break;
        }
        try {
          await subscriber.deliver(message.payload);
        } catch (error) {
          this.onFailure(subscriber.name, error);
          await this.failed(cursor, done, error);
          return delivered;
        }
        done = message.seq;
        delivered += 1;
      }
      const more = batch.length === this.batch && !outOfTime;
      const now = this.now();
      const renewed = more ? new Date(now.getTime() + this.leaseMs) : null;
      // Advancing renews the lease while there is more, and releases it at the end of the round.
      if (!(await this.cursors.advance(subscriber.name, this.holder, done, now, renewed))) return delivered;
      if (!renewed) return delivered;
      leaseUntil = renewed.getTime();
      seq = done;
    }
  }

  private async hasWork(name: string): Promise<boolean> {
    const [cursor, head] = await Promise.all([this.cursors.get(name), this.outbox.head()]);
    const now = this.now().toISOString();
    return (
      cursor !== null &&
      head !== null &&
      head > cursor.deliveredSeq &&
      cursor.nextAttemptAt <= now &&
      (cursor.leaseUntil === null || cursor.leaseUntil <= now)
    );
  }

  private async failed(cursor: OutboxCursor, done: number, error: unknown): Promise<void> {
    const now = this.now();
    // A failure on a later event than last time starts a new count.
    const progressed = done > cursor.deliveredSeq;
    const attempts = progressed ? 1 : cursor.attempts + 1;
    await this.cursors.fail(
      cursor.subscriber,
      this.holder,
      {
        seq: done,
        attempts,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        failingSince: (!progressed && cursor.failingSince) || now.toISOString(),
        retryAt: new Date(now.getTime() + backoffMs(attempts)),
      },
      now,
    );
  }
}
