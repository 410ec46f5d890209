// Conflicts on a dependency graph: web-frontend → api-gateway → payments-api → ledger-db, with search-api
// on its own; freezes from the policy; the implementer booked twice; the next free slot.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findConflicts, nextFreeSlot, type Booking, type ConflictQuery } from './conflicts.ts';
import { serviceAttributes, serviceGraph, type Service } from './service.ts';
import { calendarPolicy } from './calendar.fixture.ts';

const service = (name: string, dependencies: string[] = []): Service => ({
  name,
  ...serviceAttributes('prod', { dependencies }),
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  retiredAt: null,
  retirementReason: '',
});

const CATALOGUE = [
  service('web-frontend', ['api-gateway']),
  service('api-gateway', ['payments-api']),
  service('payments-api', ['ledger-db']),
  service('ledger-db'),
  service('search-api'),
];

const policy = calendarPolicy(
  `    - id: year-end
      kind: freeze
      title: Year-end freeze
      services: [ledger-db]
      start: 2026-12-21T00:00
      end: 2027-01-04T00:00
    - id: launch
      kind: freeze
      title: Launch
      enforcement: soft
      approvalGroup: cab
      start: 2026-12-10T00:00
      duration: 1d
    - id: db-nights
      kind: maintenance
      title: Database nights
      services: [ledger-db]
      start: 2026-12-01T01:00
      duration: 3h
      rrule: FREQ=DAILY
`,
  '  timeZone: Europe/Berlin\n  conflicts: { implementer: hard }\n',
);

const w = (start: string, end: string) => ({
  start: `2026-12-${start}:00.000Z`,
  end: `2026-12-${end}:00.000Z`,
});

const booking = (
  id: string,
  services: string[],
  window = w('05T10:00', '05T12:00'),
  implementer = 'bob',
): Booking => ({
  id,
  title: `change ${id}`,
  services,
  implementer,
  window,
});

function query(
  services: string[],
  window = w('05T11:00', '05T13:00'),
  bookings: Booking[] = [],
): ConflictQuery {
  const graph = serviceGraph(services, CATALOGUE);
  return {
    change: { id: 'CHG-1', services, implementer: 'ivy' },
    window,
    bookings,
    related: { upstream: graph.upstream.map((s) => s.name), downstream: graph.downstream.map((s) => s.name) },
    scopes: services.map((s) => ({ service: s, environment: 'prod' })),
    policy,
  };
}

const kinds = (q: ConflictQuery) => findConflicts(q).map((c) => `${c.kind}:${c.with}:${c.severity}`);

describe('scheduling conflicts', () => {
  const others = [
    booking('CHG-2', ['payments-api']),
    booking('CHG-3', ['ledger-db']), // upstream of payments, two steps from the gateway
    booking('CHG-4', ['web-frontend']), // downstream
    booking('CHG-5', ['search-api']), // unrelated
    booking('CHG-6', ['payments-api'], w('05T13:00', '05T14:00')), // touches the end: no overlap
  ];

  it('same service, services it depends on and services depending on it, in overlapping windows only', () => {
    assert.deepEqual(kinds(query(['payments-api'], undefined, others)), [
      'service:CHG-2:soft',
      'dependency:CHG-3:soft',
      'dependency:CHG-4:soft',
    ]);
    const [, up, down] = findConflicts(query(['payments-api'], undefined, others));
    assert.match(
      up!.message,
      /CHG-3 \(change CHG-3\) changes ledger-db, which this change's services depend on,/,
    );
    assert.match(down!.message, /web-frontend, which depend on this change's services,/);
  });

  it('follows the graph transitively: the gateway conflicts with the ledger two steps away', () => {
    assert.deepEqual(kinds(query(['api-gateway'], undefined, others)), [
      'dependency:CHG-2:soft',
      'dependency:CHG-3:soft',
      'dependency:CHG-4:soft',
    ]);
    assert.deepEqual(kinds(query(['search-api'], undefined, others)), ['service:CHG-5:soft']);
  });

  it('the same implementer booked twice, on any service, counts as the policy says (hard here)', () => {
    const busy = [booking('CHG-7', ['search-api'], w('05T12:00', '05T15:00'), 'ivy')];
    assert.deepEqual(kinds(query(['web-frontend'], undefined, busy)), ['implementer:CHG-7:hard']);
  });

  it('the change itself is not its own conflict', () => {
    assert.deepEqual(kinds(query(['payments-api'], undefined, [booking('CHG-1', ['payments-api'])])), []);
  });

  it('hard freezes on the scope are hard conflicts; soft freezes are soft, naming the group', () => {
    assert.deepEqual(kinds(query(['ledger-db'], w('22T10:00', '22T11:00'))), ['freeze:year-end:hard']);
    assert.deepEqual(kinds(query(['payments-api'], w('22T10:00', '22T11:00'))), []);
    const [soft] = findConflicts(query(['search-api'], w('09T22:00', '10T01:00')));
    assert.equal(`${soft?.kind}:${soft?.severity}`, 'freeze:soft');
    assert.match(soft!.message, /needs one more approval from cab/);
  });
});

describe('next free slot', () => {
  const slot = (services: string[], after: string, minutes: number, busy = [w('05T10:00', '05T12:00')]) =>
    nextFreeSlot({
      after: `2026-12-${after}:00.000Z`,
      lengthMinutes: minutes,
      busy,
      scopes: services.map((s) => ({ service: s, environment: 'prod' })),
      policy,
    });

  it('starts right away when nothing is in the way, or after the busy window that is', () => {
    assert.deepEqual(slot(['payments-api'], '05T08:00', 60), w('05T08:00', '05T09:00'));
    assert.deepEqual(slot(['payments-api'], '05T09:30', 60), w('05T12:00', '05T13:00'));
  });

  it('skips freezes, soft ones included', () => {
    assert.deepEqual(slot(['search-api'], '09T23:30', 60, []), w('10T23:00', '11T00:00'));
  });

  it('where maintenance windows apply, fits inside one (and skips the hard freeze)', () => {
    // db-nights: 01:00–04:00 Berlin = 00:00–03:00Z in December.
    assert.deepEqual(slot(['ledger-db'], '05T08:00', 120, []), w('06T00:00', '06T02:00'));
    assert.deepEqual(slot(['ledger-db'], '06T01:30', 120, []), w('07T00:00', '07T02:00'));
    assert.deepEqual(slot(['ledger-db'], '20T08:00', 60, []), {
      start: '2027-01-04T00:00:00.000Z',
      end: '2027-01-04T01:00:00.000Z',
    });
    assert.equal(slot(['ledger-db'], '05T08:00', 240, []), null); // longer than any maintenance window
  });
});
