// Seeded random attacks through the real HTTP application: random actors send random sequences of change
// commands, interleaved with admin operations on users, groups, tokens, services and the policy between
// approval and start. After every request the invariants of harness.ts hold — above all, no change reaches
// `implementing` unless its current revision was approved, under the current assessment, by the policy's
// quorum of distinct eligible people who hold their groups now.
//
// Replay and explore:
//   ADVERSARY_SEED=n      the seed (printed on failure with the shrunk sequence of steps)
//   ADVERSARY_PATH=p      fast-check's replay path, printed beside the seed
//   ADVERSARY_RUNS=n      sequences per engine on SQLite (default 40; PostgreSQL runs a quarter of them)
//   ADVERSARY_STEPS=n     longest sequence (default 30)
//   ADVERSARY_IGNORE=a,b  violation tags to skip, to look for the next distinct kind
//   ADVERSARY_REPLAY=json run one sequence of steps (a printed counterexample) and print its requests
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SERVICES } from '../support/app.ts';
import { engines } from '../support/db.ts';
import type { Engine } from '../../src/store/database.ts';
import { Harness, reached } from './harness.ts';
import { disposeBase, openCopy, prepareBase, type Base } from './snapshot.ts';
import { runStep, sequenceArb, type Step } from './steps.ts';

const SEED = Number(process.env.ADVERSARY_SEED ?? 8_320);
const RUNS = Number(process.env.ADVERSARY_RUNS ?? 40);
const STEPS = Number(process.env.ADVERSARY_STEPS ?? 30);
const PATH = process.env.ADVERSARY_PATH;
/** A sequence of steps as JSON (e.g. a printed counterexample): run it once and print its requests. */
const REPLAY = process.env.ADVERSARY_REPLAY;

const EXTRA_SERVICES = [
  { name: 'dev-tool', environment: 'dev', criticality: 'low' },
  { name: 'web-frontend', environment: 'prod', criticality: 'medium' },
];

/** The prepared world every sequence starts from: the cast, five services, narrow tokens and a few sessions. */
async function prepare(engine: Engine): Promise<{ base: Base; proto: Harness }> {
  const { base, t } = await prepareBase(engine);
  const h = await Harness.over(t);
  const admin = h.own.get('admin')!;
  for (const s of [...SERVICES, ...EXTRA_SERVICES]) {
    const res = await h.send(admin, 'POST', '/api/v1/services', s);
    if (res.statusCode !== 201) throw new Error(`service ${s.name}: ${res.body}`);
  }
  // Narrow tokens their owners made for themselves: read-only, and write without approve.
  const narrow: [string, string[]][] = [
    ['alice', ['changes:read']],
    ['sam', ['changes:read', 'changes:write']],
    ['tom', ['changes:read', 'services:read', 'policy:read']],
    ['bob', ['changes:read', 'changes:write']],
  ];
  for (const [owner, scopes] of narrow) {
    const res = await h.send(h.own.get(owner)!, 'POST', '/api/v1/tokens', { name: 'narrow', scopes });
    if (res.statusCode !== 201) throw new Error(`token for ${owner}: ${res.body}`);
    h.creds.push({
      label: `${owner}:token(${scopes.join('+')})`,
      secret: res.json<{ token: string }>().token,
      kind: 'token',
      owner,
      holder: owner,
      scopes,
      since: h.world.size,
      keepsPasswordAt: [],
    });
  }
  for (const who of ['sam', 'tom', 'dora']) await h.login(who);
  h.transcript.length = 0;
  h.transcript.push(
    '(set-up: five services; narrow tokens for alice, sam, tom, bob; sessions for sam, tom, dora)',
  );
  await h.close();
  return { base, proto: h };
}

async function runSequence(
  prepared: { base: Base; proto: Harness },
  steps: Step[],
  print = false,
): Promise<void> {
  const h = await Harness.fork(await openCopy(prepared.base), prepared.proto);
  try {
    for (const [n, step] of steps.entries()) {
      h.transcript.push(`step ${n}: ${JSON.stringify(step)}`);
      await runStep(h, step, n);
    }
  } finally {
    if (print) process.stdout.write(`${h.transcript.map((l) => `# ${l}`).join('\n')}\n`);
    await h.close();
  }
}

for (const engine of engines()) {
  describe(`adversarial command sequences (${engine})`, () => {
    it('never lets a change start without the current quorum, and keeps every other promise', async () => {
      const runs = engine === 'sqlite' ? RUNS : Math.max(1, Math.ceil(RUNS / 4));
      const started = Date.now();
      const prepared = await prepare(engine);
      try {
        if (REPLAY) {
          await runSequence(prepared, JSON.parse(REPLAY) as Step[], true);
          return;
        }
        await fc.assert(
          fc.asyncProperty(sequenceArb(STEPS), (steps) => runSequence(prepared, steps)),
          {
            seed: SEED,
            numRuns: runs,
            endOnFailure: false,
            ...(PATH ? { path: PATH } : {}),
            interruptAfterTimeLimit: Number(process.env.ADVERSARY_TIME_LIMIT_MS ?? 600_000),
          },
        );
      } finally {
        await disposeBase(prepared.base);
      }
      process.stdout.write(
        `# adversary (${engine}): seed ${SEED}, ${runs} sequences of up to ${STEPS} steps, ${Date.now() - started} ms\n` +
          `# reached: ${[...reached].map(([k, n]) => `${k} ${n}`).join(', ')}\n`,
      );
    });
  });
}
