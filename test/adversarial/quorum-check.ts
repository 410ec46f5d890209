// The central invariant, computed independently of the server's own quorum code: a change may enter
// `implementing` only if its current revision was approved, under the assessment recomputed from the
// current catalogue and policy, by the policy's quorum of distinct eligible people who hold their groups
// now. Eligible: a person (not a bot), who is not the requester, not any author of the content, not the
// implementer, not the author of a linked commit or pull request, and whose approval the ledger attributes
// to themselves. A standard change needs no approval but must stay within its template.
import { contentOf } from '../../src/domain/change.ts';
import { revisionHash } from '../../src/domain/revision.ts';
import { assess } from '../../src/policy/risk.ts';
import { serviceGraph } from '../../src/domain/service.ts';
import { RISK_RATINGS, type ApprovalRequirement } from '../../src/policy/types.ts';
import type { ChangeFold, Entry, World } from './world.ts';

export interface Finding {
  /** Stable tags naming the kind of violation, used to group and to skip known ones. */
  tags: string[];
  message: string;
}

/** Why an approval does not count, or null if it does. */
function disqualified(
  world: World,
  change: ChangeFold,
  a: ChangeFold['approvals'][number],
  currentHash: string,
  implementers: Set<string>,
  required: ApprovalRequirement[],
): string | null {
  if (a.revisionHash !== currentHash) return 'stale_revision';
  if (a.actor !== a.approver) return 'misattributed';
  const user = world.users.get(a.approver);
  if (!user) return 'unknown_user';
  if (user.kind !== 'human') return 'bot_approved';
  if (a.approver === change.requester) return 'requester_approved';
  if (change.authors.has(a.approver)) return 'author_approved';
  if (implementers.has(a.approver)) return 'implementer_approved';
  const ids = new Set([a.approver.toLowerCase(), ...(user.email ? [user.email.toLowerCase()] : [])]);
  const authored = change.content.links.some(
    (l) => (l.kind === 'commit' || l.kind === 'pull_request') && l.author && ids.has(l.author.toLowerCase()),
  );
  if (authored) return 'commit_author_approved';
  if (!user.groups.includes(a.group)) return 'group_not_held_now';
  if (!required.some((r) => r.group === a.group)) return 'group_not_required_now';
  return null;
}

/** Whether distinct people can cover every requirement, each person counting once (a small matching). */
function coverable(required: ApprovalRequirement[], byGroup: Map<string, Set<string>>): boolean {
  const slots = required.flatMap((r) => Array.from({ length: r.count }, () => r.group));
  const used = new Set<string>();
  const fill = (i: number): boolean => {
    if (i === slots.length) return true;
    for (const person of byGroup.get(slots[i]!) ?? []) {
      if (used.has(person)) continue;
      used.add(person);
      if (fill(i + 1)) return true;
      used.delete(person);
    }
    return false;
  };
  return fill(0);
}

/** Checks a `change.started` entry against the world as it stood just before it. */
export function checkStart(world: World, started: Entry): Finding[] {
  const change = world.changes.get(started.subject);
  const policy = world.policy;
  if (!change || !policy) return [];
  const findings: Finding[] = [];
  const content = contentOf(change.content);
  const currentHash = revisionHash(content);
  const services = content.services.map((n) => world.services.get(n)).filter((s) => s !== undefined);
  const assessment = assess(policy.policy, {
    type: change.type as 'normal',
    content,
    services,
    graph: serviceGraph(content.services, [...world.services.values()]),
    policyVersion: policy.version,
  });
  const required = assessment.requiredApprovals;
  const implementers = new Set(
    [content.implementer, (started.data.implementer as string | undefined) ?? null, started.actor.id].filter(
      (x): x is string => x !== null,
    ),
  );

  if (change.type === 'standard') {
    const template = policy.policy.templates.find((t) => t.id === change.template);
    const problems: string[] = [];
    if (!template) problems.push(`template ${change.template} is not in the active policy`);
    else {
      if (RISK_RATINGS.indexOf(assessment.rating) > RISK_RATINGS.indexOf(template.maxRisk))
        problems.push(`rated ${assessment.rating} now, above the template's ${template.maxRisk}`);
      const outside = template.services.length
        ? content.services.filter((s) => !template.services.includes(s))
        : [];
      if (outside.length) problems.push(`services outside the template: ${outside.join(', ')}`);
    }
    if (content.services.length === 0) problems.push('names no service');
    if (assessment.missing.length) problems.push(`missing ${assessment.missing.join(', ')}`);
    if (problems.length)
      findings.push({
        tags: ['standard_outside_template'],
        message: `${change.id} (standard, ${change.template}) started by ${started.actor.id}: ${problems.join('; ')}`,
      });
  }

  const reasons = new Map<string, string>();
  const byGroup = new Map<string, Set<string>>();
  for (const a of change.approvals) {
    const why = disqualified(world, change, a, currentHash, implementers, required);
    if (why) reasons.set(`${a.approver}/${a.group}@${a.seq}`, why);
    else byGroup.set(a.group, (byGroup.get(a.group) ?? new Set()).add(a.approver));
  }
  if (!coverable(required, byGroup)) {
    const tags = [...new Set(reasons.values())].sort();
    // Nothing was disqualified: the requirement itself grew (risk re-rated, policy tightened) or none was met.
    findings.push({
      tags: ['start_without_quorum', ...(tags.length ? tags : ['requirement_grew'])],
      message:
        `${change.id} (${change.type}) started by ${started.actor.id} at ${started.at} without a valid quorum.\n` +
        `  now rated ${assessment.rating} under policy v${policy.version}; needs ${JSON.stringify(required)}\n` +
        `  counting: ${JSON.stringify(Object.fromEntries([...byGroup].map(([g, s]) => [g, [...s]])))}\n` +
        `  not counting: ${JSON.stringify(Object.fromEntries(reasons))}`,
    });
  }
  findings.push(...checkWindow(change, started));
  return findings;
}

