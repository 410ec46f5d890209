// Windows in real time: DST changes in two zones, RRULE edge cases, one-off windows and scope filters.
// Policies are written as YAML and loaded, so the schema's reading of the file is under test too.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../policy/types.ts';
import { occurrencesBetween, windowsAt } from './calendar.ts';
import { calendarPolicy } from './calendar.fixture.ts';

const weekly = (zone: string, time: string, extra = '') =>
  calendarPolicy(`    - id: sunday
      kind: maintenance
      title: Sunday maintenance
      timeZone: ${zone}
      start: 2026-03-01T${time}
      duration: 1h
      rrule: FREQ=WEEKLY;BYDAY=SU
${extra}`);

const daily = (zone: string, time: string) =>
  calendarPolicy(`    - id: nightly
      kind: maintenance
      title: Nightly
      timeZone: ${zone}
      start: 2026-09-01T${time}
      duration: 1h
      rrule: FREQ=DAILY
`);

const anywhere = { service: 'payments', environment: 'prod' };
const spans = (p: Policy, from: string, to: string) =>
  occurrencesBetween(p, from, to).map((o) => `${o.start} ${o.end}`);

describe('windows across daylight saving changes', () => {
  it('Europe/Berlin: a weekly 02:30 window on the spring-forward day opens at 03:30 CEST and lasts its hour', () => {
    const p = weekly('Europe/Berlin', '02:30');
    assert.deepEqual(spans(p, '2026-03-21T00:00:00Z', '2026-04-06T00:00:00Z'), [
      '2026-03-22T01:30:00.000Z 2026-03-22T02:30:00.000Z', // 02:30 CET
      '2026-03-29T01:30:00.000Z 2026-03-29T02:30:00.000Z', // 02:30 does not exist: 03:30 CEST
      '2026-04-05T00:30:00.000Z 2026-04-05T01:30:00.000Z', // 02:30 CEST
    ]);
    assert.equal(windowsAt(p, '2026-03-29T01:15:00Z', anywhere).maintenance, null);
    assert.equal(windowsAt(p, '2026-03-29T01:45:00Z', anywhere).maintenance?.window.id, 'sunday');
  });

  it('America/New_York: the same window on its own spring-forward day (8 March) opens at 03:30 EDT', () => {
    const p = weekly('America/New_York', '02:30');
    assert.deepEqual(spans(p, '2026-03-07T00:00:00Z', '2026-03-16T00:00:00Z'), [
      '2026-03-08T07:30:00.000Z 2026-03-08T08:30:00.000Z',
      '2026-03-15T06:30:00.000Z 2026-03-15T07:30:00.000Z',
    ]);
  });

  it('America/New_York: a 01:30 window on the fall-back day starts at the first 01:30 (EDT) and lasts one real hour', () => {
    const p = daily('America/New_York', '01:30');
    assert.deepEqual(spans(p, '2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z'), [
      '2026-11-01T05:30:00.000Z 2026-11-01T06:30:00.000Z', // 01:30 EDT to 01:30 EST
      '2026-11-02T06:30:00.000Z 2026-11-02T07:30:00.000Z', // 01:30 EST
    ]);
    assert.ok(windowsAt(p, '2026-11-01T06:15:00Z', anywhere).maintenance); // the second 01:15
    assert.equal(windowsAt(p, '2026-11-01T06:30:00Z', anywhere).maintenance, null); // half-open
  });

  it('Europe/Berlin: 01:30 on the fall-back day is unambiguous; 02:30 takes the first (CEST) instance', () => {
    assert.deepEqual(spans(daily('Europe/Berlin', '01:30'), '2026-10-24T22:00:00Z', '2026-10-25T12:00:00Z'), [
      '2026-10-24T23:30:00.000Z 2026-10-25T00:30:00.000Z',
    ]);
    assert.deepEqual(spans(daily('Europe/Berlin', '02:30'), '2026-10-24T22:00:00Z', '2026-10-25T12:00:00Z'), [
      '2026-10-25T00:30:00.000Z 2026-10-25T01:30:00.000Z',
    ]);
  });

  it('durations in whole days are calendar days: a Friday 18:00 freeze for 3d ends Monday 18:00 after fall-back', () => {
    const p = calendarPolicy(`    - id: weekend
      kind: freeze
      title: Weekend freeze
      timeZone: Europe/Berlin
      start: 2026-10-02T18:00
      duration: 3d
      rrule: FREQ=WEEKLY;BYDAY=FR
`);
    const [o] = occurrencesBetween(p, '2026-10-24T00:00:00Z', '2026-10-24T01:00:00Z');
    assert.equal(o?.start, '2026-10-23T16:00:00.000Z'); // 18:00 CEST
    assert.equal(o?.end, '2026-10-26T17:00:00.000Z'); // 18:00 CET, 73 real hours later
  });
});

