// `changeproof verify`: offline checks that need no server — an export directory, a single tlog-proof file,
// or (--rebuild) the projection tables of a data directory or database against its own ledger.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT_REFUSED, EXIT_USAGE } from '../exit.ts';
import { write } from '../output.ts';

interface VerifyOptions {
  key: string[];
  witness: string[];
  quorum?: string;
  previous?: string;
  entry?: string;
  rebuild?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

async function verifyProofFile(file: string, o: VerifyOptions): Promise<void> {
  const { verifyTlogProof } = await import('../../ledger/tlog-proof.ts');
  const entryFile = o.entry ?? file.replace(/\.tlog-proof$/, '.json');
  const leaf = readFileSync(entryFile);
  try {
    const result = verifyTlogProof(readFileSync(file, 'utf8'), leaf, o.key, {
      witnesses: o.witness,
      ...(o.quorum !== undefined && { quorum: Number(o.quorum) }),
    });
    const out = { ok: true, index: result.index, size: result.checkpoint.size, entry: entryFile };
    write(
      o.json
        ? `${JSON.stringify(out, null, 2)}\n`
        : `OK: ${entryFile} is entry ${out.index} of the signed log of ${out.size}\n`,
    );
  } catch (err) {
    const body = {
      ok: false,
      kind: (err as { code?: string }).code ?? 'error',
      message: (err as Error).message,
    };
    if (o.json) write(`${JSON.stringify(body, null, 2)}\n`);
    throw new CliError(`FAILED (${body.kind}): ${body.message}`, EXIT_REFUSED);
  }
}

/** Every .tlog-proof file of a `ledger proof` folder, each against the .json entry beside it. */
async function verifyProofFolder(dir: string, files: string[], o: VerifyOptions): Promise<void> {
  const { verifyTlogProof } = await import('../../ledger/tlog-proof.ts');
  const opts = { witnesses: o.witness, ...(o.quorum !== undefined && { quorum: Number(o.quorum) }) };
  const results = files.map((name) => {
    const file = join(dir, name);
    try {
      const r = verifyTlogProof(
        readFileSync(file, 'utf8'),
        readFileSync(file.replace(/\.tlog-proof$/, '.json')),
        o.key,
        opts,
      );
      return { file, ok: true, index: r.index, size: r.checkpoint.size };
    } catch (err) {
      return {
        file,
        ok: false,
        kind: (err as { code?: string }).code ?? 'error',
        message: (err as Error).message,
      };
    }
  });
  const failed = results.filter((r) => !r.ok);
  if (o.json) write(`${JSON.stringify({ ok: failed.length === 0, results }, null, 2)}\n`);
  else
    write(
      results
        .map((r) =>
          r.ok
            ? `OK: ${r.file} is entry ${r.index} of the signed log of ${r.size}`
            : `FAILED (${r.kind}): ${r.file}: ${r.message}`,
        )
        .join('\n'),
    );
  if (failed.length > 0)
    throw new CliError(`${failed.length} of ${results.length} proofs failed`, EXIT_REFUSED);
}

async function verifyDirectory(dir: string, o: VerifyOptions): Promise<void> {
  const { formatReport, verifyExport } = await import('../../ledger/verifier.ts');
  const report = await verifyExport(dir, {
    keys: o.key,
    witnesses: o.witness,
    ...(o.quorum !== undefined && { quorum: Number(o.quorum) }),
    ...(o.previous !== undefined && { previous: readFileSync(o.previous, 'utf8') }),
  });
  write(
    o.json
      ? `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`
      : formatReport(report),
  );
  if (!report.ok) process.exitCode = EXIT_REFUSED;
}

async function verifyRebuild(o: VerifyOptions): Promise<void> {
  const { loadConfig } = await import('../../config.ts');
  const { openConfiguredStore } = await import('../../server/start.ts');
  const { rebuildAndCompare, formatRebuildReport } = await import('../../modules/ledger/rebuild.ts');
  const { fileSignedState } = await import('../../modules/ledger/signed-state.ts');
  const { pendingMigrations } = await import('../../store/migrate.ts');
  const config = loadConfig();
  const store = openConfiguredStore(config);
  try {
    // The replay projects as this version does; tables of an earlier schema would differ in every row.
    const pending = await pendingMigrations(store.kysely as never);
    if (pending.length > 0)
      throw new CliError(
        `the database has not run migration ${pending.join(', ')}; run \`changeproof migrate\` (or start the server) first, then verify`,
        EXIT_USAGE,
      );
    const show = !o.json && process.stderr.isTTY;
    const report = await rebuildAndCompare(store, {
      keys: o.key,
      // What the server last signed, kept outside the database: it still shows entries deleted together
      // with the checkpoints that covered them.
      signedHead: fileSignedState(join(config.dataDir, 'ledger.state')).read(),
      onProgress: (n) => show && process.stderr.write(`\rreplayed ${n} entries`),
    });
    if (show) process.stderr.write('\n');
    write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatRebuildReport(report));
    if (!report.ok) process.exitCode = EXIT_REFUSED;
  } finally {
    await store.close();
  }
}

