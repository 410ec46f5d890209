// Benchmark of the deployment gate (issue 15): a real server on SQLite holding `changes` changes over
// `services` services, asked by 8 clients over HTTP. Recorded decisions (each a ledger event and a
// projection row, group-committed) and dry runs (read only), each a mix of allows and denies; and, on the
// same machine in the same run, a bare Fastify route answering the same bodies, for the ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.ts';
import { Refused } from '../src/modules/changes/changes.service.ts';
import { startServer } from '../src/server/start.ts';
import { actorOf, createUsers, registerServices } from './seed.ts';
import { printTable, summarise, verdict, type Summary } from './stats.ts';
import { runClients } from './worker.ts';

const TARGET_RATE = 2_000;
const TARGET_RECORDED_P99_MS = 10;
const TARGET_DRY_P99_MS = 5;
const TARGET_ADMISSION_P99_MS = 5;
/** Of the changes, this many are approved and scheduled around now; the rest stay drafts. */
const APPROVED_SHARE = 0.1;
const digest = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;

const REQUESTER = { username: 'rita', roles: ['requester' as const], groups: [] };
const APPROVER = { username: 'tom', roles: ['approver' as const], groups: ['technical'] };
const DEPLOYER = { username: 'pipeline', roles: ['deployer' as const], groups: [] };

