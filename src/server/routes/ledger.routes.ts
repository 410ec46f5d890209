// The ledger for auditors and tools: signed checkpoints, entries, inclusion and consistency proofs. There is
// no route that edits or deletes an entry.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../contracts/errors.ts';
import { ErrorBody } from '../../contracts/errors.ts';
import {
  CheckpointList,
  CheckpointView,
  ConsistencyQuery,
  CosignBody,
  ConsistencyView,
  EntriesQuery,
  EntriesView,
  InclusionQuery,
  InclusionView,
  LedgerKeyView,
} from '../../contracts/ledger.ts';
import type { Container } from '../../container.ts';
import { assertMay } from '../../modules/identity/access.ts';
import { actor } from '../auth.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const tags = ['ledger'];

export function ledgerRoutes(app: FastifyInstance, c: Container): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const latest = async () => {
    const cp = await c.checkpoints.latest();
    if (!cp) throw new AppError('not_found', 'no checkpoint has been signed yet');
    return cp;
  };

  r.get(
    '/ledger/key',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getLedgerKey',
        tags,
        summary: "The log's origin and verifier key",
        response: { 200: LedgerKeyView, ...errors },
      },
    },
    async () => {
      return {
        origin: c.checkpoints.origin,
        verifierKey: c.checkpoints.verifierKey,
        witnesses: c.checkpoints.witnessKeys,
      };
    },
  );
  r.get(
    '/ledger/checkpoint',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getLatestCheckpoint',
        tags,
        summary: 'The latest signed checkpoint',
        response: { 200: CheckpointView, ...errors },
      },
    },
    async () => {
      return latest();
    },
  );
  r.get(
    '/ledger/checkpoints',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'listCheckpoints',
        tags,
        summary: 'Signed checkpoints, newest first',
        querystring: EntriesQuery.pick({ limit: true }),
        response: { 200: CheckpointList, ...errors },
      },
    },
    async (req) => {
      return { items: await c.checkpoints.list(req.query.limit) };
    },
  );
  r.post(
    '/ledger/checkpoints',
    {
      config: { access: 'changes:write' },
      schema: {
        operationId: 'signCheckpoint',
        tags,
        summary: 'Sign a checkpoint now',
        response: { 201: CheckpointView, ...errors },
      },
    },
    async (req, reply) => {
      assertMay(actor(req), 'checkpoint.issue');
      return reply.code(201).send(await c.checkpoints.issue('demand'));
    },
  );
  r.post(
    '/ledger/checkpoints/:id/cosignatures',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'addCosignature',
        tags,
        summary: "A witness's tlog-cosignature/v1 on a checkpoint",
        params: z.object({ id: z.coerce.number().int().min(1) }),
        body: CosignBody,
        response: { 200: CheckpointView, ...errors },
      },
    },
    async (req) => {
      return c.checkpoints.addCosignature(req.params.id, req.body.signature);
    },
  );
  r.get(
    '/ledger/entries',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'listLedgerEntries',
        tags,
        summary: 'Entries by index range, as the exact bytes that were hashed',
        querystring: EntriesQuery,
        response: { 200: EntriesView, ...errors },
      },
    },
    async (req) => {
      return { items: await c.ledger.entries(req.query.start, req.query.limit), size: await c.ledger.size() };
    },
  );
  r.get(
    '/ledger/proofs/inclusion',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getInclusionProof',
        tags,
        summary: 'Inclusion proof of one entry (by index or event id) in a tree size',
        querystring: InclusionQuery,
        response: { 200: InclusionView, ...errors },
      },
    },
    async (req) => {
      const { index, eventId } = req.query;
      if ((index === undefined) === (eventId === undefined))
        throw new AppError('validation_failed', 'give exactly one of index or eventId');
      const at = index ?? (await c.ledger.indexOfEvent(eventId!));
      const size = req.query.size ?? (await latest()).size;
      return { ...(await c.ledger.inclusion(at, size)), checkpoint: await c.checkpoints.bySize(size) };
    },
  );
  r.get(
    '/ledger/proofs/consistency',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getConsistencyProof',
        tags,
        summary: 'Consistency proof between two tree sizes',
        querystring: ConsistencyQuery,
        response: { 200: ConsistencyView, ...errors },
      },
    },
    async (req) => {
      actor(req);
      return c.ledger.consistency(req.query.from, req.query.to ?? (await latest()).size);
    },
  );
}
