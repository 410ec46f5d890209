import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChangeView } from '../../contracts/changes.ts';
import { ErrorBody } from '../../contracts/errors.ts';
import {
  ActivePolicyView,
  CheckPolicyResponse,
  PolicyHistory,
  PolicyVersionView,
  ProposePolicyBody,
} from '../../contracts/policy.ts';
import type { Container } from '../../container.ts';
import { parseOrThrow } from '../../modules/policy/policy.service.ts';
import { raisingView } from '../../modules/policy/raising.ts';
import { parsePolicy } from '../../policy/load.ts';
import { mutate } from '../idempotency.ts';
import { presentChange } from '../present.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };
const tags = ['policy'];

export function policyRoutes(app: FastifyInstance, c: Container): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/policy',
    {
      config: { access: 'policy:read' },
      schema: {
        operationId: 'getPolicy',
        tags,
        summary:
          'The active policy, with what raising a change under it asks (questions, templates, deadlines)',
        response: { 200: ActivePolicyView, ...errors },
      },
    },
    async () => {
      const active = await c.policies.active();
      return { ...(await c.policies.version(active.version)), raising: raisingView(active.policy) };
    },
  );
  r.get(
    '/policy/versions',
    {
      config: { access: 'policy:read' },
      schema: {
        operationId: 'listPolicyVersions',
        tags,
        summary: 'Every policy version the server has run on',
        response: { 200: PolicyHistory, ...errors },
      },
    },
    async () => {
      return { items: (await c.policies.history()).map(({ source: _source, ...rest }) => rest) };
    },
  );
  r.get(
    '/policy/versions/:version',
    {
      config: { access: 'policy:read' },
      schema: {
        operationId: 'getPolicyVersion',
        tags,
        summary: 'One policy version',
        params: z.object({ version: z.coerce.number().int().min(1) }),
        response: { 200: PolicyVersionView, ...errors },
      },
    },
    async (req) => {
      return c.policies.version(req.params.version);
    },
  );
  r.post(
    '/policy/check',
    {
      config: { access: 'policy:read' },
      schema: {
        operationId: 'checkPolicy',
        tags,
        summary: 'Validate a policy file without proposing it',
        body: z.strictObject({ source: z.string().max(1_000_000) }),
        response: { 200: CheckPolicyResponse, ...errors },
      },
    },
    async (req) => {
      const parsed = parsePolicy(req.body.source);
      return parsed.ok
        ? { ok: true, sha256: parsed.sha256, errors: [] }
        : { ok: false, sha256: null, errors: parsed.errors };
    },
  );
  r.post(
    '/policy',
    {
      config: { access: 'policy:write' },
      schema: {
        operationId: 'proposePolicy',
        tags,
        summary:
          'Propose a replacement policy: raises a change that someone else must approve; it activates when that change starts',
        body: ProposePolicyBody,
        response: { 201: ChangeView, ...errors },
      },
    },
    async (req, reply) => {
      const { policy, sha256 } = parseOrThrow(req.body.source);
      return mutate(c.commands, req, reply, async ({ actor: a, now }) => {
        const title = req.body.title ?? `Replace the policy with "${policy.name}" (${sha256.slice(0, 12)})`;
        const result = await c.changes.create(
          a,
          { type: 'normal', title, reason: req.body.reason, description: `Policy file sha256 ${sha256}.` },
          req.body.source,
        );
        return presentChange(result, await c.policies.forDisplay(), now, 201);
      });
    },
  );
}
