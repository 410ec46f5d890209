// Type-aware lint: the rules that catch floating promises and unsafe any matter most in a server
// where a forgotten await can commit half a use-case. Below them, the import layers and the size budget
// that keep the house legible (docs/ARCHITECTURE.md, "Import rules");
// test/guard-rails/lint-rules.test.ts proves they fire.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Forbids, in `files`, every import whose specifier matches one of `regexes`: static imports, re-exports
 * and dynamic `import()` alike (no-restricted-imports sees only the first two). Specifiers are relative, so
 * each regex is written for the folder depth of the files it governs.
 * @param {string} name
 * @param {string[]} files
 * @param {string[]} regexes
 * @param {string} message
 * @param {string[]} [ignores]
 */
function layer(name, files, regexes, message, ignores = []) {
  /** @param {string} regex */
  const dynamic = (regex) => regex.replaceAll('/', '\\x2F'); // esquery's /regex/ cannot hold a slash
  return {
    name: `changeproof/layers/${name}`,
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', { patterns: regexes.map((regex) => ({ regex, message })) }],
      'no-restricted-syntax': [
        'error',
        ...regexes.map((regex) => ({
          selector: `ImportExpression[source.value=/${dynamic(regex)}/]`,
          message,
        })),
      ],
    },
  };
}

/** The CLI's local commands, which run the server or open its database: start/serve/init/migrate
 * (server.ts), policy check, verify (--rebuild opens the database) and ledger rotate-key. */
export const CLI_LOCAL_COMMANDS = [
  'src/cli/commands/server.ts',
  'src/cli/commands/policy-check.ts',
  'src/cli/commands/verify.ts',
  'src/cli/commands/ledger.ts',
];

export const layers = [
  layer(
    'domain',
    ['src/domain/**'],
    // The domain reads the policy's types (src/policy is pure: schema, CEL, assessment); nothing else.
    ['^\\.\\./(?!policy/)'],
    'src/domain is pure: it imports only src/domain (and the policy types), never the app',
  ),
  layer(
    'policy',
    ['src/policy/**'],
    ['^\\.\\./(?!domain/)'],
    'src/policy imports only src/policy and src/domain',
  ),
  layer(
    'ledger',
    ['src/ledger/**'],
    ['^\\.\\./'],
    'src/ledger imports nothing outside src/ledger: the offline verifier must stand alone',
  ),
  layer(
    'contracts',
    ['src/contracts/**'],
    ['^\\.\\./(?!domain/)'],
    'src/contracts imports only src/domain (its enumerations)',
  ),
  layer(
    'routes',
    ['src/server/routes/**'],
    ['^(\\.\\./)+store/'],
    'routes call use-cases (src/modules), never the store',
  ),
  layer(
    'connectors',
    ['src/connectors/**'],
    ['^(\\.\\./)+store/'],
    'connectors call use-cases (src/modules), never the store',
  ),
  layer(
    'cli',
    ['src/cli/**'],
    ['^(\\.\\./)+(server|store|modules)/', '^(\\.\\./)+container\\.ts$'],
    'the CLI is a client of the HTTP API: only its local commands (CLI_LOCAL_COMMANDS) load the server, store or modules',
    CLI_LOCAL_COMMANDS,
  ),
];

/** @param {number} max */
const budget = (max) => ['error', { max, skipBlankLines: true, skipComments: true }];

export const fileLength = [
  {
    name: 'changeproof/size/source',
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'max-lines': budget(400) },
  },
  {
    name: 'changeproof/size/tests',
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: { 'max-lines': budget(700) },
  },
];

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'coverage', 'dist', 'web/dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/require-await': 'off',
      // TypeScript already resolves every identifier; the core rule does not know Node's globals.
      'no-undef': 'off',
    },
  },
  {
    files: ['**/*.test.ts', 'test/**', 'bench/**'],
    rules: {
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  ...layers,
  ...fileLength,
);
