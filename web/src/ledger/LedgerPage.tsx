// The ledger for auditors: the latest signed checkpoint, the key that verifies it, and how to check the
// record offline. The commands are shown to copy, never run from here.
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../../../src/client/errors.ts';
import { api, problem } from '../api.ts';
import { When } from '../changes/ChangeTable.tsx';

const OFFLINE = `npx changeproof ledger key > changeproof.vkey
npx changeproof ledger export ./q4-export --now
npx changeproof verify ./q4-export --key "$(cat changeproof.vkey)"
npx changeproof ledger export ./q1-export --now
npx changeproof verify ./q1-export --key "$(cat changeproof.vkey)" --previous ./q4-export/checkpoint
npx changeproof ledger proof CHG-1 --out ./proofs --now
npx changeproof verify ./proofs/CHG-1 --key "$(cat changeproof.vkey)"`;

export function LedgerPage() {
  const key = useQuery({ queryKey: ['ledger', 'key'], queryFn: () => api.ledger.key() });
  const checkpoint = useQuery({
    queryKey: ['ledger', 'checkpoint'],
    queryFn: () => api.ledger.checkpoint(),
    retry: false,
  });
  const unsigned = checkpoint.error instanceof ApiError && checkpoint.error.status === 404;
  return (
    <main id="main">
      <h1>Ledger</h1>
      <p>
        Every recorded event is an entry of an append-only transparency log (RFC 6962 tree, C2SP signed
        checkpoints). An auditor needs only an export and the verifier key below: no server, database or
        network.
      </p>
      <section aria-labelledby="cp">
        <h2 id="cp">Latest signed checkpoint</h2>
        {checkpoint.isPending && <p role="status">Loading…</p>}
        {unsigned && <p className="empty">No checkpoint has been signed yet.</p>}
        {checkpoint.isError && !unsigned && (
          <p className="error" role="alert">
            {problem(checkpoint.error)}
          </p>
        )}
        {checkpoint.data && (
          <>
            <dl className="attributes">
              <div>
                <dt>Checkpoint</dt>
                <dd>{checkpoint.data.id}</dd>
              </div>
              <div>
                <dt>Entries covered</dt>
                <dd>{checkpoint.data.size}</dd>
              </div>
              <div>
                <dt>Signed</dt>
                <dd>
                  <When at={checkpoint.data.issuedAt} /> ({checkpoint.data.reason})
                </dd>
              </div>
              <div>
                <dt>Root hash</dt>
                <dd className="code">{checkpoint.data.rootHash}</dd>
              </div>
              <div>
                <dt>Witness cosignatures</dt>
                <dd>{checkpoint.data.cosignatures.map((c) => c.witness).join(', ') || 'none'}</dd>
              </div>
            </dl>
            <h3>Signed note</h3>
            <pre className="code">{checkpoint.data.note}</pre>
          </>
        )}
      </section>
      <section aria-labelledby="key">
        <h2 id="key">Verifier key</h2>
        {key.isError && (
          <p className="error" role="alert">
            {problem(key.error)}
          </p>
        )}
        {key.data && (
          <>
            <p>
              Log origin: <span className="code">{key.data.origin}</span>
            </p>
            <pre className="code">{key.data.verifierKey}</pre>
            <p>Witnesses: {key.data.witnesses.join(', ') || 'none configured'}</p>
          </>
        )}
      </section>
      <section aria-labelledby="offline">
        <h2 id="offline">Verify offline</h2>
        <p>
          Give the auditor the verifier key once. Each period, export the log up to a fresh signed checkpoint
          and let the auditor verify it; the next export is checked to extend what was seen before. A single
          change can be proved with one proof file per event. The verifier names the first failing entry and
          the kind of failure, and exits 1.
        </p>
        <pre className="code">{OFFLINE}</pre>
      </section>
    </main>
  );
}
