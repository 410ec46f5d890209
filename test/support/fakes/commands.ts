// The command runner without a database: one clock reading per command, nested commands join the one
// under way, and a command that throws leaves nothing behind (as a rolled-back transaction).
import type { Actor } from '../../../src/domain/actor.ts';
import type { CommandContext, Commands } from '../../../src/modules/commands/command-runner.ts';
import type { FakeLedger } from './ledger.ts';

export class FakeCommands implements Commands {
  private readonly ledger: FakeLedger;
  private readonly clock: () => Date;
  private open: CommandContext | null = null;
  /** Commands run (not counting joined ones). */
  count = 0;

  constructor(ledger: FakeLedger, clock: () => Date) {
    this.ledger = ledger;
    this.clock = clock;
  }

  async execute<T>(actor: Actor, fn: (ctx: CommandContext) => Promise<T>): Promise<T> {
    if (this.open) return fn({ ...this.open, actor });
    const now = this.clock();
    const ctx = { actor, now, at: now.toISOString() };
    const restore = this.ledger.snapshot();
    this.open = ctx;
    this.count++;
    try {
      return await fn(ctx);
    } catch (err) {
      restore();
      throw err;
    } finally {
      this.open = null;
    }
  }
}
