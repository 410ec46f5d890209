// One change: what it is, its risk and why, who approved and who still must, its windows and conflicts, its
// outcome, its plans, what the gate decided and what was deployed, what the user may do next, and its timeline.
import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import type { ChangeView } from '../../../src/client/api-client.ts';
import { api, problem } from '../api.ts';
import { label, Risk, When } from '../changes/ChangeTable.tsx';
import { ActionBar } from './ActionBar.tsx';
import { Deployments, GateDecisions } from './Delivery.tsx';
import { Plans } from './Plans.tsx';
import { Timeline } from './Timeline.tsx';
import { Windows } from './Windows.tsx';

const route = getRouteApi('/changes/$id');

export function ChangePage() {
  const { id } = route.useParams();
  const change = useQuery({ queryKey: ['change', id], queryFn: () => api.changes.get(id) });
  if (change.isPending)
    return (
      <main id="main">
        <p role="status">Loading…</p>
      </main>
    );
  if (change.isError)
    return (
      <main id="main">
        <h1>{id}</h1>
        <p className="error" role="alert">
          {problem(change.error)}
        </p>
      </main>
    );
  const c = change.data;
  return (
    <main id="main" className="change">
      <h1>
        {c.id}: {c.title}
      </h1>
      <p className="facts">
        <span>State: {label(c.state)}</span> <span>Type: {c.type}</span>{' '}
        <span>
          Risk: <Risk rating={c.riskRating} />
        </span>{' '}
        <span>Requested by {c.requester}</span>
        {c.implementer && <span> Implementer: {c.implementer}</span>}
      </p>
      {(c.overdue.record || c.overdue.review) && (
        <p className="overdue-note" role="note">
          Overdue:{' '}
          {[c.overdue.record && 'its record', c.overdue.review && 'its review'].filter(Boolean).join(' and ')}
          .
        </p>
      )}
      <ActionBar change={c} />
      <div className="grid">
        <Approvals c={c} />
        <RiskBreakdown c={c} />
        <Windows c={c} />
        <OutcomeView c={c} />
      </div>
      {c.description && (
        <section aria-labelledby="desc-h">
          <h2 id="desc-h">Description</h2>
          <p className="prose">{c.description}</p>
        </section>
      )}
      <Plans c={c} />
      <GateDecisions c={c} />
      <Deployments c={c} />
      <Timeline id={c.id} />
    </main>
  );
}

const groupName = (g: string) => (g.startsWith('person:') ? g.slice(7) : g);

function Approvals({ c }: { c: ChangeView }) {
  const s = c.approvalStatus;
  const owed = s.requirements.filter((r) => r.remaining > 0);
  return (
    <section aria-labelledby="approvals-h">
      <h2 id="approvals-h">Approvals</h2>
      <p>
        {s.satisfied
          ? 'Every required approval is given.'
          : `Still to decide: ${owed.map((r) => `${r.label ?? groupName(r.group)} (${r.remaining})`).join(', ')}.`}
      </p>
      {s.rose && <p className="barred">{s.rose.message}</p>}
      <ul>
        {s.requirements.map((r) => (
          <li key={r.group}>
            <strong>{r.label ?? groupName(r.group)}</strong>: {r.count - r.remaining} of {r.count}
            {r.approvedBy.length > 0 && ` (${r.approvedBy.join(', ')})`}
            {r.remaining > 0 && <span className="late"> — still {r.remaining} to decide</span>}
          </li>
        ))}
      </ul>
      {s.approvals.length > 0 && (
        <ul>
          {s.approvals.map((a) => (
            <li key={`${a.approver}-${a.group}-${a.at}`}>
              {a.approver} approved for {groupName(a.group)} on <When at={a.at} />
              {!a.counts && (
                <span className="late"> — does not count: {a.reasons.map((r) => r.message).join('; ')}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {c.pendingApproval?.late && (
        <p className="late">
          Approval is late (due <When at={c.pendingApproval.dueAt} />
          ).
        </p>
      )}
    </section>
  );
}

function RiskBreakdown({ c }: { c: ChangeView }) {
  const a = c.assessment;
  return (
    <section aria-labelledby="risk-h">
      <h2 id="risk-h">Risk</h2>
      {!a ? (
        <p>Not assessed yet.</p>
      ) : (
        <>
          <p>
            Rated <Risk rating={a.rating} /> under policy version {a.policyVersion}.
          </p>
          <ul>
            {a.reasons.map((r) => (
              <li key={r.rule}>
                <Risk rating={r.rating} /> {r.reason}
              </li>
            ))}
          </ul>
          {a.missing.length > 0 && <p className="late">Missing: {a.missing.join(', ')}</p>}
        </>
      )}
    </section>
  );
}

function OutcomeView({ c }: { c: ChangeView }) {
  return (
    <section aria-labelledby="outcome-h">
      <h2 id="outcome-h">Outcome</h2>
      {c.startedAt && (
        <p>
          Started by {c.implementedBy} on <When at={c.startedAt} />
          {c.completedAt && (
            <>
              , completed on <When at={c.completedAt} />
            </>
          )}
          .
        </p>
      )}
      {c.outcome ? (
        <p>
          {label(c.outcome)}
          {c.outcomeNotes && `: ${c.outcomeNotes}`}
        </p>
      ) : (
        <p>Not completed.</p>
      )}
      {c.verification.length > 0 && (
        <ul>
          {c.verification.map((v) => (
            <li key={v.name}>
              {v.name}: {v.passed ? 'passed' : 'failed'}
              {v.detail && ` — ${v.detail}`}
            </li>
          ))}
        </ul>
      )}
      {c.reviewRequired && !c.review && c.state !== 'closed' && c.state !== 'cancelled' && (
        <p className="note">A post-implementation review is required before it closes.</p>
      )}
      {c.review && (
        <p>
          Reviewed by {c.review.reviewer}: {c.review.summary}
        </p>
      )}
      {c.cancelReason && <p>Cancelled: {c.cancelReason}</p>}
      {c.closedAt && (
        <p>
          Closed on <When at={c.closedAt} />.
        </p>
      )}
    </section>
  );
}
