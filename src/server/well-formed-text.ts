// Every string the API receives must be well-formed Unicode. A lone UTF-16 surrogate (a JSON escape such as
// "\ud800" with no pair) cannot be stored: RFC 8785 canonical JSON, which the ledger and the revision hash
// are made of, refuses it, and SQLite silently turns it into U+FFFD. One check before validation, for every
// string and field name of every body, query and path, answers with the field to fix instead of a 500.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../contracts/errors.ts';

const PARTS = [
  ['params', (r: { params: unknown }) => r.params],
  ['querystring', (r: { query: unknown }) => r.query],
  ['body', (r: { body: unknown }) => r.body],
] as const;

export interface MalformedText {
  /** Dotted path as in validation errors, e.g. `body.links.0.ref`. */
  path: string;
  /** Whether the value or a field name holds the lone surrogate. */
  in: 'value' | 'name';
}

interface Step {
  key: string;
  parent: Step | null;
}
const pathOf = (step: Step | null): string => {
  const keys: string[] = [];
  for (let s = step; s; s = s.parent) keys.push(s.key);
  return keys.reverse().join('.');
};

/** The first string or field name in `value` that is not well-formed UTF-16, or null. */
export function findMalformedText(value: unknown, root: string): MalformedText | null {
  // Iterative, and paths are built only for the culprit: a body nested hundreds of thousands of levels deep
  // must cost neither the stack nor quadratic time.
  const stack: [unknown, Step][] = [[value, { key: root, parent: null }]];
  while (stack.length > 0) {
    const [item, step] = stack.pop()!;
    if (typeof item === 'string') {
      if (!item.isWellFormed()) return { path: pathOf(step), in: 'value' };
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], { key: String(i), parent: step }]);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item).reverse()) {
        if (!key.isWellFormed()) return { path: pathOf(step), in: 'name' };
        stack.push([child, { key, parent: step }]);
      }
    }
  }
  return null;
}

export function refuseMalformedText(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    for (const [where, read] of PARTS) {
      const found = findMalformedText(read(req), where);
      if (!found) continue;
      const message =
        found.in === 'name'
          ? 'a field name contains a lone UTF-16 surrogate; send well-formed Unicode text'
          : 'contains a lone UTF-16 surrogate (half of a character); send well-formed Unicode text';
      throw new AppError('validation_failed', `the ${where} is invalid: ${found.path}: ${message}`, [
        { path: found.path, message },
      ]);
    }
  });
}
