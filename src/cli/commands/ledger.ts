// `changeproof ledger …`: the log's key and checkpoints, a full export in the C2SP tlog-tiles layout, and
// per-record tlog-proof files for a change; `rotate-key` runs locally on the data directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatTlogProof } from '../../ledger/tlog-proof.ts';
import { writeTlogTiles } from '../../ledger/tiles.ts';
import type { ApiClient } from '../client.ts';
import { CliError, EXIT_USAGE } from '../exit.ts';
import { clientCommand, ctx } from '../options.ts';
import { emit, write } from '../output.ts';
import { progress } from '../progress.ts';

const PAGE = 1000;

async function* entries(client: ApiClient, size: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < size; start += PAGE) {
    const page = await client.ledger.entries(start, Math.min(PAGE, size - start));
    for (const e of page.items) yield Buffer.from(e.entry, 'utf8');
  }
}

export function ledgerCommands(program: Command): void {
  const ledger = program
    .command('ledger')
    .description('The append-only ledger: key, checkpoints, exports, proofs');

  clientCommand(
    ledger,
    'key',
    "The log's origin and verifier key (give it to `changeproof verify --key`)",
  ).action(async (_o, cmd: Command) => {
    const c = ctx(cmd);
    emit(c, await c.client.ledger.key(), (k) => `${k.verifierKey}\n`);
  });

  clientCommand(ledger, 'checkpoint', 'The latest signed checkpoint (C2SP signed note)')
    .option('--now', 'ask the server to sign one now (admin, change manager or auditor)')
    .action(async (o: { now?: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      const cp = o.now ? await c.client.ledger.issue() : await c.client.ledger.checkpoint();
      emit(c, cp, (v) => v.note);
    });

  clientCommand(ledger, 'export <dir>', 'Write the whole log up to the latest checkpoint as C2SP tlog-tiles')
    .option('--now', 'sign a fresh checkpoint first, so the export covers every entry')
    .action(async (dir: string, o: { now?: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      const cp = o.now ? await c.client.ledger.issue() : await c.client.ledger.checkpoint();
      mkdirSync(dir, { recursive: true });
      const bar = progress('exporting', cp.size, c.json);
      const result = await writeTlogTiles(dir, {
        entries: entries(c.client, cp.size),
        checkpoint: cp.note,
        onProgress: (n) => bar.update(n),
      }).finally(() => bar.stop());
      emit(
        c,
        { dir, size: result.size, rootHash: result.rootHash.toString('base64'), checkpointId: cp.id },
        (r) =>
          `exported ${r.size} entries to ${r.dir} (root ${r.rootHash})\nverify offline: changeproof verify ${r.dir} --key "$(changeproof ledger key)"\n`,
      );
    });

  clientCommand(ledger, 'proof <change>', 'Write a tlog-proof file and the entry for every event of a change')
    .option('--out <dir>', 'where to write <change>/<index>.json and .tlog-proof', '.')
    .option('--now', 'sign a fresh checkpoint first, so the newest events are covered')
    .action(async (id: string, o: { out: string; now?: boolean }, cmd: Command) => {
      const c = ctx(cmd);
      const cp = o.now ? await c.client.ledger.issue() : await c.client.ledger.checkpoint();
      const events = (await c.client.changes.events(id)).items;
      const late = events.filter((e) => e.seq >= cp.size);
      if (late.length > 0)
        throw new CliError(
          `${late.length} event(s) of ${id} are newer than the latest checkpoint (size ${cp.size}); run again with --now`,
          EXIT_USAGE,
        );
      const dir = join(o.out, id);
      mkdirSync(dir, { recursive: true });
      const written: { index: number; type: string; proof: string; entry: string }[] = [];
      for (const e of events) {
        const inc = await c.client.ledger.inclusion(e.seq, cp.size);
        const entry = join(dir, `${e.seq}.json`);
        const proof = join(dir, `${e.seq}.tlog-proof`);
        writeFileSync(entry, inc.entry);
        writeFileSync(
          proof,
          formatTlogProof({
            index: e.seq,
            proof: inc.proof.map((h) => Buffer.from(h, 'base64')),
            checkpoint: cp.note,
          }),
        );
        written.push({ index: e.seq, type: e.type, proof, entry });
      }
      emit(
        c,
        { change: id, checkpointSize: cp.size, files: written },
        (r) =>
          `${r.files.map((f) => `${f.index}\t${f.type}\t${f.proof}`).join('\n')}\n` +
          `verify them all: changeproof verify ${dir} --key "$(changeproof ledger key)"\n`,
      );
    });

  ledger
    .command('rotate-key')
    .description(
      'Replace the signing key; logged in the ledger. Local: run it on the server host with the server stopped',
    )
    .option('--json', 'machine output')
    .action(async (o: { json?: boolean }) => {
      const { loadConfig } = await import('../../config.ts');
      const { openContainer } = await import('../../server/start.ts');
      const { loadOrCreateLedgerKey, rotateLedgerKeyFile } =
        await import('../../modules/ledger/ledger-key.ts');
      const { SYSTEM_ACTOR } = await import('../../domain/actor.ts');
      const { PROJECTIONS } = await import('../../modules/projections.ts');
      const config = loadConfig();
      const c = openContainer(config);
      try {
        await c.store.migrate(PROJECTIONS);
        const current = loadOrCreateLedgerKey(config.ledgerKeyFile).key;
        const cp = await rotateLedgerKeyFile(
          current,
          (key) => c.checkpoints.rotate(SYSTEM_ACTOR, key),
          // The service switches to the new key only once the ledger names it.
          (key) => c.checkpoints.verifierKey === key.verifierKey,
        );
        const verifierKey = c.checkpoints.verifierKey;
        const out = { previousKeyId: current.keyId, verifierKey, checkpoint: cp.note };
        write(o.json ? `${JSON.stringify(out, null, 2)}\n` : `new verifier key: ${verifierKey}\n${cp.note}`);
      } finally {
        await c.store.close();
      }
    });
}
