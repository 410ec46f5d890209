import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTime } from './time.ts';

const now = new Date('2026-11-25T10:00:00.000Z');

describe('times on the command line', () => {
  it('reads now and durations from now', () => {
    assert.equal(parseTime('now', now), '2026-11-25T10:00:00.000Z');
    assert.equal(parseTime('+30m', now), '2026-11-25T10:30:00.000Z');
    assert.equal(parseTime('+1h', now), '2026-11-25T11:00:00.000Z');
    assert.equal(parseTime('+2d', now), '2026-11-27T10:00:00.000Z');
    assert.equal(parseTime('+1w', now), '2026-12-02T10:00:00.000Z');
  });

  it('reads ISO 8601 instants with a zone, as UTC', () => {
    assert.equal(parseTime('2026-12-01T22:00:00Z', now), '2026-12-01T22:00:00.000Z');
    assert.equal(parseTime('2026-12-01T23:00+01:00', now), '2026-12-01T22:00:00.000Z');
    assert.equal(parseTime('2024-02-29T00:00:00Z', now), '2024-02-29T00:00:00.000Z');
  });

  it('refuses what is not a time, and says what to write', () => {
    for (const bad of ['tomorrow', '+1', '+1y', '-1h', '1h', '2026-12-01', '2026-12-01T22:00:00', ''])
      assert.throws(() => parseTime(bad, now), /is not a time: .*(e\.g\.|now, \+30m)/, bad);
  });

  it('refuses dates and times of day that do not exist instead of rolling them over', () => {
    for (const bad of [
      '2026-02-30T10:00:00Z',
      '2025-02-29T10:00:00Z',
      '2026-04-31T00:00Z',
      '2026-12-01T24:00Z',
    ])
      assert.throws(() => parseTime(bad, now), /does not exist/, bad);
  });
});
