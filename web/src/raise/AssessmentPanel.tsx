// The server's assessment of the draft as it stands (POST /changes/assess, recorded nowhere): the rating
// and why, the approvals it will need, and what the policy still asks for.
import type { Assessment } from '../../../src/client/api-client.ts';
import { problem } from '../api.ts';
import { Risk } from '../changes/ChangeTable.tsx';
import { RISK_RATINGS } from '../../../src/contracts/vocabulary.ts';
import type { RequestedChangeType } from './draft.ts';
import { fieldName } from './fields.ts';
import type { Template } from './templates.ts';

interface Props {
  assessment: Assessment | undefined;
  error: unknown;
  updating: boolean;
  type: RequestedChangeType;
  template: Template | null;
}

const who = (r: Assessment['requiredApprovals'][number]) =>
  `${r.count} from ${r.label ?? r.group.replace(/^person:/, '')}`;

export function AssessmentPanel({ assessment, error, updating, type, template }: Props) {
  const above =
    assessment &&
    template &&
    RISK_RATINGS.indexOf(assessment.rating) > RISK_RATINGS.indexOf(template.maxRisk);
  return (
    <section aria-labelledby="assess-h" className="assessment">
      <h2 id="assess-h">Assessment</h2>
      <div aria-live="polite">
        {!assessment && !error && <p className="note">Give a title to see the rating.</p>}
        {error !== null && <p className="error">{problem(error)}</p>}
        {assessment && (
          <>
            <p className="rating">
              Rated <Risk rating={assessment.rating} />
              {updating && <span className="note"> (updating…)</span>}
            </p>
            <h3>Why</h3>
            {assessment.reasons.length === 0 ? (
              <p className="note">No rule matched: the policy's default rating.</p>
            ) : (
              <ul className="reasons">
                {assessment.reasons.map((r) => (
                  <li key={r.rule}>{r.reason}</li>
                ))}
              </ul>
            )}
            <h3>Approvals needed</h3>
            {type === 'standard' ? (
              <p>
                {above
                  ? `Rated above the template's maximum (${template.maxRisk}): raise it as a normal change.`
                  : 'None: pre-approved by its template.'}
              </p>
            ) : assessment.requiredApprovals.length === 0 ? (
              <p>None.</p>
            ) : (
              <ul className="approvals-needed">
                {assessment.requiredApprovals.map((r) => (
                  <li key={r.group}>{who(r)}</li>
                ))}
              </ul>
            )}
            <h3>{type === 'emergency' ? 'Record still owed' : 'Still missing'}</h3>
            {assessment.missing.length === 0 ? (
              <p>Nothing: the policy's requirements are met.</p>
            ) : (
              <ul className="late">
                {assessment.missing.map((m) => (
                  <li key={m}>{fieldName(m)}</li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </section>
  );
}
