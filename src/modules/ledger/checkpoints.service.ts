// Signed checkpoints over the ledger's Merkle tree (C2SP tlog-checkpoint in a C2SP signed note, Ed25519).
// Before signing, the service proves to itself that the tree extends every checkpoint it signed before —
// the latest in the database and the one in its own state file — so it never signs a fork or a rollback.
import { AppError } from '../../contracts/errors.ts';
import { SYSTEM_ACTOR, type Actor } from '../../domain/actor.ts';
import { formatCheckpoint } from '../../ledger/checkpoint.ts';
import { signNote } from '../../ledger/note.ts';
import type { LedgerCheckpointTable } from '../../store/schema.ts';
import { LedgerRepository } from '../../store/ledger.repository.ts';
import { iso, type Deps } from '../deps.ts';
import { keyIdHex, type LedgerKey } from './ledger-key.ts';
import { parseWitnessVerifierKey, verifyCosignature } from '../../ledger/cosignature.ts';
import type { SignedState } from './signed-state.ts';

export type CheckpointReason = 'schedule' | 'idle' | 'demand' | 'shutdown' | 'key-rotation';

export interface CheckpointView {
  id: number;
  size: number;
  rootHash: string;
  keyId: string;
  issuedAt: string;
  reason: string;
  /** The signed note, with any witness cosignature lines after the log's own signature. */
  note: string;
  cosignatures: { witness: string; keyId: string; signedAt: number }[];
}

export class CheckpointService {
  private readonly deps: Deps;
  private readonly ledger: LedgerRepository;
  private readonly state: SignedState;
  private key: LedgerKey;
  private rotating = false;
  readonly witnessKeys: string[];

  constructor(deps: Deps, key: LedgerKey, state: SignedState, witnessKeys: string[]) {
    this.deps = deps;
    this.witnessKeys = witnessKeys;
    this.key = key;
    this.state = state;
    this.ledger = new LedgerRepository(deps.store);
  }

  get verifierKey(): string {
    return this.key.verifierKey;
  }

  get origin(): string {
    return this.key.origin;
  }

  /** Records this key as the log's key on a new log; refuses a key that is not the log's. */
  async ensureKey(): Promise<void> {
    await this.deps.commands.execute(SYSTEM_ACTOR, async ({ at }) => {
      const meta = await this.meta();
      if (meta.verifier_key === this.key.verifierKey) return;
      if (meta.verifier_key)
        throw new Error(
          `this ledger is signed by ${meta.verifier_key} but the server was given ${this.key.verifierKey}; ` +
            "start it with the log's key (CHANGEPROOF_LEDGER_KEY_FILE) or rotate with `changeproof ledger rotate-key`",
        );
      await this.deps.record(SYSTEM_ACTOR, at, [
        {
          subject: 'ledger',
          event: {
            type: 'ledger.key_activated',
            data: {
              origin: this.key.origin,
              verifierKey: this.key.verifierKey,
              keyId: this.key.keyId,
              previousKeyId: null,
            },
          },
        },
      ]);
    });
  }

  /**
   * Logs `next` (already written to disk by the caller) as the log's key, switches to it once that is
   * committed, and signs a checkpoint with it. Until the commit the old key signs: a rotation whose
   * transaction fails leaves the log, the database and this service on the old key together.
   */
  async rotate(actor: Actor, next: LedgerKey): Promise<CheckpointView> {
    if (next.origin !== this.key.origin)
      throw new AppError('validation_failed', "a rotated key keeps the log's origin");
    // Inside another write, Store.write would return before the commit that the switch must wait for.
    if (this.deps.store.inTransaction)
      throw new Error('rotate the key outside other writes: the new key signs only once it is committed');
    if (this.rotating)
      throw new AppError('conflict', 'a key rotation is already under way; try again after it');
    this.rotating = true;
    const previous = this.key;
    try {
      await this.deps.commands.execute(actor, async ({ at }) => {
        await this.deps.record(actor, at, [
          {
            subject: 'ledger',
            event: {
              type: 'ledger.key_activated',
              data: {
                origin: next.origin,
                verifierKey: next.verifierKey,
                keyId: next.keyId,
                previousKeyId: previous.keyId,
              },
            },
          },
        ]);
      });
      this.key = next;
    } finally {
      this.rotating = false;
    }
    return this.issue('key-rotation');
  }

