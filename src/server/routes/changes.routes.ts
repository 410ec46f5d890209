// Thin routes for changes: parse with the contract, call the use-case, present the result.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CancelBody,
  ChangeList,
  ChangeView,
  CompleteBody,
  CreateChangeBody,
  DecisionBody,
  EditChangeBody,
  ListChangesQuery,
  ReviewBody,
  ScheduleBody,
} from '../../contracts/changes.ts';
import { ChangeIdParam } from '../../contracts/common.ts';
import { ReassignOwnerBody } from '../../contracts/change-record.ts';
import { ChangeEvents } from '../../contracts/events.ts';
import { ErrorBody } from '../../contracts/errors.ts';
import { AssessResponse } from '../../contracts/home.ts';
import type { Container } from '../../container.ts';
import { actor } from '../auth.ts';
import { mutate } from '../idempotency.ts';
import { presentChange } from '../present.ts';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
};
const tags = ['changes'];

export function changesRoutes(app: FastifyInstance, c: Container): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const now = () => c.deps.now();

  r.post(
    '/changes',
    {
      config: { access: 'changes:write' },
      schema: {
        operationId: 'createChange',
        tags,
        summary: 'Raise a change',
        body: CreateChangeBody,
        response: { 201: ChangeView, ...errors },
      },
    },
    async (req, reply) => {
      return mutate(c.commands, req, reply, async ({ actor: a, now: at }) =>
        presentChange(await c.changes.create(a, req.body), await c.policies.forDisplay(), at, 201),
      );
    },
  );

  r.post(
    '/changes/assess',
    {
      config: { access: 'changes:write' },
      schema: {
        operationId: 'assessChange',
        tags,
        summary:
          'Assess a change before raising it: the rating, its reasons, the approvals it needs and the fields missing; records nothing',
        body: CreateChangeBody,
        response: { 200: AssessResponse, ...errors },
      },
    },
    async (req) => ({ assessment: await c.changes.assessDraft(actor(req), req.body) }),
  );

  r.get(
    '/changes',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'listChanges',
        tags,
        summary: 'List and filter changes, newest first',
        querystring: ListChangesQuery,
        response: { 200: ChangeList, ...errors },
      },
    },
    async (req) => {
      // Presenting, not deciding: the policy last loaded is enough and costs no query.
      const policy = await c.policies.forDisplay();
      return c.changesRead.list(req.query, now().toISOString(), policy.deadlines.approvalSlaMinutes);
    },
  );

  r.get(
    '/changes/:id',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getChange',
        tags,
        summary: 'Read one change',
        params: ChangeIdParam,
        response: { 200: ChangeView, ...errors },
      },
    },
    async (req) => {
      const change = await c.changes.get(req.params.id);
      const live = await c.changes.live(change);
      return presentChange(change, await c.policies.forDisplay(), now(), 200, live).body as ChangeView;
    },
  );

  r.get(
    '/changes/:id/events',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'listChangeEvents',
        tags,
        summary: "The change's full history from the ledger",
        params: ChangeIdParam,
        response: { 200: ChangeEvents, ...errors },
      },
    },
    async (req) => {
      return {
        items: (await c.changes.events(req.params.id)) as unknown as z.infer<typeof ChangeEvents>['items'],
      };
    },
  );

  r.patch(
    '/changes/:id',
    {
      config: { access: 'changes:write' },
      schema: {
        operationId: 'editChange',
        tags,
        summary: 'Edit a change; after approval this withdraws the approvals',
        params: ChangeIdParam,
        body: EditChangeBody,
        response: { 200: ChangeView, ...errors },
      },
    },
    async (req, reply) => command(req, reply, req.params.id, { type: 'edit', fields: req.body }),
  );

  type Cmd = Parameters<Container['changes']['command']>[2];
  const command = async (req: FastifyRequest, reply: Parameters<typeof mutate>[2], id: string, cmd: Cmd) => {
    return mutate(c.commands, req, reply, async ({ actor: a, now: at }) => {
      const result = await c.changes.command(a, id, cmd);
      const live = await c.changes.live(result);
      return presentChange(result, await c.policies.forDisplay(), at, 200, live);
    });
  };

  const action = <B extends z.ZodType>(
    name: string,
    summary: string,
    body: B,
    toCommand: (b: z.output<B>) => Cmd,
  ) =>
    r.post(
      `/changes/:id/${name}`,
      // Bodies of actions are optional: no body means the defaults (no comment, no group).
      {
        // Approving also needs changes:approve, checked by the domain so that the refusal is recorded.
        config: { access: 'changes:write' },
        schema: {
          operationId: `${name}Change`,
          tags,
          summary,
          params: ChangeIdParam,
          body: z.preprocess((v) => v ?? {}, body),
          response: { 200: ChangeView, ...errors },
        },
      },
      async (req, reply) => command(req, reply, req.params.id, toCommand(req.body as z.output<B>)),
    );

  const Empty = z.strictObject({});
  action('submit', 'Submit for approval: assesses risk and fixes the approvals needed', Empty, () => ({
    type: 'submit',
  }));
  action('approve', 'Approve the current revision', DecisionBody, (b) => ({
    type: 'approve',
    group: b.group ?? null,
    comment: b.comment,
    ...(b.reasoning ? { reasoning: b.reasoning } : {}),
  }));
  action('reject', 'Reject the change', DecisionBody, (b) => ({
    type: 'reject',
    group: b.group ?? null,
    comment: b.comment,
  }));
  action('schedule', 'Schedule an approved change into a window', ScheduleBody, (b) => ({
    type: 'schedule',
    window: b.window ?? null,
  }));
  action(
    'reassign',
    'Hand the change to another owner (its owner or a change manager)',
    ReassignOwnerBody,
    (b) => ({ type: 'reassign', owner: b.owner }),
  );
  action('start', 'Start implementing', Empty, () => ({ type: 'start' }));
  action('complete', 'Record verification and outcome', CompleteBody, (b) => ({
    type: 'complete',
    outcome: b.outcome,
    notes: b.notes,
    verification: b.verification,
  }));
  action('review', 'Write the post-implementation review', ReviewBody, (b) => ({
    type: 'review',
    review: b,
  }));
  action('close', 'Close a reviewed change', Empty, () => ({ type: 'close' }));
  action('cancel', 'Cancel a change that has not started', CancelBody, (b) => ({
    type: 'cancel',
    reason: b.reason,
  }));
}
