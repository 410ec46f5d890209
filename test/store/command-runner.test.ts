// The command runner without HTTP: what a webhook or stream consumer gets when it runs a command with its
// delivery id as the idempotency key, on both engines.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createContainer, type Container } from '../../src/container.ts';
import { AppError } from '../../src/contracts/errors.ts';
import { SYSTEM_ACTOR, type Actor } from '../../src/domain/actor.ts';
import type { IdempotentRequest, Outcome } from '../../src/modules/commands/command-runner.ts';
import { initialise } from '../../src/server/start.ts';
import { testLedger } from '../support/app.ts';
import { engines, freshStore } from '../support/db.ts';

const delivery = (key: string, fingerprint: string): IdempotentRequest => ({
  key,
  fingerprint,
  method: 'WEBHOOK',
  path: 'github/push',
});

for (const engine of engines()) {
  describe(`command runner (${engine})`, () => {
    let c: Container;
    let cleanup: () => Promise<void>;
    // A clock that moves by a second at every reading.
    let tick = Date.parse('2026-11-25T10:00:00.000Z');
    const clock = () => new Date((tick += 1000));
    before(async () => {
      const fresh = await freshStore(engine);
      cleanup = fresh.cleanup;
      c = createContainer(fresh.store, testLedger(), clock);
      await initialise(c);
    });
    after(() => cleanup());

    const ledgerSize = () => c.ledger.size();
    const register = (name: string) => async (ctx: { actor: Actor }) =>
      ({ status: 201, body: await c.services.register(ctx.actor, { name, environment: 'prod' }) }) as Outcome;

    it('runs a keyed command once and gives its first outcome to a repeat', async () => {
      const start = await ledgerSize();
      let runs = 0;
      const command = async (ctx: { actor: Actor }) => {
        runs++;
        return register('billing')(ctx);
      };
      const first = await c.commands.run(
        { actor: SYSTEM_ACTOR, idempotency: delivery('delivery-1', 'a') },
        command,
      );
      const second = await c.commands.run(
        { actor: SYSTEM_ACTOR, idempotency: delivery('delivery-1', 'a') },
        command,
      );
      assert.equal(first.replayed, false);
      assert.equal(second.replayed, true);
      assert.equal(runs, 1);
      assert.deepEqual(second.outcome, JSON.parse(JSON.stringify(first.outcome)));
      assert.equal(await ledgerSize(), start + 1);
    });

    it('refuses another request under a key already used, and records nothing', async () => {
      await c.commands.run(
        { actor: SYSTEM_ACTOR, idempotency: delivery('delivery-2', 'a') },
        register('crm'),
      );
      const start = await ledgerSize();
      await assert.rejects(
        c.commands.run({ actor: SYSTEM_ACTOR, idempotency: delivery('delivery-2', 'b') }, register('erp')),
        (err: unknown) =>
          err instanceof AppError &&
          err.code === 'idempotency_mismatch' &&
          /delivery-2 was already used for a different request \(WEBHOOK github\/push\)/.test(err.message),
      );
      assert.equal(await ledgerSize(), start);
      assert.equal(await c.services.list().then((l) => l.some((s) => s.name === 'erp')), false);
    });

    it('keeps no record of a command that failed, so it can be sent again', async () => {
      const failing = async (): Promise<Outcome> => {
        await c.services.register(SYSTEM_ACTOR, { name: 'flaky', environment: 'prod' });
        throw new Error('the consumer fell over');
      };
      await assert.rejects(
        c.commands.run({ actor: SYSTEM_ACTOR, idempotency: delivery('delivery-3', 'a') }, failing),
        /fell over/,
      );
      assert.equal(
        (await c.services.list()).some((s) => s.name === 'flaky'),
        false,
      );
      const retry = await c.commands.run(
        { actor: SYSTEM_ACTOR, idempotency: delivery('delivery-3', 'a') },
        register('flaky'),
      );
      assert.equal(retry.replayed, false);
      assert.equal(retry.outcome.status, 201);
    });

    it('never stores secret fields, and answers a repeat that they were shown once', async () => {
      const secretRequest = { ...delivery('delivery-4', 'a'), secret: ['token'] };
      const body = { id: 'tok_0123456789abcdef', token: 'cpt_not-to-be-kept' };
      await c.commands.run({ actor: SYSTEM_ACTOR, idempotency: secretRequest }, async () => ({
        status: 201,
        body,
      }));
      const rows = await c.store.db.selectFrom('idempotency_keys').selectAll().execute();
      assert.equal(
        rows.some((r) => r.response.includes('cpt_not-to-be-kept')),
        false,
      );
      const again = await c.commands.run({ actor: SYSTEM_ACTOR, idempotency: secretRequest }, async () => ({
        status: 201,
        body,
      }));
      assert.equal(again.replayed, true);
      assert.equal(again.outcome.status, 409);
      assert.match(JSON.stringify(again.outcome.body), /revoke tok_0123456789abcdef/);
    });

    it('refuses a key that is not 1–200 letters, digits or . _ : -', async () => {
      await assert.rejects(
        c.commands.run({ actor: SYSTEM_ACTOR, idempotency: delivery('has space', 'a') }, register('x')),
        (err: unknown) => err instanceof AppError && err.code === 'validation_failed',
      );
    });

    it('refuses a command whose declared action the actor may not do, before running it', async () => {
      const viewer: Actor = { ...SYSTEM_ACTOR, id: 'vic', kind: 'human', roles: ['viewer'] };
      let ran = false;
      await assert.rejects(
        c.commands.run({ actor: viewer, action: 'service.register' }, async () => {
          ran = true;
          return { status: 200, body: null };
        }),
        (err: unknown) =>
          err instanceof AppError &&
          err.code === 'forbidden' &&
          err.message === 'registering services needs the change_manager or admin role',
      );
      assert.equal(ran, false);
      const allowed = await c.commands.run({ actor: SYSTEM_ACTOR, action: 'service.register' }, async () => ({
        status: 204,
        body: null,
      }));
      assert.equal(allowed.outcome.status, 204);
    });

    it('reads the clock once per command: nested use-cases share the reading', async () => {
      const start = await ledgerSize();
      await c.commands.execute(SYSTEM_ACTOR, async (ctx) => {
        await c.services.register(ctx.actor, { name: 'one', environment: 'prod' });
        await c.services.register(ctx.actor, { name: 'two', environment: 'prod' });
      });
      const entries = await c.ledger.entries(start, 10);
      assert.equal(entries.length, 2);
      const at = entries.map((e) => (JSON.parse(e.entry) as { at: string }).at);
      assert.equal(at[0], at[1]);
      // Separate commands read the (moving) clock again.
      await c.services.register(SYSTEM_ACTOR, { name: 'three', environment: 'prod' });
      const [third] = await c.ledger.entries(start + 2, 1);
      assert.notEqual((JSON.parse(third!.entry) as { at: string }).at, at[0]);
    });
  });
}
