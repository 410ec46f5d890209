// Placing changes in the web calendar and moving them by a drop: hour rows and lanes in the week view, the
// marks of freezes and maintenance, a drop keeping the window's length across daylight-saving changes, who is
// offered rescheduling, and the free slot read from a refusal. In Europe/Berlin, which has DST.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assignLanes,
  dayPart,
  hourRows,
  onDay,
  placement,
  slotMark,
  type WindowMark,
} from '../../web/src/calendar/layout.ts';
import { fromLocalInput, toLocalInput } from '../../web/src/app/local-time.ts';
import { mayReschedule, moveWindow } from '../../web/src/calendar/move.ts';
import { offeredSlot } from '../../web/src/api-errors.ts';

process.env.TZ = 'Europe/Berlin';

const HOUR = 3_600_000;
const length = (w: { start: string; end: string }) => Date.parse(w.end) - Date.parse(w.start);

describe('calendar placement', () => {
  it('gives a window its hour rows on each day it touches, at least one', () => {
    // 22:30 to 01:15 the next day, Berlin time (+01:00).
    const w = { start: '2026-11-26T21:30:00.000Z', end: '2026-11-27T00:15:00.000Z' };
    assert.deepEqual(hourRows(w, '2026-11-26'), { first: 22, last: 24 });
    assert.deepEqual(hourRows(w, '2026-11-27'), { first: 0, last: 2 });
    const short = { start: '2026-11-26T09:10:00.000Z', end: '2026-11-26T09:20:00.000Z' };
    assert.deepEqual(hourRows(short, '2026-11-26'), { first: 10, last: 11 });
    const items = [{ window: w }, { window: short }];
    assert.deepEqual(onDay(items, '2026-11-26'), [{ window: short }, { window: w }]);
    assert.deepEqual(onDay(items, '2026-11-28'), []);
  });

  it('says how a window sits on each day: within it, from, until, or all day', () => {
    const freeze = { start: '2026-12-20T23:00:00.000Z', end: '2027-01-03T23:00:00.000Z' }; // 21 Dec – 4 Jan
    assert.equal(dayPart(freeze, '2026-12-21'), 'through', 'from its first midnight');
    assert.equal(dayPart(freeze, '2027-01-03'), 'through', 'to its last');
    assert.equal(dayPart({ ...freeze, start: '2026-12-21T09:00:00.000Z' }, '2026-12-21'), 'starts');
    const night = { start: '2026-12-09T21:00:00.000Z', end: '2026-12-10T01:00:00.000Z' }; // 22:00–02:00
    assert.equal(dayPart(night, '2026-12-09'), 'starts');
    assert.equal(dayPart(night, '2026-12-10'), 'ends');
    assert.equal(
      dayPart({ start: '2026-12-09T09:00:00.000Z', end: '2026-12-09T10:00:00.000Z' }, '2026-12-09'),
      'within',
    );
  });

  it('puts overlapping changes side by side and reuses a lane once it is free', () => {
    const { lane, lanes } = assignLanes([
      { first: 10, last: 12 },
      { first: 11, last: 13 },
      { first: 12, last: 14 },
      { first: 8, last: 9 },
    ]);
    assert.deepEqual(lane, [0, 1, 0, 0]);
    assert.equal(lanes, 2);
    const crowd = assignLanes(Array.from({ length: 6 }, () => ({ first: 1, last: 2 })));
    assert.deepEqual(crowd.lane, [0, 1, 2, 3, 3, 3], 'at most four lanes');
    assert.equal(crowd.lanes, 4);
    assert.equal(placement({ first: 22, last: 24 }, 1), 'at-h22 span-h2 lane-1');
  });

  it('marks an hour by the strongest window over it', () => {
    const marks: WindowMark[] = [
      {
        kind: 'maintenance' as const,
        enforcement: 'hard' as const,
        start: '2026-11-29T01:00:00Z',
        end: '2026-11-29T05:00:00Z',
      },
      {
        kind: 'freeze' as const,
        enforcement: 'soft' as const,
        start: '2026-11-29T03:00:00Z',
        end: '2026-11-29T04:00:00Z',
      },
    ];
    assert.equal(slotMark(marks, '2026-11-29', 1), null);
    assert.equal(slotMark(marks, '2026-11-29', 2), 'maintenance');
    assert.equal(slotMark(marks, '2026-11-29', 4), 'freeze-soft');
    marks.push({
      kind: 'freeze',
      enforcement: 'hard',
      start: '2026-11-29T00:00:00Z',
      end: '2026-11-30T00:00:00Z',
    });
    assert.equal(slotMark(marks, '2026-11-29', 4), 'freeze-hard');
  });
});