export function verifyCommand(program: Command): void {
  program
    .command('verify [path]')
    .description(
      'Verify offline: an export directory (`ledger export`), a .tlog-proof file or a folder of them (`ledger proof`), or with --rebuild the database against its ledger',
    )
    .option(
      '--key <vkey>',
      "the log's verifier key (repeatable; see `ledger key`); with --rebuild, pins the key checkpoints must be signed with",
      collect,
      [],
    )
    .option('--witness <vkey>', 'a witness verifier key whose cosignature counts (repeatable)', collect, [])
    .option('--quorum <n>', 'witness cosignatures required (default: all --witness keys)')
    .option(
      '--previous <file>',
      'a signed checkpoint seen earlier: the log must extend it (fork and rollback check)',
    )
    .option('--entry <file>', 'with a .tlog-proof file: the entry it proves (default: the .json beside it)')
    .option(
      '--rebuild',
      'check the ledger of CHANGEPROOF_DATA / DATABASE_URL against its signed checkpoints, replay it into fresh tables and compare',
    )
    .option('--json', 'machine output')
    .addHelpText(
      'after',
      `
Exit codes: 0 verified, 1 a check failed (the report names the first failing entry and the kind), 2 usage.
--rebuild names each ledger column that differs from the signed entry, entries deleted below the last
signed checkpoint (or ledger.state), and entries rewritten after a checkpoint was signed.
Examples:
  changeproof ledger export ./export && changeproof verify ./export --key "$(changeproof ledger key)"
  changeproof verify ./export --key KEY --previous checkpoint-from-last-quarter.txt
  changeproof ledger proof CHG-1 --out ./proofs && changeproof verify ./proofs/CHG-1 --key KEY
  changeproof verify --rebuild`,
    )
    .action(async (path: string | undefined, o: VerifyOptions) => {
      if (o.rebuild) return verifyRebuild(o);
      if (!path)
        throw new CliError('give an export directory or a .tlog-proof file, or --rebuild', EXIT_USAGE);
      if (o.key.length === 0)
        throw new CliError(
          "give the log's verifier key with --key (see `changeproof ledger key`)",
          EXIT_USAGE,
        );
      let isDir: boolean;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        throw new CliError(`${path} does not exist`, EXIT_USAGE);
      }
      if (!isDir) return verifyProofFile(path, o);
      const proofs = readdirSync(path)
        .filter((f) => f.endsWith('.tlog-proof'))
        .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
      // An export has a checkpoint at its root; a `ledger proof` folder holds proof files only.
      return !existsSync(join(path, 'checkpoint')) && proofs.length > 0
        ? verifyProofFolder(path, proofs, o)
        : verifyDirectory(path, o);
    });
}
