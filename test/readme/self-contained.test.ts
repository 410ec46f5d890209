// A fresh clone holds everything its tests read: no file in src/, test/ or bench/ reaches outside the
// repository for data (conformance vectors used to be read from a sibling folder that only some
// machines had).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
// Spelled in two parts so that this file does not match itself.
const OUTSIDE = new RegExp(['\\.\\./', 'shared\\b'].join(''));

describe('a fresh clone is self-contained', () => {
  it('no source, test or benchmark file reads from a folder beside the clone', () => {
    const offenders: string[] = [];
    for (const dir of ['src', 'test', 'bench']) {
      for (const file of readdirSync(join(ROOT, dir), { recursive: true }) as string[]) {
        if (!/\.(ts|js|json)$/.test(file)) continue;
        if (OUTSIDE.test(readFileSync(join(ROOT, dir, file), 'utf8'))) offenders.push(join(dir, file));
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('ships the conformance vectors with their licence and source', () => {
    const base = join(ROOT, 'test', 'vectors', 'transparency-dev-merkle');
    assert.match(readFileSync(join(base, 'LICENSE'), 'utf8'), /Apache License/);
    assert.match(readFileSync(join(base, 'README.md'), 'utf8'), /transparency-dev\/merkle/);
    const files = readdirSync(join(base, 'testdata'), { recursive: true }) as string[];
    assert.ok(files.filter((f) => f.endsWith('.json')).length > 400, 'the vector files are there');
  });
});
