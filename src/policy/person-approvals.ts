// Named people's approvals: the policy asks for "the business owner" and the assessment names who that is,
// from the catalogue as it is now (or from the change's risk owner). Recomputed live at approval, start and
// the gate, so when the catalogue names another owner the old owner's approval stops counting.
import { personGroup, unnamedGroup } from '../domain/approver-groups.ts';
import type { ChangeContent } from '../domain/change.ts';
import type { Service } from '../domain/service.ts';
import type { ApprovalRequirement, ApprovalRule, PersonApprover } from './types.ts';

const OWNER_WORDS: Record<PersonApprover, string> = {
  businessOwner: 'business owner',
  technicalOwner: 'technical owner',
  riskOwner: 'risk owner',
};

function people(person: PersonApprover, content: ChangeContent, services: Service[]): ApprovalRequirement[] {
  if (person === 'riskOwner') {
    const owner = content.riskOwner ?? null;
    return [
      owner === null
        ? { group: unnamedGroup(person, 'change'), count: 1, label: 'risk owner (the change names none)' }
        : { group: personGroup(owner), count: 1, label: 'risk owner' },
    ];
  }
  const words = OWNER_WORDS[person];
  return services.map((s) => {
    const owner = (person === 'businessOwner' ? s.owners.business : s.owners.technical).trim();
    return owner === ''
      ? {
          group: unnamedGroup(person, s.name),
          count: 1,
          label: `${words} of ${s.name} (the catalogue names none)`,
        }
      : { group: personGroup(owner), count: 1, label: `${words} of ${s.name}` };
  });
}

/** A policy list of approvals with each named person resolved for this change; one line per person. */
export function resolveApprovals(
  list: readonly ApprovalRule[],
  content: ChangeContent,
  services: Service[],
): ApprovalRequirement[] {
  const out: ApprovalRequirement[] = [];
  for (const rule of list) {
    const lines = 'group' in rule ? [{ ...rule }] : people(rule.person, content, services);
    for (const line of lines) {
      const same = out.find((r) => r.group === line.group);
      if (!same) out.push(line);
      else if (line.label && same.label && !same.label.split('; ').includes(line.label))
        same.label = `${same.label}; ${line.label}`;
    }
  }
  return out;
}
