// The gate use-case on hand-made collaborators: it fails closed — a collaborator that hangs past the
// timeout, or one that throws, is answered as a deny with the reason `gate_error` and never thrown; and an
// actor without the gate's permission is refused before anything is read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/contracts/errors.ts';
import { connectorActor, type Actor } from '../../src/domain/actor.ts';
import { GateService, type GateCollaborators } from '../../src/modules/gate/gate.service.ts';
import type { GateInput } from '../../src/modules/gate/gate.types.ts';

const never = () => new Promise<never>(() => {});
const input: GateInput = {
  change: 'CHG-1',
  service: 'tool',
  environment: 'dev',
  artifacts: [`sha256:${'a'.repeat(64)}`],
  dryRun: false,
  source: 'kubernetes',
};

function gate(over: Partial<GateCollaborators>): GateService {
  const unused = () => Promise.reject(new Error('not expected'));
  return new GateService({
    commands: {
      run: async (command, fn) => {
        const now = new Date('2026-11-25T10:00:00.000Z');
        return { outcome: await fn({ actor: command.actor, now, at: now.toISOString() }), replayed: false };
      },
    },
    record: unused,
    changes: { load: unused, nextNumber: unused, approvers: unused },
    standing: { assess: unused },
    catalogue: { known: unused },
    policies: { active: unused },
    records: {
      decision: unused,
      deployment: unused,
      nextDeploymentNumber: unused,
      catalogueStamp: unused,
      environmentOf: unused,
    },
    now: () => new Date('2026-11-25T10:00:00.000Z'),
    ...over,
  });
}

describe('the gate use-case fails closed', () => {
  const k8s = connectorActor('kubernetes');

  it('denies when a read hangs past its timeout, recorded or dry run', async () => {
    const g = gate({ policies: { active: never }, timeoutMs: 50 });
    for (const dryRun of [false, true]) {
      const t0 = performance.now();
      const d = await g.decide(k8s, { ...input, dryRun });
      assert.ok(performance.now() - t0 < 1_000, 'answered within the timeout');
      assert.equal(d.decision, 'deny');
      assert.deepEqual(
        d.reasons.map((r) => r.code),
        ['gate_error'],
      );
      assert.match(d.reasons[0]!.message, /no answer within 50 ms/);
      assert.equal(d.id, null);
    }
  });

  it('records nothing once the caller was answered for want of time', async () => {
    const slow = <T>(value: T) => new Promise<T>((done) => setTimeout(() => done(value), 100));
    const recorded: unknown[] = [];
    const g = gate({
      timeoutMs: 50,
      policies: {
        active: () =>
          slow({
            version: 1,
            policy: { deadlines: { emergencyRecordMinutes: 60, emergencyReviewMinutes: 60 } },
          }),
      } as unknown as GateCollaborators['policies'],
      changes: { load: () => Promise.resolve(null), nextNumber: never, approvers: never },
      records: {
        decision: never,
        deployment: never,
        nextDeploymentNumber: never,
        catalogueStamp: never,
        environmentOf: () => Promise.resolve(null),
      },
      windowsAt: () => ({ freezes: [], maintenanceApplies: false, maintenance: null }),
      record: (...args: unknown[]) => {
        recorded.push(args);
        return Promise.resolve([]);
      },
    });
    const d = await g.decide(k8s, input);
    assert.deepEqual(
      d.reasons.map((r) => r.code),
      ['gate_error'],
    );
    // The decision under way finishes its reads after the answer; it must not record its own outcome.
    await new Promise((done) => setTimeout(done, 150));
    assert.deepEqual(recorded, []);
  });

  it('denies when a collaborator throws, and says what failed', async () => {
    const g = gate({ policies: { active: () => Promise.reject(new Error('policy unreadable')) } });
    const d = await g.decide(k8s, input);
    assert.equal(d.decision, 'deny');
    assert.match(d.reasons[0]!.message, /policy unreadable/);
  });

  it('refuses an actor without the gate permission before reading anything', async () => {
    const viewer: Actor = {
      id: 'val',
      kind: 'human',
      roles: ['viewer'],
      groups: [],
      scopes: null,
      email: null,
    };
    await assert.rejects(
      gate({}).decide(viewer, input),
      (err: unknown) => err instanceof AppError && err.code === 'forbidden',
    );
  });
});
