// Each enumeration is declared once, in vocabulary.ts. These tests read the sources and fail when a list of
// an enumeration's values is written out again elsewhere (a zod enum, a literal union, a choice list), or
// when the contracts or the policy schema build a zod enum from literals instead of from the domain.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import * as vocabulary from './vocabulary.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const OWN = join(SRC, 'domain', 'vocabulary.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .filter((f) => f !== OWN);
}

const LITERAL = String.raw`(?:'[^'\n]*'|"[^"\n]*")`;
/** Two or more string literals separated only by commas or `|`: an array, a tuple or a literal union. */
const RUN = new RegExp(`${LITERAL}(?:\\s*[,|]\\s*${LITERAL})+`, 'g');

export function literalRuns(text: string): string[][] {
  return [...text.matchAll(RUN)].map((m) =>
    [...m[0].matchAll(new RegExp(LITERAL, 'g'))].map((l) => l[0].slice(1, -1)),
  );
}

/** The enumerations a run re-declares: it holds every value of one. A subset (states that allow a command) is a choice. */
export function redeclared(run: string[], enums: Record<string, readonly string[]>): string[] {
  return Object.entries(enums)
    .filter(([, values]) => {
      const found = new Set(run.filter((v) => values.includes(v)));
      return found.size === values.length;
    })
    .map(([name]) => name);
}

const ENUMS = Object.fromEntries(
  Object.entries(vocabulary).filter(([, v]) => Array.isArray(v) && v.length >= 2),
) as Record<string, readonly string[]>;

describe('one source for each enumeration', () => {
  it('finds a re-declared list, so the scan below can fail', () => {
    assert.deepEqual(literalRuns(`z.enum(['low', 'medium', 'high'])`), [['low', 'medium', 'high']]);
    assert.deepEqual(redeclared(['low', 'medium', 'high'], ENUMS), ['RISK_RATINGS']);
    assert.deepEqual(redeclared(['critical', 'high', 'medium', 'low'], ENUMS), [
      'CRITICALITIES',
      'RISK_RATINGS',
    ]);
    assert.deepEqual(redeclared(literalRuns(`type K = 'human' | 'bot';`)[0]!, ENUMS), ['USER_KINDS']);
    assert.deepEqual(redeclared(['normal', 'standard', 'emergency'], ENUMS), ['REQUESTED_CHANGE_TYPES']);
    // Naming some of the values is a choice (a default, the states a command allows), not a declaration.
    assert.deepEqual(redeclared(['failed', 'rolled_back'], ENUMS), []);
    assert.deepEqual(redeclared(['draft', 'awaiting_approval', 'approved', 'scheduled'], ENUMS), []);
  });

  it('has every enumeration of the domain in vocabulary.ts', () => {
    for (const name of [
      'RISK_RATINGS',
      'CHANGE_TYPES',
      'OUTCOMES',
      'ENVIRONMENTS',
      'CRITICALITIES',
      'SCOPES',
    ])
      assert.ok(ENUMS[name], `${name} is declared in vocabulary.ts`);
  });

  it('no source outside vocabulary.ts writes out an enumeration again', () => {
    const found: string[] = [];
    for (const file of sources(SRC))
      for (const run of literalRuns(readFileSync(file, 'utf8')))
        for (const name of redeclared(run, ENUMS))
          found.push(`${relative(ROOT, file)}: ${name} as ${run.map((v) => `'${v}'`).join(', ')}`);
    assert.deepEqual(found, [], 'import the enumeration from src/domain/vocabulary.ts instead');
  });

  it('the contracts and the policy schema build zod enums from the domain, not from literals', () => {
    const found: string[] = [];
    for (const dir of ['contracts', 'policy'])
      for (const file of sources(join(SRC, dir)))
        for (const m of readFileSync(file, 'utf8').matchAll(/z\s*\.enum\(\[\s*(['"][^\]]*)\]/g))
          // Query-string booleans are text on the wire; they are no enumeration of the domain.
          if (m[1]!.replace(/\s/g, '') !== `'true','false'`) found.push(`${relative(ROOT, file)}: ${m[0]}`);
    assert.deepEqual(found, []);
  });
});
