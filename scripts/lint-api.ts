// `npm run lint:api`: the OpenAPI document as the server serves it, linted with Redocly's recommended rules
// with warnings as errors (redocly.yaml), so client generators get an operationId, servers and named schemas.
// The app is built in-process on an empty in-memory database: no server, no port, no data.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainer } from '../src/container.ts';
import { generateEd25519Key } from '../src/ledger/note.ts';
import { parseLedgerKey } from '../src/modules/ledger/ledger-key.ts';
import { memorySignedState } from '../src/modules/ledger/signed-state.ts';
import { buildApp } from '../src/server/app.ts';
import { openStore } from '../src/store/database.ts';

const store = openStore({ dataDir: '', memory: true });
const key = parseLedgerKey(generateEd25519Key('changeproof.lint/api').signerKey, null);
const app = await buildApp(createContainer(store, { key, state: memorySignedState() }));
const dir = mkdtempSync(join(tmpdir(), 'changeproof-openapi-'));
try {
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(app.swagger(), null, 2));
  const root = join(import.meta.dirname, '..');
  const redocly = join(root, 'node_modules', '.bin', 'redocly');
  const args = ['lint', file, '--config', join(root, 'redocly.yaml'), ...process.argv.slice(2)];
  // No telemetry or update check: the check runs offline, in CI as on a laptop.
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const run = spawnSync(redocly, args, { stdio: 'inherit', env });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
  await app.close();
  await store.close();
}
