// Thin routes for follow-ups: parse with the contract, call the use-case, present the item or the refusal.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../../contracts/errors.ts';
import {
  CancelFollowUpBody,
  DoneFollowUpBody,
  FollowUpIdParam,
  FollowUpList,
  FollowUpView,
  ListFollowUpsQuery,
  OpenFollowUpBody,
  ReassignFollowUpBody,
} from '../../contracts/follow-ups.ts';
import type { Container } from '../../container.ts';
import type { CloseCommand, FollowUp } from '../../domain/follow-up.ts';
import { Refused } from '../../modules/changes/changes.service.ts';
import { followUpView } from '../../modules/follow-ups/follow-ups.read-model.ts';
import { refusalError } from '../errors.ts';
import { mutate } from '../idempotency.ts';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
};
const tags = ['follow-ups'];

function present(result: FollowUp | Refused, now: Date, status: number) {
  if (result instanceof Refused) return refusalError(result.refusals);
  return { status, body: followUpView(result, now.toISOString()) };
}

export function followUpsRoutes(app: FastifyInstance, c: Container): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/follow-ups',
    {
      config: { access: 'changes:write' },
      schema: {
        operationId: 'openFollowUp',
        tags,
        summary: 'Open a tracked follow-up on a change',
        body: OpenFollowUpBody,
        response: { 201: FollowUpView, ...errors },
      },
    },
    async (req, reply) =>
      mutate(c.commands, req, reply, async ({ actor, now }) =>
        present(await c.followUps.open(actor, req.body), now, 201),
      ),
  );

  r.get(
    '/follow-ups',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'listFollowUps',
        tags,
        summary: 'Follow-ups by owner, status, kind or change; overdue=true lists the open ones past due',
        querystring: ListFollowUpsQuery,
        response: { 200: FollowUpList, ...errors },
      },
    },
    async (req) => c.followUpsRead.list(req.query, c.deps.now().toISOString()),
  );

  r.get(
    '/follow-ups/:id',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getFollowUp',
        tags,
        summary: 'One follow-up',
        params: FollowUpIdParam,
        response: { 200: FollowUpView, ...errors },
      },
    },
    async (req) => followUpView(await c.followUps.get(req.params.id), c.deps.now().toISOString()),
  );

  const action = <B extends z.ZodType>(
    name: string,
    summary: string,
    body: B,
    toCommand: (b: z.output<B>) => CloseCommand,
  ) =>
    r.post(
      `/follow-ups/:id/${name}`,
      {
        config: { access: 'changes:write' },
        schema: {
          operationId: `${name}FollowUp`,
          tags,
          summary,
          params: FollowUpIdParam,
          body: z.preprocess((v) => v ?? {}, body),
          response: { 200: FollowUpView, ...errors },
        },
      },
      async (req, reply) =>
        mutate(c.commands, req, reply, async ({ actor, now }) =>
          present(
            await c.followUps.handle(actor, req.params.id, toCommand(req.body as z.output<B>)),
            now,
            200,
          ),
        ),
    );

  action(
    'done',
    'Close it as done; continuity plan and documentation updates need the reference of the updated revision',
    DoneFollowUpBody,
    (b) => ({ type: 'done', note: b.note, reference: b.reference ?? null }),
  );
  action('cancel', 'Cancel it, saying why', CancelFollowUpBody, (b) => ({ type: 'cancel', note: b.note }));
  action('reassign', 'Give it another owner or due date', ReassignFollowUpBody, (b) => ({
    type: 'reassign',
    owner: b.owner ?? null,
    dueAt: b.dueAt ?? null,
    note: b.note,
  }));
}