describe('RRULE edge cases', () => {
  const lastDay = calendarPolicy(`    - id: month-end
      kind: freeze
      title: Month-end close
      timeZone: America/New_York
      start: 2026-01-31T22:00
      duration: 2h
      rrule: FREQ=MONTHLY;BYMONTHDAY=-1
`);

  it('BYMONTHDAY=-1 is the last day of each month, 28, 29, 30 or 31', () => {
    const starts = (from: string, to: string) => occurrencesBetween(lastDay, from, to).map((o) => o.start);
    assert.deepEqual(starts('2026-02-02T00:00:00Z', '2026-05-03T00:00:00Z'), [
      '2026-03-01T03:00:00.000Z', // 28 Feb 22:00 EST
      '2026-04-01T02:00:00.000Z', // 31 Mar 22:00 EDT
      '2026-05-01T02:00:00.000Z', // 30 Apr
    ]);
    assert.deepEqual(starts('2028-02-15T00:00:00Z', '2028-03-02T00:00:00Z'), ['2028-03-01T03:00:00.000Z']); // 29 Feb
    assert.equal(windowsAt(lastDay, '2026-03-01T04:59:00Z', anywhere).freezes.length, 1);
    assert.equal(windowsAt(lastDay, '2026-03-01T05:00:00Z', anywhere).freezes.length, 0);
  });

  it('EXDATE: an excepted occurrence does not happen, its neighbours do', () => {
    const p = weekly('Europe/Berlin', '02:30', '      except: [2026-03-15T02:30]\n');
    assert.deepEqual(
      occurrencesBetween(p, '2026-03-07T00:00:00Z', '2026-03-23T00:00:00Z').map((o) => o.start.slice(0, 10)),
      ['2026-03-08', '2026-03-22'],
    );
    assert.equal(windowsAt(p, '2026-03-15T01:45:00Z', anywhere).maintenance, null);
    assert.ok(windowsAt(p, '2026-03-22T01:45:00Z', anywhere).maintenance);
  });

  it('UNTIL and COUNT end a series', () => {
    const p = calendarPolicy(`    - id: three
      kind: freeze
      title: Three Mondays
      start: 2026-06-01T09:00
      duration: 1h
      rrule: FREQ=WEEKLY;COUNT=3
`);
    assert.equal(occurrencesBetween(p, '2026-05-01T00:00:00Z', '2026-08-01T00:00:00Z').length, 3);
  });

  it('UNTIL is a local time in the window zone, like start', () => {
    const p = calendarPolicy(`    - id: until
      kind: freeze
      title: Until mid-June
      timeZone: Europe/Berlin
      start: 2026-06-01T09:00
      duration: 1h
      rrule: FREQ=WEEKLY;UNTIL=20260615T080000Z
`);
    // 15 June 09:00 Berlin is 07:00Z, before 08:00Z; read as a local time it is after 08:00 and excluded.
    assert.deepEqual(
      occurrencesBetween(p, '2026-05-01T00:00:00Z', '2026-08-01T00:00:00Z').map((o) => o.start),
      ['2026-06-01T07:00:00.000Z', '2026-06-08T07:00:00.000Z'],
    );
  });
});

