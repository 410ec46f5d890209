import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findMalformedText } from './well-formed-text.ts';

describe('findMalformedText', () => {
  it('names the first string or field name holding a lone surrogate', () => {
    assert.equal(
      findMalformedText({ q: 'fine', state: ['draft', 'x\ud800'] }, 'querystring')?.path,
      'querystring.state.1',
    );
    assert.deepEqual(findMalformedText({ a: { ['b\udc00']: 1 } }, 'body'), { path: 'body.a', in: 'name' });
    assert.equal(findMalformedText({ id: '\udfff' }, 'params')?.path, 'params.id');
  });

  it('accepts well-formed text, including characters outside the BMP', () => {
    assert.equal(findMalformedText({ t: 'déjà vu 🚀 \ud83d\ude80', n: 1, b: true, z: null }, 'body'), null);
    assert.equal(findMalformedText(undefined, 'body'), null);
  });

  it('walks a body nested far deeper than the stack without overflowing', () => {
    let deep: unknown = 'x\ud800';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(findMalformedText(deep, 'body')?.path.endsWith('.0.0'), true);
  });
});
