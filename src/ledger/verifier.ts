// THE OFFLINE VERIFIER. Given an export directory in the C2SP tlog-tiles layout and the log's public keys,
// it checks, with no server, database or network: the checkpoint's signature, witness cosignatures, that
// every entry hashes to its tile, that every tile agrees with the tree the entries build, that the tree
// has the checkpoint's root, that no file is missing or extra, and, given an earlier checkpoint, that the
// log only grew. It imports nothing outside src/ledger, so it can be published alone.
//
// It never throws: every fault, in the export or in the arguments, becomes a failure in the report.
import { encodeBase64 } from './base64.ts';
import { type Checkpoint, parseCheckpoint } from './checkpoint.ts';
import { type WitnessVerifier, checkCosignatures, parseWitnessVerifierKey } from './cosignature.ts';
import { emptyRoot } from './hash.ts';
import {
  MAX_NOTE_BYTES,
  NoteError,
  type OpenedNote,
  type Verifier,
  openNote,
  parseVerifierKey,
} from './note.ts';
import { firstLeafOf, isTileOf, parseTilePath } from './tile-layout.ts';
import { consistencyProof, consistencyProofNodeIds, nodeGetter } from './tree.ts';
import { FileReader, listFiles } from './verifier-files.ts';
import {
  CHECKS,
  type Check,
  type CheckName,
  type Failure,
  type Report,
  type WitnessStatus,
} from './verifier-report.ts';
import { verifyTree } from './verifier-tree.ts';

export { formatReport } from './verifier-report.ts';
export type { Failure, FailureKind, Report } from './verifier-report.ts';

export interface VerifyExportOptions {
  /** The log's verifier keys (`name+keyid+base64`). */
  readonly keys: readonly string[];
  /** Witness verifier keys (type 0x04). */
  readonly witnesses?: readonly string[];
  /** Valid cosignatures required from `witnesses`; all of them by default. */
  readonly quorum?: number;
  /** A signed checkpoint of the same log seen earlier: the export must be consistent with it. */
  readonly previous?: string;
  /** Threads hashing entries, this one included; default: the cores, at most 4. */
  readonly threads?: number;
}

class Stop extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.message);
    this.failure = failure;
  }
}

const stop = (failure: Failure): never => {
  throw new Stop(failure);
};

/** Opens a signed checkpoint with the log keys, mapping every fault to a failure kind. */
function openCheckpoint(
  text: string | Uint8Array,
  keys: readonly Verifier[],
  what: string,
): { opened: OpenedNote; checkpoint: Checkpoint } {
  let opened: OpenedNote;
  try {
    opened = openNote(text, keys);
  } catch (error) {
    const code = error instanceof NoteError ? error.code : undefined;
    const kind =
      code === 'invalid-signature' ? 'bad-signature' : code === 'unverified' ? 'unknown-key' : 'malformed';
    const message =
      kind === 'unknown-key'
        ? `${what} is not signed by any of the given log keys`
        : `${what}: ${(error as Error).message}`;
    return stop({ kind, message });
  }
  try {
    return { opened, checkpoint: parseCheckpoint(opened.text) };
  } catch (error) {
    return stop({ kind: 'malformed', message: `${what}: ${(error as Error).message}` });
  }
}

function parseKeys<T>(list: unknown, parse: (key: string) => T, what: string): T[] {
  if (!Array.isArray(list) || !list.every((k) => typeof k === 'string')) {
    return stop({ kind: 'malformed', message: `${what} must be a list of key strings` });
  }
  return [...new Set(list)].map((key, i) => {
    try {
      return parse(key);
    } catch (error) {
      return stop({ kind: 'malformed', message: `${what} ${i + 1}: ${(error as Error).message}` });
    }
  });
}

