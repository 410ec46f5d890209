// The web calendar's day grid: month weeks, week days, the range asked of the API, stepping, and the address's
// parameters, in a zone with daylight-saving time (Node reads TZ when it is set, as a browser uses its own).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addDays,
  isDayKey,
  monthWeeks,
  parseCalendarSearch,
  rangeOf,
  step,
  weekDays,
} from '../../web/src/calendar/dates.ts';

process.env.TZ = 'Europe/Berlin';

describe('calendar days', () => {
  it('lays a month out in whole weeks from Monday, marking the days of other months', () => {
    const weeks = monthWeeks('2026-11-17');
    assert.equal(weeks.length, 6, 'November 2026 starts on a Sunday and ends on a Monday');
    assert.deepEqual(weeks[0]!.map((c) => c.day).slice(0, 2), ['2026-10-26', '2026-10-27']);
    assert.deepEqual(weeks[0]![6], { day: '2026-11-01', inMonth: true });
    assert.deepEqual(weeks[5]!.slice(0, 2), [
      { day: '2026-11-30', inMonth: true },
      { day: '2026-12-01', inMonth: false },
    ]);
    for (const w of weeks) assert.equal(w.length, 7);
    // February 2027 starts on a Monday and has exactly four weeks.
    const feb = monthWeeks('2027-02-10');
    assert.equal(feb.length, 4);
    assert.equal(feb[0]![0]!.day, '2027-02-01');
    assert.ok(feb.flat().every((c) => c.inMonth));
  });

  it('counts days, not 24-hour steps, across the end of daylight-saving time', () => {
    assert.deepEqual(weekDays('2026-10-28'), [
      '2026-10-26',
      '2026-10-27',
      '2026-10-28',
      '2026-10-29',
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
    ]);
    assert.equal(weekDays('2026-10-25')[0], '2026-10-19', 'a Sunday belongs to the week before');
    assert.equal(addDays('2026-10-24', 1), '2026-10-25');
    assert.equal(addDays('2026-10-25', 1), '2026-10-26', 'the 25-hour day is one day');
    assert.equal(addDays('2026-03-28', 2), '2026-03-30', 'and the 23-hour one too');
  });

  it('asks the API for local midnight to local midnight, whatever the offset', () => {
    // The week of 19 October ends after the clock went back: +02:00 at its start, +01:00 at its end.
    assert.deepEqual(rangeOf('week', '2026-10-21'), {
      from: '2026-10-18T22:00:00.000Z',
      to: '2026-10-25T23:00:00.000Z',
    });
    assert.deepEqual(rangeOf('month', '2026-11-05'), {
      from: '2026-10-25T23:00:00.000Z',
      to: '2026-12-06T23:00:00.000Z',
    });
  });

  it('steps a month to the first of the next or previous one, a week by seven days', () => {
    assert.equal(step('month', '2026-01-31', 1), '2026-02-01');
    assert.equal(step('month', '2026-01-31', -1), '2025-12-01');
    assert.equal(step('week', '2026-10-21', 1), '2026-10-28');
    assert.equal(step('week', '2026-03-27', 1), '2026-04-03');
  });

  it('keeps a valid view and day from the address and replaces anything else', () => {
    const now = new Date('2026-11-30T10:00:00Z');
    assert.deepEqual(parseCalendarSearch({ view: 'week', date: '2026-02-28' }, now), {
      view: 'week',
      date: '2026-02-28',
    });
    assert.deepEqual(parseCalendarSearch({ view: 'year', date: '2026-02-30' }, now), {
      view: 'month',
      date: '2026-11-30',
    });
    assert.deepEqual(parseCalendarSearch({}, now), { view: 'month', date: '2026-11-30' });
    assert.equal(isDayKey('2026-13-01'), false);
    assert.equal(isDayKey('2026-1-01'), false);
    assert.equal(isDayKey('2028-02-29'), true);
  });
});
