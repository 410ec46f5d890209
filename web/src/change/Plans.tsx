// What the change will do and how it was tested: the implementation, rollback and test plans with the test
// evidence and results, as the record holds them.
import type { ChangeView } from '../../../src/client/api-client.ts';

const yesNo = (b: boolean | null) => (b === null ? 'not said' : b ? 'yes' : 'no');

function Text({ title, text }: { title: string; text: string }) {
  return (
    <>
      <h3>{title}</h3>
      {text.trim() ? <p className="prose">{text}</p> : <p className="note">Not written.</p>}
    </>
  );
}

export function Plans({ c }: { c: ChangeView }) {
  const r = c.rollbackPlan;
  return (
    <section aria-labelledby="plans-h">
      <h2 id="plans-h">Plans</h2>
      <Text title="Implementation plan" text={c.implementationPlan} />
      <h3>Rollback plan</h3>
      {r ? (
        <dl className="attributes">
          <div>
            <dt>How</dt>
            <dd className="prose">{r.method}</dd>
          </div>
          <div>
            <dt>Expected time</dt>
            <dd>{r.expectedMinutes} minutes</dd>
          </div>
          <div>
            <dt>When to roll back</dt>
            <dd className="prose">{r.triggers || 'not said'}</dd>
          </div>
          <div>
            <dt>Backup confirmed</dt>
            <dd>{yesNo(r.backupConfirmed)}</dd>
          </div>
          <div>
            <dt>Rollback tested</dt>
            <dd>{yesNo(c.rollbackTested)}</dd>
          </div>
        </dl>
      ) : (
        <p className="note">Not written.</p>
      )}
      <Text title="Test plan" text={c.testPlan} />
      {c.testEvidence && (
        <p>
          Tested in {c.testEvidence.environment}: {c.testEvidence.results}
        </p>
      )}
      {c.testResults.length > 0 && (
        <ul>
          {c.testResults.map((t, i) => (
            <li key={`${t.kind}-${i}`}>
              {t.kind} in {t.environment}: {t.passed ? 'passed' : 'failed'} — {t.summary}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
