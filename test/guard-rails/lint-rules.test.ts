// The import layers and the size budget are lint rules (eslint.config.js); these lint small pieces of code
// as if they sat in the folders the rules govern, with the project's real configuration, and expect the
// rule to fire — or not, where the import is allowed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ESLint } from 'eslint';

const cwd = new URL('../..', import.meta.url).pathname;
let eslint: ESLint;

/** The rule ids reported for `code` as the content of `filePath`. */
async function rulesFired(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${cwd}${filePath}` });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const imports = (specifier: string) => `import * as m from '${specifier}';\nexport const x = m;\n`;
const dynamic = (specifier: string) => `export const load = () => import('${specifier}');\n`;

describe('import layers', () => {
  before(() => {
    eslint = new ESLint({ cwd });
  });

  const forbidden: [string, string, string][] = [
    ['src/domain/change.ts', imports('../store/database.ts'), 'no-restricted-imports'],
    ['src/domain/change.ts', imports('../contracts/changes.ts'), 'no-restricted-imports'],
    ['src/ledger/tree.ts', imports('../domain/actor.ts'), 'no-restricted-imports'],
    ['src/ledger/tree.ts', dynamic('../store/database.ts'), 'no-restricted-syntax'],
    ['src/contracts/changes.ts', imports('../modules/changes/change-view.ts'), 'no-restricted-imports'],
    ['src/policy/risk.ts', imports('../server/errors.ts'), 'no-restricted-imports'],
    ['src/server/routes/changes.routes.ts', imports('../../store/database.ts'), 'no-restricted-imports'],
    ['src/connectors/connector.ts', imports('../store/recorder.ts'), 'no-restricted-imports'],
    ['src/cli/commands/changes.ts', imports('../../server/start.ts'), 'no-restricted-imports'],
    ['src/cli/commands/changes.ts', dynamic('../../modules/ledger/rebuild.ts'), 'no-restricted-syntax'],
    ['src/cli/client.ts', dynamic('../container.ts'), 'no-restricted-syntax'],
  ];
  for (const [file, code, rule] of forbidden)
    it(`refuses ${code.split('\n')[0]} in ${file}`, async () => {
      assert.ok((await rulesFired(code, file)).includes(rule), `${rule} did not fire`);
    });

  const allowed: [string, string][] = [
    ['src/domain/change.ts', imports('../policy/types.ts')],
    ['src/ledger/tree.ts', imports('./hash.ts')],
    ['src/contracts/changes.ts', imports('../domain/change.ts')],
    ['src/server/routes/changes.routes.ts', imports('../../contracts/changes.ts')],
    ['src/cli/commands/server.ts', dynamic('../../server/start.ts')],
    ['src/cli/commands/verify.ts', dynamic('../../store/migrate.ts')],
  ];
  for (const [file, code] of allowed)
    it(`allows ${code.split('\n')[0]} in ${file}`, async () => {
      const fired = await rulesFired(code, file);
      assert.ok(!fired.some((r) => r.startsWith('no-restricted') || r.startsWith('fatal')), fired.join(', '));
    });
});

describe('file length', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n');

  it('caps source files at 400 lines of code, blank lines and comments not counted', async () => {
    assert.ok((await rulesFired(`${lines(401)}\n`, 'src/domain/change.ts')).includes('max-lines'));
    const padded = `${lines(400)}\n\n// why\n/* and why */\n`;
    assert.ok(!(await rulesFired(padded, 'src/domain/change.ts')).includes('max-lines'));
  });

  it('caps test files at 700', async () => {
    assert.ok(!(await rulesFired(`${lines(700)}\n`, 'test/http/list.test.ts')).includes('max-lines'));
    assert.ok((await rulesFired(`${lines(701)}\n`, 'test/http/list.test.ts')).includes('max-lines'));
  });
});
