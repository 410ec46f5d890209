// The active policy without a database: the shipped example, and activation as a recorded event.
import { readFileSync } from 'node:fs';
import type { Actor } from '../../../src/domain/actor.ts';
import type { RecordEvents } from '../../../src/modules/commands/record.ts';
import {
  EXAMPLE_POLICY_PATH,
  parseOrThrow,
  type ActivePolicy,
} from '../../../src/modules/policy/policy.service.ts';

export class FakePolicies {
  private current: ActivePolicy;
  private readonly record: RecordEvents;
  private readonly clock: () => Date;

  constructor(record: RecordEvents, clock: () => Date, source = readFileSync(EXAMPLE_POLICY_PATH, 'utf8')) {
    this.record = record;
    this.clock = clock;
    const { policy, sha256 } = parseOrThrow(source);
    this.current = { version: 1, name: policy.name, sha256, policy };
  }

  async active(): Promise<ActivePolicy> {
    return this.current;
  }

  async activate(actor: Actor, source: string, changeId: string | null): Promise<number> {
    const { policy, sha256 } = parseOrThrow(source);
    const version = this.current.version + 1;
    await this.record(actor, this.clock().toISOString(), [
      {
        subject: 'policy',
        event: { type: 'policy.activated', data: { version, name: policy.name, sha256, source, changeId } },
      },
    ]);
    this.current = { version, name: policy.name, sha256, policy };
    return version;
  }
}
