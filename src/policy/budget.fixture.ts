// Test fixture for the risk-rule budget: a policy with one probe rule, and an assessment under it. Kept apart
// from the test file so a worker thread can import it without running the tests.
import { emptyContent, type Assessment } from '../domain/change.ts';
import { serviceAttributes, type Service } from '../domain/service.ts';
import { formatPolicyErrors, parsePolicy } from './load.ts';
import { assess } from './risk.ts';

export const policyWith = (when: string): string => `version: 1
name: Budget test
groups:
  - id: technical
risk:
  rules:
    - id: plain
      when: change.title == "plain"
      rating: low
      reason: Plain.
    - id: probe
      when: ${JSON.stringify(when)}
      rating: medium
      reason: Probe.
approvals:
  normal:
    low: [{ group: technical }]
    medium: [{ group: technical }]
    high: [{ group: technical }]
  emergency: [{ group: technical }]
  policy: [{ group: technical }]
`;
// The probe rule's `when` is on line 12 of the text above.
export const PROBE_LINE = 12;

function service(name: string, overrides: Partial<Service> = {}): Service {
  return {
    ...serviceAttributes('prod', { owners: { technical: 'a', business: 'b' }, ...overrides }),
    name,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    retiredAt: null,
    retirementReason: '',
  };
}

export interface Probe {
  when: string;
  description?: string;
  services?: number;
  dataClasses?: number;
}

export function probe({ when, description = '', services = 1, dataClasses = 0 }: Probe): Assessment {
  const result = parsePolicy(policyWith(when));
  if (!result.ok) throw new Error(formatPolicyErrors(result.errors, when));
  const list = Array.from({ length: services }, (_, i) =>
    service(`svc-${i}`, { dataClasses: Array.from({ length: dataClasses }, (_, j) => `class-${j}`) }),
  );
  return assess(result.policy, {
    type: 'normal',
    content: { ...emptyContent(), title: 'A change', description, services: list.map((s) => s.name) },
    services: list,
    policyVersion: 1,
  });
}
