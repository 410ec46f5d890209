// The proof of one ledger event, as a file to keep: the entry's exact bytes, its RFC 9162 inclusion proof and
// the signed checkpoint it leads to, also as a C2SP tlog-proof, so it can be checked offline with the log's
// verifier key (`changeproof verify`). The page builds the file and hands it to the browser as a download.
import type { ChangeEvents, UserView } from '../../../src/client/api-client.ts';
import { api } from '../api.ts';
import { roleAllows } from '../app/access.ts';

type Event = ChangeEvents['items'][number];

export const PROOF_FORMAT = 'changeproof-event-proof/v1';
const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

/** The C2SP tlog-proof text: header, index, one base64 hash a line, an empty line, the signed note. */
export function tlogProofText(index: number, proof: readonly string[], note: string): string {
  return `${[TLOG_PROOF_HEADER, `index ${index}`, ...proof, ''].join('\n')}\n${note}`;
}

/** Builds the proof file of `e`; a signed checkpoint must cover it (signed now when the user may ask). */
export async function proofFile(e: Event, user: UserView): Promise<{ name: string; text: string }> {
  let cp = await api.ledger.checkpoint().catch(() => null);
  if (!cp || cp.size <= e.seq) {
    if (!roleAllows(user, 'checkpoint.issue'))
      throw new Error(
        'No signed checkpoint covers this event yet; the server signs one within a minute, try again then.',
      );
    cp = await api.ledger.issue();
  }
  const [inclusion, key] = await Promise.all([api.ledger.inclusion(e.seq, cp.size), api.ledger.key()]);
  const file = {
    format: PROOF_FORMAT,
    verify:
      "Check the checkpoint's signature with the log's verifier key as you hold it (changeproof ledger key), then that the inclusion proof leads from the RFC 6962 leaf hash of entry to the checkpoint's root hash; or save entry as <index>.json and tlogProof as <index>.tlog-proof and run changeproof verify <index>.tlog-proof --key KEY.",
    change: e.subject,
    event: { id: e.id, type: e.type, at: e.at, actor: e.actor.id },
    index: inclusion.index,
    treeSize: inclusion.size,
    leafHash: inclusion.leafHash,
    entry: inclusion.entry,
    inclusionProof: inclusion.proof,
    checkpoint: { id: cp.id, size: cp.size, rootHash: cp.rootHash, issuedAt: cp.issuedAt, note: cp.note },
    tlogProof: tlogProofText(inclusion.index, inclusion.proof, cp.note),
    verifierKeyAsServed: key.verifierKey,
  };
  return {
    name: `${e.subject}-${e.seq}-${e.type}.proof.json`,
    text: `${JSON.stringify(file, null, 2)}\n`,
  };
}

/** Hands a file to the browser as a download, through an object URL (no inline script, no navigation). */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
