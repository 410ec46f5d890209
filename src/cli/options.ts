// Option parsing shared by the client commands: choice lists from the domain's enumerations, repeatable
// options, `name=value` pairs, JSON files, and the per-command context (client + output mode).
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ApiClient, DEFAULT_URL, normaliseUrl, type ChangeView } from './client.ts';
import { LINK_KINDS } from '../domain/vocabulary.ts';
import { CliError, EXIT_USAGE } from './exit.ts';
import { loadSession } from './session-file.ts';

// The choice lists are the domain's own tuples (src/domain/vocabulary.ts): plain arrays, no zod at run time.
export {
  CHANGE_ORIGINS as ORIGINS,
  CHANGE_STATES as STATES,
  CHANGE_TYPES,
  CRITICALITIES,
  DEPLOYMENT_RESULTS,
  ENVIRONMENTS,
  FOLLOW_UP_KINDS,
  FOLLOW_UP_STATUSES,
  LINK_KINDS,
  LIST_ORDERS,
  OUTCOMES,
  REQUESTED_CHANGE_TYPES,
  RISK_RATINGS as RISKS,
  ROLES,
  SCOPES,
} from '../domain/vocabulary.ts';

function check(value: string, choices: readonly string[] | undefined): string {
  if (choices && !choices.includes(value))
    throw new InvalidArgumentError(`"${value}" is not one of ${choices.join(', ')}`);
  return value;
}

/** An option with a fixed set of values, listed in the help. */
export function choice(flags: string, description: string, choices: readonly string[]): Option {
  return new Option(flags, description).choices(choices);
}

/** A repeatable option; each use may also hold a comma-separated list. Undefined when never given. */
export function many(choices?: readonly string[]) {
  return (value: string, previous: string[] | undefined): string[] => [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .map((v) => check(v, choices)),
  ];
}

export function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return Number(value);
}

/** `name=pass`, `name=fail` or `name=fail:what was seen`, for `changes complete --check`. */
export function verificationCheck(value: string, previous: unknown[] | undefined) {
  const m = /^([^=]+)=(pass|fail)(?::(.*))?$/.exec(value);
  if (!m) throw new InvalidArgumentError(`"${value}" should look like smoke-test=pass or db=fail:reason`);
  const item = { name: m[1]!.trim(), passed: m[2] === 'pass', ...(m[3] ? { detail: m[3] } : {}) };
  return [...(previous ?? []), item];
}

/** `id=yes|no` answers to the policy's risk questions. */
export function riskAnswer(value: string, previous: Record<string, boolean> | undefined) {
  const m = /^([^=]+)=(yes|no|true|false)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`"${value}" should look like personalData=yes`);
  return { ...previous, [m[1]!.trim()]: m[2] === 'yes' || m[2] === 'true' };
}

/** `kind:ref`, e.g. `pull_request:https://github.com/acme/api/pull/7` or `ticket:OPS-12`. */
type Link = ChangeView['links'][number];
export function link(value: string, previous: Link[] | undefined): Link[] {
  const i = value.indexOf(':');
  const kind = value.slice(0, i) as Link['kind'];
  if (i < 1 || !LINK_KINDS.includes(kind))
    throw new InvalidArgumentError(`"${value}" should be KIND:REF with KIND one of ${LINK_KINDS.join(', ')}`);
  return [...(previous ?? []), { kind, ref: value.slice(i + 1) }];
}

/** A JSON object from a file (`-` reads standard input). */
export function readJsonObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT_USAGE);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file} is not valid JSON: ${(err as Error).message}`, EXIT_USAGE);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CliError(`${file} must hold a JSON object`, EXIT_USAGE);
  return value as Record<string, unknown>;
}

/** A password piped to standard input (`--password-stdin`), without its final line break. */
export function passwordFromStdin(): string {
  let text: string;
  try {
    text = readFileSync(0, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the password from standard input: ${(err as Error).message}`, EXIT_USAGE);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new CliError('--password-stdin: standard input was empty', EXIT_USAGE);
  return password;
}

/** Drops undefined fields so that only what the user gave is sent. */
export function given<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface Ctx {
  client: ApiClient;
  json: boolean;
}

/**
 * The client for this invocation: --url/CHANGEPROOF_URL, and --token/CHANGEPROOF_TOKEN or else the session
 * `changeproof login` saved for that server.
 */
export function ctx(cmd: Command): Ctx {
  const o = cmd.opts<{ url?: string; token?: string; json?: boolean }>();
  const url = normaliseUrl(o.url || DEFAULT_URL);
  return {
    client: new ApiClient({ url, token: o.token || loadSession(url)?.token || null }),
    json: o.json === true,
  };
}

/** A client command: every one takes --json, --url and --token. */
export function clientCommand(parent: Command, nameAndArgs: string, description: string): Command {
  return parent
    .command(nameAndArgs)
    .description(description)
    .option('--json', 'print the raw API JSON on stdout (errors too) instead of text')
    .addOption(new Option('--url <url>', 'server to talk to').env('CHANGEPROOF_URL').default(DEFAULT_URL))
    .addOption(
      new Option('--token <token>', 'API or session token (see `changeproof login`)').env(
        'CHANGEPROOF_TOKEN',
      ),
    );
}