describe('one-off windows and scope', () => {
  const p = calendarPolicy(
    `    - id: year-end
      kind: freeze
      title: Year-end freeze
      start: 2026-12-20T00:00
      end: 2027-01-04T00:00
      services: [payments]
      environments: [prod]
    - id: launch
      kind: freeze
      title: Launch week
      enforcement: soft
      approvalGroup: cab
      timeZone: America/New_York
      start: 2026-12-21T09:00
      duration: 8h
    - id: db-maintenance
      kind: maintenance
      title: Database maintenance
      start: 2026-12-01T00:00
      duration: 2h
      rrule: FREQ=WEEKLY;BYDAY=TU
      services: [ledger-db]
`,
    '  timeZone: Europe/Berlin\n',
  );

  it('a one-off window in the policy zone, half-open at its end', () => {
    assert.equal(windowsAt(p, '2026-12-19T22:59:59Z', anywhere).freezes.length, 0);
    assert.equal(windowsAt(p, '2026-12-19T23:00:00Z', anywhere).freezes[0]?.window.id, 'year-end'); // 00:00 CET
    assert.equal(windowsAt(p, '2027-01-03T23:00:00Z', anywhere).freezes.length, 0);
  });

  it('services and environments filter, empty lists mean all', () => {
    const at = '2026-12-21T15:00:00Z'; // 10:00 in New York: both freezes
    assert.deepEqual(
      windowsAt(p, at, anywhere).freezes.map((o) => [
        o.window.id,
        o.window.enforcement,
        o.window.approvalGroup,
      ]),
      [
        ['year-end', 'hard', null],
        ['launch', 'soft', 'cab'],
      ],
    );
    assert.deepEqual(
      windowsAt(p, at, { service: 'payments', environment: 'staging' }).freezes.map((o) => o.window.id),
      ['launch'],
    );
    assert.deepEqual(
      windowsAt(p, at, { service: 'search', environment: 'prod' }).freezes.map((o) => o.window.id),
      ['launch'],
    );
  });

  it('an environment that is not one of ours fails closed: every window on the service applies', () => {
    const at = '2026-12-21T15:00:00Z';
    for (const environment of ['production', 'PROD', ''])
      assert.deepEqual(
        windowsAt(p, at, { service: 'payments', environment }).freezes.map((o) => o.window.id),
        ['year-end', 'launch'],
        environment,
      );
  });

  it('maintenance applies only where a maintenance window covers the scope', () => {
    const tuesday = '2026-12-07T23:30:00Z'; // Tuesday 00:30 in Berlin
    assert.deepEqual(windowsAt(p, tuesday, anywhere), {
      freezes: [],
      maintenanceApplies: false,
      maintenance: null,
    });
    const db = windowsAt(p, tuesday, { service: 'ledger-db', environment: 'prod' });
    assert.equal(db.maintenanceApplies, true);
    assert.equal(db.maintenance?.start, '2026-12-07T23:00:00.000Z');
    const later = windowsAt(p, '2026-12-08T02:00:00Z', { service: 'ledger-db', environment: 'prod' });
    assert.deepEqual([later.maintenanceApplies, later.maintenance], [true, null]);
  });

  it('a one-off or bounded maintenance window stops applying once it is over', () => {
    const q = calendarPolicy(`    - id: once
      kind: maintenance
      title: Migration night
      services: [ledger-db]
      timeZone: America/New_York
      start: 2026-12-05T22:00
      duration: 4h
    - id: three-sundays
      kind: maintenance
      title: Three Sundays
      services: [search]
      timeZone: America/New_York
      start: 2026-12-06T02:00
      duration: 2h
      rrule: FREQ=WEEKLY;COUNT=3
`);
    const db = { service: 'ledger-db', environment: 'prod' };
    assert.equal(windowsAt(q, '2026-12-01T00:00:00Z', db).maintenanceApplies, true); // before it
    assert.ok(windowsAt(q, '2026-12-06T04:00:00Z', db).maintenance); // 23:00 New York
    assert.equal(windowsAt(q, '2026-12-06T07:00:00Z', db).maintenanceApplies, false); // over at 02:00
    const search = { service: 'search', environment: 'prod' };
    // The third Sunday, 20 December, ends at 04:00 EST = 09:00Z.
    assert.equal(windowsAt(q, '2026-12-20T08:59:00Z', search).maintenanceApplies, true);
    assert.equal(windowsAt(q, '2026-12-14T12:00:00Z', search).maintenanceApplies, true);
    assert.equal(windowsAt(q, '2026-12-20T09:00:00Z', search).maintenanceApplies, false);
  });

  it('a policy without a calendar has no windows', () => {
    const bare = { ...p, calendar: undefined };
    assert.deepEqual(windowsAt(bare, '2026-12-21T15:00:00Z', anywhere).freezes, []);
  });

  it('is fast enough to ask per gate decision: rules are compiled once per policy object', () => {
    const started = performance.now();
    for (let i = 0; i < 2000; i++)
      windowsAt(p, new Date(Date.UTC(2026, 11, 1) + i * 3_600_000).toISOString(), {
        service: 'ledger-db',
        environment: 'prod',
      });
    const perCall = (performance.now() - started) / 2000;
    assert.ok(perCall < 1, `windowsAt took ${perCall.toFixed(3)} ms per call`);
  });
});
