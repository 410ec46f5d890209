// The calendar section refuses what would silently do nothing or the wrong thing, naming the line to fix.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, type PolicyError } from './load.ts';
import { explainPolicy } from './explain.ts';

const HEAD = `version: 1
name: Calendar
groups: [{ id: technical }, { id: cab }]
risk: {}
approvals:
  normal: { low: [{ group: technical }], medium: [{ group: technical }], high: [{ group: technical }] }
  emergency: [{ group: technical }]
  policy: [{ group: technical }]
calendar:
`;

function errors(calendar: string): PolicyError[] {
  const r = parsePolicy(HEAD + calendar);
  assert.ok(!r.ok, 'expected the policy to be refused');
  return r.errors;
}

const window = (fields: string) => `  windows:
    - id: w
      kind: freeze
      title: A window
${fields}`;

describe('calendar section of the policy', () => {
  it('refuses an unknown time zone with its line, at the section and at a window', () => {
    const [top] = errors('  timeZone: Europe/Berlinn\n');
    assert.deepEqual([top?.path, top?.line], ['calendar.timeZone', 10]);
    assert.match(top!.message, /unknown time zone "Europe\/Berlinn"; use an IANA zone name/);
    const [own] = errors(
      window('      timeZone: Mars/Olympus\n      start: 2026-01-01T00:00\n      duration: 1h\n'),
    );
    assert.deepEqual([own?.path, own?.line], ['calendar.windows[0].timeZone', 14]);
  });

  it('refuses times with an offset, impossible dates, and windows that end before they start', () => {
    const offset = errors(window('      start: 2026-01-01T00:00Z\n      duration: 1h\n'));
    assert.match(offset[0]!.message, /not a local date and time; write YYYY-MM-DDTHH:MM/);
    assert.equal(offset[0]!.line, 14);
    assert.match(
      errors(window('      start: 2026-02-30T00:00\n      duration: 1h\n'))[0]!.message,
      /not a local/,
    );
    const backwards = errors(window('      start: 2026-01-02T00:00\n      end: 2026-01-01T00:00\n'));
    assert.deepEqual(
      [backwards[0]?.path, backwards[0]?.message],
      ['calendar.windows[0].end', 'the window must end after it starts'],
    );
  });

  it('refuses bad RRULEs, sub-daily ones, DTSTART inside them, and recurrences without a duration', () => {
    const bad = (rrule: string, more = '      duration: 1h\n') =>
      errors(window(`      start: 2026-01-01T00:00\n      rrule: "${rrule}"\n${more}`)).map((e) => e.message);
    assert.match(bad('FREQ=HOURLY')[0]!, /FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY/);
    assert.match(bad('FREQ=WEEKLY;BYDAY=XX')[0]!, /invalid RRULE/);
    assert.match(bad('DTSTART:20260101T000000\\nRRULE:FREQ=DAILY')[0]!, /give only the RRULE value/);
    assert.match(bad('FREQ=DAILY', '')[0]!, /needs a duration/);
  });

  it('a one-off window needs exactly one of end and duration, and takes no exceptions', () => {
    assert.match(errors(window('      start: 2026-01-01T00:00\n'))[0]!.message, /either end or duration/);
    assert.match(
      errors(
        window('      start: 2026-01-01T00:00\n      duration: 1h\n      except: [2026-01-01T00:00]\n'),
      )[0]!.message,
      /exceptions apply to recurring windows only/,
    );
  });

  it('a soft window names a declared group; window ids are unique', () => {
    const soft = errors(
      window('      enforcement: soft\n      start: 2026-01-01T00:00\n      duration: 1h\n'),
    );
    assert.match(soft[0]!.message, /names the group the extra approval must come from/);
    const unknown = errors(
      window(
        '      enforcement: soft\n      approvalGroup: nobody\n      start: 2026-01-01T00:00\n      duration: 1h\n',
      ),
    );
    assert.match(unknown[0]!.message, /unknown group "nobody"/);
    const twice = errors(
      window('      start: 2026-01-01T00:00\n      duration: 1h\n') +
        '    - { id: w, kind: freeze, title: Again, start: 2026-02-01T00:00, duration: 1h }\n',
    );
    assert.match(twice[0]!.message, /duplicate window id "w"/);
  });

  it('explains windows and conflicts in plain words', () => {
    const r = parsePolicy(
      HEAD +
        '  timeZone: America/New_York\n' +
        window(
          '      enforcement: soft\n      approvalGroup: cab\n      services: [payments]\n      environments: [prod]\n' +
            '      start: 2026-01-31T22:00\n      duration: 2h\n      rrule: FREQ=MONTHLY;BYMONTHDAY=-1\n',
        ) +
        '  conflicts: { implementer: hard }\n',
    );
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    const lines = explainPolicy(r.policy);
    const text = (key: string) => lines.find((l) => l.key === key)?.text;
    assert.equal(
      text('calendar.windows.w'),
      'Freeze `w` (A window) on `payments` in prod, for 2 hours at each occurrence of `FREQ=MONTHLY;BYMONTHDAY=-1` from 2026-01-31T22:00 (America/New_York): deployments need one more approval, from `cab`.',
    );
    assert.match(text('calendar.conflicts')!, /scheduling is refused for: freeze and implementer/);
    assert.doesNotMatch(text('calendar.conflicts')!, /\(default\)/);
  });
});
