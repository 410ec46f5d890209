// Loads `changeproof.policy.yaml`: YAML syntax, then the schema (with cross-references and CEL compilation),
// and turns every problem into `file:line:column: path: message` that says what to change.
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import type { Policy } from './types.ts';
import { PolicySchema } from './schema.ts';
import { nodeAt, offsetInScalar, offsetOf, position } from './locate.ts';

export interface PolicyError {
  /** Dotted path into the file, e.g. `approvals.normal.high[0].group`; empty for YAML syntax errors. */
  path: string;
  line: number;
  column: number;
  message: string;
}

export type ParsePolicyResult =
  { ok: true; policy: Policy; sha256: string } | { ok: false; errors: PolicyError[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** The keys an object schema at `path` accepts, to suggest the right spelling of an unknown key. */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  const remaining = [...path];
  for (;;) {
    if (s instanceof z.ZodPipe) s = s.in;
    else if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional)
      s = s.unwrap();
    else if (remaining.length === 0) break;
    else if (s instanceof z.ZodObject) s = (s.shape as Record<string, unknown>)[String(remaining.shift())];
    else if (s instanceof z.ZodArray && typeof remaining.shift() === 'number') s = s.element;
    else return [];
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

const EXPECTED: Record<string, string> = { object: 'a mapping', array: 'a list' };

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const expected = EXPECTED[issue.expected] ?? `a ${issue.expected}`;
    if (issue.input === undefined) return `missing; add it (${expected})`;
    if (issue.path.length === 0)
      return `the policy must be ${expected} with version, name, groups, risk and approvals`;
    return `expected ${expected}, got ${typeName(issue.input)}`;
  }
  if (issue.code === 'invalid_value') {
    const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
    return `${JSON.stringify(issue.input)} is not allowed; use one of: ${options}`;
  }
  return issue.message;
}

function typeName(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function issueErrors(issue: z.core.$ZodIssue, doc: Document, text: string, lc: LineCounter): PolicyError[] {
  const at = (path: readonly PropertyKey[], offset: number, message: string): PolicyError => ({
    path: formatPath(path),
    ...position(lc, offset),
    message,
  });
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(PolicySchema, issue.path);
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const hint = allowed.length ? `; expected one of: ${allowed.join(', ')}` : '';
      return at(path, offsetOf(doc, path, true), `unknown key "${key}"${hint}`);
    });
  }
  // CEL errors carry the offset inside the expression, so point at the exact character.
  const celOffset = (issue as { params?: { celOffset?: number } }).params?.celOffset;
  const offset =
    typeof celOffset === 'number'
      ? offsetInScalar(text, nodeAt(doc, issue.path), celOffset)
      : offsetOf(doc, issue.path);
  return [at(issue.path, offset, describe(issue))];
}

export function parsePolicy(text: string): ParsePolicyResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One syntax error tends to cascade; the first per line is the one worth reading.
    const errors = new Map<number, PolicyError>();
    for (const e of [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])) {
      const at = position(lineCounter, e.pos[0]);
      if (errors.has(at.line)) continue;
      errors.set(at.line, { path: '', ...at, message: `YAML syntax: ${e.message.split('\n')[0]}` });
    }
    return { ok: false, errors: [...errors.values()] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Alias bombs and similar: refuse rather than expand.
    return {
      ok: false,
      errors: [{ path: '', line: 1, column: 1, message: `YAML: ${(err as Error).message}` }],
    };
  }
  const result = PolicySchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const errors = result.error.issues.flatMap((issue) => issueErrors(issue, doc, text, lineCounter));
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, errors };
  }
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  return { ok: true, policy: result.data, sha256 };
}

export function formatPolicyErrors(errors: readonly PolicyError[], fileName: string): string {
  return errors
    .map((e) => `${fileName}:${e.line}:${e.column}: ${e.path ? `${e.path}: ` : ''}${e.message}`)
    .join('\n');
}