const DAY = 86_400_000;
/** The longest window assumed acceptable under any sane policy; longer ones are the 1970–9999 attack. */
const LONGEST_WINDOW_MS = 31 * DAY;
/** A move larger than this after approval needs re-approval under any sane tolerance. */
const MOVE_TOLERANCE_MS = DAY;

function checkWindow(change: ChangeFold, started: Entry): Finding[] {
  const out: Finding[] = [];
  const w = change.window;
  if (w && Date.parse(w.end) - Date.parse(w.start) > LONGEST_WINDOW_MS)
    out.push({
      tags: ['window_too_long'],
      message: `${change.id} started in a window of ${w.start} – ${w.end}`,
    });
  const lastApproval = Math.max(-1, ...change.approvedAt);
  const since = change.schedules.filter((s) => s.seq > lastApproval);
  if (since.length >= 2) {
    const first = since[0]!.window;
    const last = since[since.length - 1]!.window;
    const moved = Math.max(
      Math.abs(Date.parse(first.start) - Date.parse(last.start)),
      Math.abs(Date.parse(first.end) - Date.parse(last.end)),
    );
    if (moved > MOVE_TOLERANCE_MS)
      out.push({
        tags: ['window_moved_without_reapproval'],
        message: `${change.id} was moved from ${first.start} – ${first.end} to ${last.start} – ${last.end} after approval and started by ${started.actor.id} with no new approval`,
      });
  }
  return out;
}

/** An emergency's (or unauthorized change's) review must come from someone other than its requester or implementer. */
export function checkReview(world: World, reviewed: Entry): Finding[] {
  const change = world.changes.get(reviewed.subject);
  if (!change || (change.type !== 'emergency' && change.type !== 'unauthorized')) return [];
  const own = [change.requester, change.content.implementer, change.startedBy];
  if (!own.includes(reviewed.actor.id)) return [];
  return [
    {
      tags: ['emergency_self_review'],
      message: `${change.id} (${change.type}) was reviewed by ${reviewed.actor.id}, its own requester or implementer`,
    },
  ];
}

/** A standard change is created only within its template: services named and in scope, risk within bounds. */
export function checkStandardCreated(world: World, created: Entry): Finding[] {
  if (created.data.changeType !== 'standard' || !world.policy) return [];
  const content = contentOf(created.data.content as ChangeFold['content']);
  const template = world.policy.policy.templates.find((t) => t.id === created.data.template);
  const problems: string[] = [];
  if (content.services.length === 0) problems.push('it names no service');
  if (template?.services.length) {
    const outside = content.services.filter((s) => !template.services.includes(s));
    if (outside.length) problems.push(`services outside the template: ${outside.join(', ')}`);
  }
  if (!problems.length) return [];
  return [
    {
      tags: ['standard_outside_template'],
      message: `${created.subject} was accepted as a standard ${String(created.data.template)} change: ${problems.join('; ')}`,
    },
  ];
}