export async function gateBench(opts: {
  root: string;
  changes: number;
  services: number;
  requests: number;
  concurrency: number;
}) {
  const dataDir = mkdtempSync(join(opts.root, 'gate-'));
  const server = await startServer(
    loadConfig({
      CHANGEPROOF_DATA: dataDir,
      CHANGEPROOF_PORT: '0',
      CHANGEPROOF_HOST: '127.0.0.1',
      // The admission webhook gates a cluster deploying to the services' environment.
      CHANGEPROOF_K8S_ENVIRONMENT: 'dev',
    }),
    { log: false },
  );
  try {
    const c = server.container;
    const t0 = performance.now();
    // Low-criticality development services: one technical approval each, under the example policy.
    const names = Array.from({ length: opts.services }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
    await registerServices(
      c,
      names.map((name) => ({ name, environment: 'dev' as const, criticality: 'low' as const })),
    );
    const tokens = await createUsers(c, [REQUESTER, APPROVER, DEPLOYER], [DEPLOYER.username]);
    const rita = actorOf(REQUESTER);
    const tom = actorOf(APPROVER);
    const ok = <T>(r: T | Refused): T => {
      if (r instanceof Refused) throw new Error(`generation refused: ${JSON.stringify(r.refusals)}`);
      return r;
    };
    const now = Date.now();
    const window = {
      start: new Date(now - 3_600_000).toISOString(),
      end: new Date(now + 6 * 86_400_000).toISOString(),
    };
    const approved: { id: string; service: string; artifact: string }[] = [];
    for (let i = 0; i < opts.changes; i++) {
      const service = names[i % names.length]!;
      const change = ok(
        await c.changes.create(rita, {
          type: 'normal',
          title: `Release ${i} of ${service}`,
          services: [service],
          description: 'Ship the new release.',
          reason: 'Features and fixes.',
          implementationPlan: 'Let the pipeline deploy it.',
          rollbackPlan: { method: 'Redeploy', expectedMinutes: 5, triggers: 'Errors', backupConfirmed: true },
          testPlan: 'Integration suite.',
          testEvidence: { environment: 'staging', results: 'green' },
          artifacts: [digest(i)],
        }),
      );
      if (i % Math.round(1 / APPROVED_SHARE) !== 0) continue;
      ok(await c.changes.command(rita, change.id, { type: 'submit' }));
      ok(await c.changes.command(tom, change.id, { type: 'approve', group: null, comment: 'ok' }));
      ok(await c.changes.command(rita, change.id, { type: 'schedule', window }));
      approved.push({ id: change.id, service, artifact: digest(i) });
    }
    console.log(
      `generated ${opts.changes} changes (${approved.length} approved and scheduled) over ${opts.services} services in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    // Four allows for one deny (a wrong artifact, a draft, an unknown change, in turn).
    const bodies = approved.flatMap((a, i) => {
      const ask = { change: a.id, service: a.service, environment: 'dev', artifact: a.artifact };
      const deny = [
        { ...ask, artifact: digest(opts.changes + i) },
        { ...ask, change: `CHG-${Number(a.id.slice(4)) + 1}` },
        { ...ask, change: `CHG-${opts.changes * 10 + i}` },
      ][i % 3]!;
      return i % 5 === 4 ? [deny] : [ask];
    });
    const job = (
      name: string,
      dryRun: boolean,
      url = server.url,
      path = '/api/v1/gate',
      sent: object[] = bodies.map((b) => ({ ...b, dryRun })),
    ) =>
      runClients({
        mode: 'post',
        url,
        token: tokens[DEPLOYER.username]!,
        path,
        name,
        bodies: sent,
        requests: opts.requests,
        concurrency: opts.concurrency,
      });
    // The same questions as Kubernetes asks them: a Deployment naming its change, its image pinned by digest.
    // One review per request: the API server gives each its own uid, which the webhook records once (a
    // repeated uid is a replay, answered without a new decision).
    const reviews = Array.from({ length: opts.requests }, (_, i) =>
      admissionReview(i, bodies[i % bodies.length]!),
    );
    // Not a benchmark of refusals: the first review (an approved change) must be admitted.
    const probe = await fetch(`${server.url}/api/v1/connectors/k8s-admission/validate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[DEPLOYER.username]!}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...reviews[0]!, request: { ...reviews[0]!.request, dryRun: true } }),
    });
    const admitted = (await probe.json()) as { response?: { allowed?: boolean; status?: unknown } };
    if (admitted.response?.allowed !== true)
      throw new Error(`the admission webhook refused an approved change: ${JSON.stringify(admitted)}`);
    await job('warm-up', true); // JIT and caches, not counted
    const recorded = await job('recorded', false);
    const dry = await job('dry run', true);
    const admission = await job(
      'admission review',
      false,
      server.url,
      '/api/v1/connectors/k8s-admission/validate',
      reviews,
    );
    const bare = await bareRoute((url) => job('bare Fastify route', true, url, '/gate'));
    const rows: [string, Summary][] = [recorded, dry, admission, bare].flatMap((r) =>
      Object.entries(r.latencies).map(([k, v]) => [k, summarise(v)] as [string, Summary]),
    );
    printTable(rows);
    const rate = (r: { wallMs: number }) => opts.requests / (r.wallMs / 1000);
    const errors = recorded.errors + dry.errors + admission.errors + bare.errors;
    for (const e of [
      ...recorded.firstErrors,
      ...dry.firstErrors,
      ...admission.firstErrors,
      ...bare.firstErrors,
    ])
      console.log(`  error: ${e}`);
    const figures = {
      changes: opts.changes,
      services: opts.services,
      clients: opts.concurrency,
      requests: opts.requests,
      recordedPerSecond: rate(recorded),
      recordedP99: rows[0]![1].p99,
      dryRunPerSecond: rate(dry),
      dryRunP99: rows[1]![1].p99,
      admissionPerSecond: rate(admission),
      admissionP99: rows[2]![1].p99,
      barePerSecond: rate(bare),
      ratio: rate(recorded) / rate(bare),
      errors,
    };
    const pass =
      errors === 0 &&
      figures.recordedPerSecond >= TARGET_RATE &&
      figures.recordedP99 <= TARGET_RECORDED_P99_MS &&
      figures.dryRunP99 <= TARGET_DRY_P99_MS &&
      figures.admissionP99 <= TARGET_ADMISSION_P99_MS;
    console.log(
      `recorded: ${figures.recordedPerSecond.toFixed(0)}/s (target ≥ ${TARGET_RATE}), p99 ${figures.recordedP99.toFixed(2)} ms (≤ ${TARGET_RECORDED_P99_MS})`,
    );
    console.log(
      `dry run:  ${figures.dryRunPerSecond.toFixed(0)}/s, p99 ${figures.dryRunP99.toFixed(2)} ms (≤ ${TARGET_DRY_P99_MS})`,
    );
    console.log(
      `admission reviews: ${figures.admissionPerSecond.toFixed(0)}/s, p99 ${figures.admissionP99.toFixed(2)} ms (≤ ${TARGET_ADMISSION_P99_MS})`,
    );
    console.log(
      `bare Fastify route: ${figures.barePerSecond.toFixed(0)}/s; recorded decisions at ${(figures.ratio * 100).toFixed(0)}% of it`,
    );
    console.log(`errors: ${errors}  ${verdict(pass)}`);
    return { ...figures, latencyMs: Object.fromEntries(rows), pass };
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** An `admission.k8s.io/v1` review of a Deployment carrying the gate question `b` (recorded, not a dry run). */
function admissionReview(i: number, b: { change: string; service: string; artifact: string }) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `bench-${i}`,
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      namespace: 'default',
      name: `app-${i}`,
      operation: 'CREATE',
      dryRun: false,
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: `app-${i}`,
          annotations: { 'changeproof.io/change': b.change, 'changeproof.io/service': b.service },
        },
        spec: {
          template: { spec: { containers: [{ name: 'app', image: `registry.example/app@${b.artifact}` }] } },
        },
      },
    },
  };
}

/** A Fastify route that parses the same body and answers a fixed decision: the machine's ceiling. */
async function bareRoute<T>(run: (url: string) => Promise<T>): Promise<T> {
  const app = Fastify();
  app.post('/gate', async () => ({ decision: 'allow', reasons: [] }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    return await run(url);
  } finally {
    await app.close();
  }
}