export async function verifyExport(dir: string, options: VerifyExportOptions): Promise<Report> {
  const checks = new Map<CheckName, Check>();
  const pass = (name: CheckName, detail: string) => checks.set(name, { name, status: 'ok', detail });
  const skip = (name: CheckName, detail: string) => checks.set(name, { name, status: 'skipped', detail });
  let current: CheckName = 'inputs';
  let summary: Report['checkpoint'];
  let witnesses: WitnessStatus[] = [];
  let evidence: Report['evidence'];
  let failure: Failure | undefined;
  try {
    // Inputs.
    if (typeof dir !== 'string' || dir === '')
      stop({ kind: 'malformed', message: 'no export directory given' });
    const logKeys = parseKeys(options?.keys, parseVerifierKey, 'log key');
    if (logKeys.length === 0) stop({ kind: 'malformed', message: 'no log key given' });
    const witnessKeys: WitnessVerifier[] = parseKeys(
      options.witnesses ?? [],
      parseWitnessVerifierKey,
      'witness key',
    );
    const quorum = options.quorum ?? witnessKeys.length;
    if (!Number.isSafeInteger(quorum) || quorum < 0)
      stop({ kind: 'malformed', message: `bad quorum ${quorum}` });
    if (options.previous !== undefined && typeof options.previous !== 'string') {
      stop({ kind: 'malformed', message: 'the previous checkpoint must be text' });
    }
    pass(
      'inputs',
      `${logKeys.length} log key(s), ${witnessKeys.length} witness key(s), quorum ${quorum}` +
        (options.previous === undefined ? '' : ', a previous checkpoint'),
    );

    // The checkpoint.
    current = 'checkpoint-signature';
    const file = new FileReader(dir).read('checkpoint', MAX_NOTE_BYTES);
    if (typeof file === 'string')
      stop({ kind: 'malformed', path: 'checkpoint', message: `checkpoint ${file}` });
    const note = Buffer.from(file as Buffer);
    const { opened, checkpoint } = openCheckpoint(note, logKeys, 'checkpoint');
    const text = note.toString('utf8');
    pass(
      'checkpoint-signature',
      `signed by ${opened.verified.map((s) => `${s.name}+${s.keyId.toString(16).padStart(8, '0')}`).join(', ')}`,
    );
    current = 'checkpoint-format';
    const { origin, size, rootHash } = checkpoint;
    summary = { origin, size, rootHash: encodeBase64(rootHash) };
    pass('checkpoint-format', `origin ${origin}, size ${size}`);

    // Witnesses.
    current = 'witness-cosignatures';
    const results = checkCosignatures(opened.text, opened.unverified, witnessKeys);
    witnesses = results.map((r) =>
      r.time === undefined
        ? { verifierKey: r.verifierKey, status: r.status }
        : { ...r, time: String(r.time) },
    );
    const valid = results.filter((r) => r.status === 'valid').length;
    const invalid = results.find((r) => r.status === 'invalid');
    if (invalid)
      stop({
        kind: 'bad-signature',
        path: 'checkpoint',
        message: `the cosignature of ${invalid.verifierKey} does not verify`,
      });
    if (valid < quorum)
      stop({
        kind: 'witness-quorum',
        path: 'checkpoint',
        message: `${valid} valid cosignature(s), quorum ${quorum}`,
      });
    if (witnessKeys.length === 0 && quorum === 0) skip('witness-cosignatures', 'no witness keys given');
    else pass('witness-cosignatures', `${valid} of ${results.length} witness(es) cosigned, quorum ${quorum}`);

    // The previous checkpoint: signature, origin and size first; its root is checked in the tree pass.
    current = 'previous-checkpoint';
    let previous: Checkpoint | undefined;
    if (options.previous === undefined) skip('previous-checkpoint', 'no previous checkpoint given');
    else {
      previous = openCheckpoint(options.previous, logKeys, 'the previous checkpoint').checkpoint;
      if (previous.origin !== origin)
        stop({
          kind: 'malformed',
          message: `the previous checkpoint is of another log (${previous.origin})`,
        });
      if (previous.size > size) {
        evidence = { checkpoint: text, previous: options.previous };
        stop({
          kind: 'size-shrank',
          index: size,
          message: `the previous checkpoint has ${previous.size} entries, this one ${size}`,
        });
      }
      pass('previous-checkpoint', `signed, size ${previous.size} <= ${size}`);
    }

    // Entries, tiles and root in one streaming pass.
    current = 'entries';
    const m = previous?.size ?? 0;
    const capture = m > 0 && m < size ? consistencyProofNodeIds(m, size) : [];
    const threads = options.threads;
    const tree = await verifyTree(dir, size, m > 0 ? { prefixSize: m, capture, threads } : { threads });
    if (tree.failure) {
      const level = parseTilePath(tree.failure.path ?? '')?.level;
      current = typeof level === 'number' && level > 0 ? 'tiles' : 'entries';
      const before = `stopped at the first failure, after ${tree.entries} entries and ${tree.tiles} tiles matched`;
      skip(current === 'tiles' ? 'entries' : 'tiles', before);
      stop(tree.failure);
    }
    pass('entries', `${tree.entries} entries hashed, each equal to its level-0 tile hash`);
    pass('tiles', `${tree.tiles} hash tiles above level 0 equal to the tree of the entries`);
    current = 'root';
    if (!tree.root!.equals(rootHash))
      stop({
        kind: 'root-mismatch',
        path: 'checkpoint',
        message: `the entries' tree has root ${encodeBase64(tree.root!)}, the checkpoint ${summary.rootHash}`,
      });
    pass('root', 'the tree of the entries has the checkpoint root hash');

    // Consistency with the previous checkpoint: the export's first m leaves must have its root. Checked
    // only once the whole export verified: only then is that prefix bound to a signed root, which is
    // what makes the evidence of a fork stand on its own.
    current = 'consistency';
    if (previous) {
      const prefixRoot = m === 0 ? emptyRoot() : tree.prefixRoot!;
      if (!prefixRoot.equals(previous.rootHash)) {
        const proof =
          m > 0 && m < size ? consistencyProof(m, size, nodeGetter(tree.captured)).map(encodeBase64) : [];
        evidence = {
          checkpoint: text,
          previous: options.previous!,
          prefixRoot: encodeBase64(prefixRoot),
          consistencyProof: proof,
        };
        stop({
          kind: 'not-consistent',
          message: `the first ${m} entries have root ${encodeBase64(prefixRoot)}, the previous checkpoint ${encodeBase64(previous.rootHash)}`,
        });
      }
      pass('consistency', `the first ${m} entries have the previous checkpoint's root`);
    } else skip('consistency', 'no previous checkpoint given');

    // Files the checkpoint does not account for.
    current = 'files';
    const files = listFiles(dir, 'tile');
    if (typeof files === 'string') stop({ kind: 'malformed', path: 'tile', message: `tile ${files}` });
    for (const path of files as string[]) {
      const ref = parseTilePath(path);
      if (!ref || !isTileOf(size, ref)) {
        stop({
          kind: 'malformed',
          index: ref ? firstLeafOf(ref) : undefined,
          path,
          message: `unexpected file ${path}`,
        });
      }
    }
    pass('files', `${(files as string[]).length} files under tile/, none missing or extra`);
  } catch (error) {
    failure =
      error instanceof Stop
        ? error.failure
        : { kind: 'malformed', message: `unexpected error: ${(error as Error)?.name}` };
    checks.set(current, { name: current, status: 'failed', detail: failure.message });
  }
  const list = CHECKS.map(
    (name) => checks.get(name) ?? { name, status: 'skipped' as const, detail: 'not run' },
  );
  const report: Report = { ok: failure === undefined, checks: list, witnesses };
  return {
    ...report,
    ...(summary && { checkpoint: summary }),
    ...(failure && { failure }),
    ...(evidence && { evidence }),
  };
}
