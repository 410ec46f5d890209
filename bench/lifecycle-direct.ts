// The storage path's own ceiling: the same lifecycles as the HTTP benchmark, with the same concurrency and
// group commit, but calling the use-cases in-process — no HTTP, validation, authentication or idempotency
// records. Whatever this reaches, the API cannot exceed; the gap between the two is the HTTP layer's cost.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import type { Container } from '../src/container.ts';
import type { Actor } from '../src/domain/actor.ts';
import { Refused } from '../src/modules/changes/changes.service.ts';
import { outboxDeliveryJobs } from '../src/jobs/outbox-delivery.job.ts';
import { JobRunner } from '../src/jobs/runner.ts';
import { OutboxDispatcher, processHolder } from '../src/modules/notifications/outbox-dispatcher.ts';
import { initialise, openContainer } from '../src/server/start.ts';
import { createBody, steps, type Role, type Step } from './lifecycle-plan.ts';
import { actorOf, createUsers, registerServices, type BenchUser } from './seed.ts';

type Command = Parameters<Container['changes']['command']>[2];

type Fields<T extends Command['type']> = Omit<Extract<Command, { type: T }>, 'type'>;

/** The use-case command an HTTP action becomes, with the defaults the API's contracts would fill in. */
function command(step: Step): Command {
  switch (step.action) {
    case 'approve':
      return { type: 'approve', group: null, ...(step.body as Pick<Fields<'approve'>, 'comment'>) };
    case 'schedule':
      return { type: 'schedule', ...(step.body as Fields<'schedule'>) };
    case 'complete':
      return { type: 'complete', notes: '', ...(step.body as Omit<Fields<'complete'>, 'notes'>) };
    default:
      return { type: step.action };
  }
}

async function lifecycle(
  c: Container,
  who: Record<Role, Actor>,
  service: string,
  i: number,
): Promise<number> {
  const created = await c.changes.create(who.requester, { type: 'normal', ...createBody(service, i) });
  if (created instanceof Refused) throw new Error(`create refused: ${JSON.stringify(created.refusals)}`);
  const plan = steps(Date.now());
  for (const step of plan) {
    const r = await c.changes.command(who[step.role], created.id, command(step));
    if (r instanceof Refused) throw new Error(`${step.action} refused: ${JSON.stringify(r.refusals)}`);
    if (r.state !== step.state) throw new Error(`${step.action}: state ${r.state}, expected ${step.state}`);
  }
  return 1 + plan.length;
}

export async function directLifecycles(opts: {
  root: string;
  lifecycles: number;
  concurrency: number;
  service: string;
  users: Record<Role, BenchUser>;
}): Promise<{ writes: number; seconds: number; perSecond: number; cpuMsPerWrite: number }> {
  const dataDir = mkdtempSync(join(opts.root, 'direct-'));
  const c = openContainer(loadConfig({ CHANGEPROOF_DATA: dataDir }));
  // Delivered as in the server, so the outbox's own writes are part of the figure too.
  const holder = processHolder();
  const dispatcher = new OutboxDispatcher(c.store, [{ name: 'bench', deliver: async () => {} }], { holder });
  const jobs = new JobRunner(c.store, outboxDeliveryJobs(dispatcher), {
    holder,
    onError: (job, err) => console.error(job, err),
  });
  try {
    await initialise(c);
    jobs.start();
    await registerServices(c, [{ name: opts.service, environment: 'prod', criticality: 'high' }]);
    await createUsers(c, Object.values(opts.users));
    const who = {
      requester: actorOf(opts.users.requester),
      technical: actorOf(opts.users.technical),
      business: actorOf(opts.users.business),
      implementer: actorOf(opts.users.implementer),
    };
    let next = 0;
    let writes = 0;
    const start = performance.now();
    const cpu0 = process.threadCpuUsage();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        for (let i = next++; i < opts.lifecycles; i = next++) {
          const n = await lifecycle(c, who, opts.service, i);
          writes += n;
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.threadCpuUsage(cpu0);
    return {
      writes,
      seconds,
      perSecond: writes / seconds,
      cpuMsPerWrite: (cpu.user + cpu.system) / 1000 / writes,
    };
  } finally {
    await jobs.stop();
    await c.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
