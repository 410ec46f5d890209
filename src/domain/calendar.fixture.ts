// Policies with a calendar section, written as YAML and loaded, for the calendar and conflict tests.
import assert from 'node:assert/strict';
import { parsePolicy } from '../policy/load.ts';
import type { Policy } from '../policy/types.ts';

const HEAD = `version: 1
name: Calendar
groups: [{ id: technical }, { id: cab }]
risk: {}
approvals:
  normal: { low: [{ group: technical }], medium: [{ group: technical }], high: [{ group: technical }] }
  emergency: [{ group: technical }]
  policy: [{ group: technical }]
`;

/** `windows`: the YAML list under `calendar.windows`; `extra`: other keys of the section. */
export function calendarPolicy(windows: string, extra = ''): Policy {
  const r = parsePolicy(`${HEAD}calendar:\n${extra}  windows:\n${windows}`);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.policy;
}