  private async meta(): Promise<Record<string, string>> {
    const rows = await this.deps.store.db.selectFrom('ledger_meta').selectAll().execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Signs a checkpoint of the tree as it is now; the state file is updated once the checkpoint is committed. */
  async issue(reason: CheckpointReason): Promise<CheckpointView> {
    if (this.deps.store.inTransaction)
      throw new Error('issue checkpoints outside other writes: they must see committed entries');
    const view = await this.deps.commands.execute(SYSTEM_ACTOR, async ({ now: at }) => {
      const size = await this.ledger.size();
      const latest = await this.latestRow();
      await this.assertExtends(
        latest ? { size: Number(latest.size), rootHash: latest.root_hash } : null,
        'the latest checkpoint in the database',
      );
      const head = this.state.read();
      if (head && head.origin === this.key.origin)
        await this.assertExtends(head, 'the last checkpoint this server signed');
      const root = await this.ledger.tree.root(size).catch((err: unknown) => {
        throw new AppError(
          'conflict',
          `refusing to sign: the tree nodes of the ${size} entries cannot be read (${(err as Error).message}); the ledger was altered (run \`changeproof verify --rebuild\`)`,
        );
      });
      const body = formatCheckpoint({
        origin: this.key.origin,
        size,
        rootHash: root,
        extensions: [`time ${Math.floor(at.getTime() / 1000)}`],
      });
      const note = signNote(body, [this.key.signer]);
      const id = Number(latest?.id ?? 0) + 1;
      await this.deps.store.db
        .insertInto('ledger_checkpoints')
        .values({
          id,
          size,
          root_hash: root.toString('base64'),
          note,
          key_id: this.key.keyId,
          issued_at: iso(at),
          reason,
        })
        .execute();
      return this.view((await this.row(id))!);
    });
    this.state.write({ origin: this.key.origin, size: view.size, rootHash: view.rootHash });
    return view;
  }

  /**
   * Refuses to go on unless the current tree contains `signed` as a prefix. A tree that does not is a
   * database that was rolled back or edited: the refusal is a 409 that says so and what to run, not a 500.
   */
  private async assertExtends(
    signed: { size: number; rootHash: string } | null,
    what: string,
  ): Promise<void> {
    if (!signed) return;
    const size = await this.ledger.size();
    const check = 'run `changeproof verify --rebuild` to find the entries';
    if (signed.size > size)
      throw new AppError(
        'conflict',
        `refusing to sign: the ledger has ${size} entries but ${what} covers ${signed.size}; entries were deleted or the database was rolled back (${check})`,
      );
    let root: string;
    try {
      root = (await this.ledger.tree.root(signed.size)).toString('base64');
    } catch (err) {
      throw new AppError(
        'conflict',
        `refusing to sign: the tree nodes of the first ${signed.size} entries cannot be read (${(err as Error).message}); the ledger was altered (${check})`,
      );
    }
    if (root !== signed.rootHash)
      throw new AppError(
        'conflict',
        `refusing to sign: the first ${signed.size} entries no longer match ${what}; the ledger was altered (${check})`,
      );
  }

  /** Whether a scheduled checkpoint is due: new entries and the interval passed, or the idle interval passed. */
  async due(intervalMinutes: number, idleMinutes: number): Promise<CheckpointReason | null> {
    const latest = await this.latestRow();
    if (!latest) return 'schedule';
    const age = this.deps.now().getTime() - Date.parse(latest.issued_at);
    if (age >= idleMinutes * 60_000) return 'idle';
    if (age >= intervalMinutes * 60_000 && (await this.ledger.size()) > Number(latest.size))
      return 'schedule';
    return null;
  }

  private async latestRow(): Promise<LedgerCheckpointTable | undefined> {
    return this.deps.store.db
      .selectFrom('ledger_checkpoints')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  private async row(id: number): Promise<LedgerCheckpointTable | undefined> {
    return this.deps.store.db
      .selectFrom('ledger_checkpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  private async view(row: LedgerCheckpointTable): Promise<CheckpointView> {
    const cosignatures = await this.deps.store.db
      .selectFrom('ledger_cosignatures')
      .selectAll()
      .where('checkpoint_id', '=', row.id)
      .orderBy('witness')
      .execute();
    return {
      id: Number(row.id),
      size: Number(row.size),
      rootHash: row.root_hash,
      keyId: row.key_id,
      issuedAt: row.issued_at,
      reason: row.reason,
      note: row.note + cosignatures.map((c) => c.line).join(''),
      cosignatures: cosignatures.map((c) => ({
        witness: c.witness,
        keyId: c.key_id,
        signedAt: Number(c.signed_at),
      })),
    };
  }

  async latest(): Promise<CheckpointView | null> {
    const row = await this.latestRow();
    return row ? this.view(row) : null;
  }

  /**
   * Stores a witness's C2SP tlog-cosignature/v1 line for checkpoint `id`, if it verifies against one of the
   * witness keys the operator listed. Cosignatures are evidence about checkpoints, not ledger events.
   */
  async addCosignature(id: number, line: string): Promise<CheckpointView> {
    const witnesses = this.witnessKeys.map((k) => parseWitnessVerifierKey(k));
    if (witnesses.length === 0)
      throw new AppError('forbidden', 'no witnesses are configured (CHANGEPROOF_WITNESSES)');
    const row = await this.row(id);
    if (!row) throw new AppError('not_found', `no checkpoint ${id}`);
    const body = row.note.slice(0, row.note.lastIndexOf('\n\n') + 1);
    const text = line.endsWith('\n') ? line : `${line}\n`;
    const errors: string[] = [];
    for (const witness of witnesses) {
      try {
        const { time } = verifyCosignature(body, text, witness);
        await this.deps.store.db
          .insertInto('ledger_cosignatures')
          .values({
            checkpoint_id: id,
            witness: witness.name,
            key_id: keyIdHex(witness.keyId),
            signed_at: Number(time),
            line: text,
            received_at: iso(this.deps.now()),
          })
          .onConflict((oc) => oc.columns(['checkpoint_id', 'witness', 'key_id']).doNothing())
          .execute();
        return this.get(id);
      } catch (err) {
        errors.push(`${witness.name}: ${(err as Error).message}`);
      }
    }
    throw new AppError(
      'validation_failed',
      `the cosignature does not verify against any configured witness: ${errors.join('; ')}`,
    );
  }

  /** The most recent checkpoint of exactly this size, if one was signed. */
  async bySize(size: number): Promise<CheckpointView | null> {
    const row = await this.deps.store.db
      .selectFrom('ledger_checkpoints')
      .selectAll()
      .where('size', '=', size)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? this.view(row) : null;
  }

  async get(id: number): Promise<CheckpointView> {
    const row = await this.row(id);
    if (!row) throw new AppError('not_found', `no checkpoint ${id}`);
    return this.view(row);
  }

  async list(limit: number, beforeId?: number): Promise<CheckpointView[]> {
    let q = this.deps.store.db
      .selectFrom('ledger_checkpoints')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit);
    if (beforeId !== undefined) q = q.where('id', '<', beforeId);
    return Promise.all((await q.execute()).map((r) => this.view(r)));
  }
}