describe('moving a window by a drop', () => {
  const w = { start: '2026-11-26T09:30:00.000Z', end: '2026-11-26T11:00:00.000Z' }; // 10:30–12:00 Berlin

  it('onto a day keeps the wall-clock start and the length', () => {
    assert.deepEqual(moveWindow(w, { day: '2026-11-28' }), {
      start: '2026-11-28T09:30:00.000Z',
      end: '2026-11-28T11:00:00.000Z',
    });
  });

  it('onto an hour keeps the minutes and the length', () => {
    assert.deepEqual(moveWindow(w, { day: '2026-11-27', hour: 7 }), {
      start: '2026-11-27T06:30:00.000Z',
      end: '2026-11-27T08:00:00.000Z',
    });
  });

  it('across the end of summer time keeps the local start and the real length', () => {
    const summer = { start: '2026-10-24T08:00:00.000Z', end: '2026-10-24T10:00:00.000Z' }; // 10:00 CEST
    const moved = moveWindow(summer, { day: '2026-10-26' });
    assert.equal(moved.start, '2026-10-26T09:00:00.000Z', '10:00 CET');
    assert.equal(length(moved), 2 * HOUR);
    // A night window over the change itself: 01:00 CEST + 3 real hours ends at 03:00 CET.
    const night = moveWindow(
      { start: '2026-10-23T23:00:00.000Z', end: '2026-10-24T02:00:00.000Z' },
      {
        day: '2026-10-25',
      },
    );
    assert.equal(night.start, '2026-10-24T23:00:00.000Z');
    assert.equal(length(night), 3 * HOUR);
  });

  it('into the hour the clock skips lands an hour later, same length', () => {
    const moved = moveWindow(w, { day: '2026-03-29', hour: 2 });
    assert.equal(moved.start, '2026-03-29T01:30:00.000Z', '02:30 does not exist: 03:30 CEST');
    assert.equal(length(moved), 90 * 60_000);
  });

  it('round-trips datetime-local fields in the zone', () => {
    assert.equal(toLocalInput('2026-10-24T08:05:00.000Z'), '2026-10-24T10:05');
    assert.equal(fromLocalInput('2026-10-26T10:05'), '2026-10-26T09:05:00.000Z');
    assert.equal(fromLocalInput(''), null);
    assert.equal(fromLocalInput('yesterday'), null);
  });
});

describe('who is offered rescheduling', () => {
  const c = { state: 'scheduled', requester: 'alice', owner: 'olga', implementer: 'ivan' };
  const user = (username: string, ...roles: string[]) => ({ username, roles: roles as never[] });

  it('its requester, owner and implementer, and change managers, while it is scheduled', () => {
    assert.equal(mayReschedule(c, user('alice', 'requester')), true);
    assert.equal(mayReschedule(c, user('olga', 'requester')), true);
    assert.equal(mayReschedule(c, user('ivan', 'implementer')), true);
    assert.equal(mayReschedule(c, user('max', 'change_manager')), true);
    assert.equal(mayReschedule(c, user('tom', 'approver')), false);
    assert.equal(mayReschedule(c, user('alice', 'auditor')), false, 'a read-only role works on nothing');
    assert.equal(mayReschedule({ ...c, state: 'implementing' }, user('alice', 'requester')), false);
  });

  it('reads the free slot a hard conflict refusal offers', () => {
    const slot = { start: '2026-11-29T01:00:00.000Z', end: '2026-11-29T03:00:00.000Z' };
    assert.deepEqual(
      offeredSlot([
        { code: 'conflict_implementer', message: 'ivan already implements CHG-2 then' },
        { code: 'next_free_slot', message: `the next free slot of the same length is …`, slot },
      ]),
      slot,
    );
    assert.equal(
      offeredSlot([{ code: 'next_free_slot', message: 'no free slot of the same length within 90 days' }]),
      null,
    );
  });
});
