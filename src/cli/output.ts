// Human output: compact tables for lists and a readable block for one change. `--json` bypasses all of
// this and prints the API's JSON as it came.
import type { ChangeView, ServiceView } from './client.ts';
import type { Ctx } from './options.ts';

export function write(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Prints the raw JSON in --json mode, the human rendering otherwise. */
export function emit<T>(c: Pick<Ctx, 'json'>, value: T, human: (v: T) => string): void {
  write(c.json ? JSON.stringify(value, null, 2) : human(value));
}

export function clip(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** `2026-11-25T10:00:00.000Z` → `2026-11-25 10:00Z`. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : '-';
}

export function table(headers: string[], rows: string[][], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : '-');
const yes = (b: boolean) => (b ? 'yes' : 'no');

export function changeBlock(c: ChangeView): string {
  const out: string[] = [`${c.id}  ${c.title}`];
  const field = (label: string, value: string) =>
    out.push(`  ${`${label}:`.padEnd(Math.max(14, label.length + 2))}${value}`);
  field('state', `${c.state} (${c.type} change, revision ${c.revision})`);
  field(
    'requester',
    `${c.requester}${c.lastEditor !== c.requester ? ` · last edited by ${c.lastEditor}` : ''}`,
  );
  if (c.owner && c.owner !== c.requester) field('owner', c.owner);
  field('implementer', c.implementer ?? '-');
  const people = [
    c.riskOwner && `risk owner ${c.riskOwner}`,
    c.monitors?.length && `monitors ${list(c.monitors)}`,
    c.rollbackDecider && `rollback decided by ${c.rollbackDecider}`,
  ].filter(Boolean);
  if (people.length > 0) field('people', people.join(' · '));
  if (c.proposedWindow) field('proposed', `${c.proposedWindow.start} – ${c.proposedWindow.end}`);
  field('services', list(c.services));
  if (c.origin !== 'internal') field('origin', c.origin);
  if (c.supplier || c.supplierReference)
    field('supplier', [c.supplier ?? '-', c.supplierReference].filter(Boolean).join(' · notice '));
  if (c.supplierImpact) field('supplier impact', clip(c.supplierImpact, 100));
  const access = c.supplierAccessReview;
  if (access)
    field(
      'access review',
      `${clip(access.access, 80)} · controls ${access.controlsStillApply ? 'still apply' : 'NO LONGER APPLY'}${access.agreementsNeedUpdate ? ' · agreements need updating' : ''}`,
    );
  if (c.customerCommunication) field('customers', clip(c.customerCommunication, 100));
  if (c.template) field('template', c.template);
  if (c.proposedPolicy !== null)
    field('proposes', 'a new policy version (activates when this change starts)');

  const a = c.assessment;
  field('risk', c.riskRating ?? 'not assessed yet (assessed on submit)');
  if (a) {
    out[out.length - 1] += ` (policy v${a.policyVersion})`;
    for (const r of a.reasons) out.push(`    - ${r.rating}: ${r.reason} [${r.rule}]`);
    if (a.missing.length) field('missing', list(a.missing));
  }

  const reqs = c.approvalStatus.requirements;
  if (reqs.length) {
    field('approvals', c.approvalStatus.satisfied ? 'satisfied' : 'still needed');
    for (const r of reqs) {
      const by = r.approvedBy.length ? `approved by ${r.approvedBy.join(', ')}` : 'nobody yet';
      const need = r.remaining > 0 ? ` · needs ${r.remaining} more` : ' · done';
      out.push(`    - ${r.group} (${r.count}): ${by}${need}`);
    }
  }
  const pending = c.pendingApproval;
  if (pending)
    field(
      'approvals due',
      `${when(pending.dueAt)}${pending.late ? ` · LATE, owed by ${pending.owedBy.map((o) => o.group).join(', ')}` : ''}`,
    );
  const history = c.approvals.filter((x) => x.decision === 'rejected' || x.withdrawnAt);
  for (const x of history)
    out.push(
      `    - ${x.approver} ${x.withdrawnAt ? `approval withdrawn ${when(x.withdrawnAt)}` : 'rejected'}${x.comment ? `: ${clip(x.comment, 80)}` : ''}`,
    );

  field('window', c.window ? `${when(c.window.start)} → ${when(c.window.end)}` : '-');
  if (c.startedAt) field('started', `${when(c.startedAt)} by ${c.implementedBy ?? '-'}`);
  if (c.authorizedAt) field('authorized', when(c.authorizedAt));
  if (c.recordDueAt)
    field(
      'record due',
      `${when(c.recordDueAt)}${c.recordCompletedAt ? ` · completed ${when(c.recordCompletedAt)}` : ''}${c.overdue.record ? ' · OVERDUE' : ''}`,
    );
  if (c.reviewDueAt) field('review due', `${when(c.reviewDueAt)}${c.overdue.review ? ' · OVERDUE' : ''}`);
  if (c.outcome) {
    field('outcome', `${c.outcome}${c.outcomeNotes ? `: ${clip(c.outcomeNotes, 80)}` : ''}`);
    for (const v of c.verification)
      out.push(`    - ${v.passed ? 'pass' : 'FAIL'} ${v.name}${v.detail ? `: ${v.detail}` : ''}`);
  }
  if (c.review) {
    field('review', `${clip(c.review.summary, 80)} (${c.review.reviewer}, ${when(c.review.at)})`);
    for (const f of c.review.followUps) out.push(`    - follow-up: ${f}`);
    if (c.review.continuityPlanNeedsUpdate) out.push('    - the continuity plan needs an update');
    if (c.review.followUps.length || c.review.continuityPlanNeedsUpdate)
      out.push(`    (tracked: changeproof follow-ups list --change ${c.id})`);
  } else if (c.reviewRequired && !['closed', 'cancelled', 'rejected'].includes(c.state))
    field('review', 'required before close');
  if (c.cancelReason) field('cancelled', c.cancelReason);
  if (c.artifacts.length > 0) field('artifacts', c.artifacts.join(', '));
  if (c.breakGlass)
    field('BREAK-GLASS', `${c.breakGlass.reason} (${c.breakGlass.by}, ${when(c.breakGlass.at)})`);
  for (const n of c.deploymentNotes)
    field(
      `deployment ${n.kind.replace('_', ' ')}`,
      `${n.ref} ${n.service} (${n.environment}): ${clip(n.detail, 80)}`,
    );
  field(
    'created',
    `${when(c.createdAt)} · updated ${when(c.updatedAt)}${c.closedAt ? ` · closed ${when(c.closedAt)}` : ''}`,
  );
  return out.join('\n');
}

export function serviceBlock(s: ServiceView): string {
  const rows: [string, string][] = [
    ['environment', s.environment],
    ['criticality', s.criticality],
    ['internet', yes(s.internetFacing)],
    ['data classes', list(s.dataClasses)],
    ['security ctrl', yes(s.securityControl)],
    ['owners', `technical ${s.owners.technical || '-'} · business ${s.owners.business || '-'}`],
    ['supplier', s.supplier ?? '-'],
    ['depends on', list(s.dependencies)],
    ['DORA / NIS2', `${yes(s.doraCriticalFunction)} / ${yes(s.nis2Service)}`],
    ['continuity', s.continuityPlanRef ?? '-'],
  ];
  if (s.description) rows.unshift(['description', clip(s.description, 100)]);
  return [s.name, ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(15)}${v}`)].join('\n');
}

export function servicesTable(items: ServiceView[]): string {
  return table(
    ['NAME', 'ENV', 'CRITICALITY', 'INTERNET', 'SECURITY', 'DATA', 'DEPENDS ON'],
    items.map((s) => [
      s.name,
      s.environment,
      s.criticality,
      yes(s.internetFacing),
      yes(s.securityControl),
      list(s.dataClasses),
      list(s.dependencies),
    ]),
    'no services registered',
  );
}
