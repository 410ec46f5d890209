// GitHub's own descriptions, as the tests' judge: deliveries we build are validated against the webhook
// description (@octokit/openapi-webhooks), and every call back the stand-in receives against the REST
// description (@octokit/openapi) of the operation it calls, on github.com and on GitHub Enterprise Server.
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);
export const CALLBACK_PATH = '/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule';

function ajv(): Ajv2020 {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12 plus annotations (example, discriminator…), hence not strict.
  const a = new Ajv2020({ strict: false, allErrors: true });
  a.addFormat('uri', (s: string) => URL.canParse(s));
  a.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  a.addFormat('date', (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s));
  a.addFormat('email', (s: string) => s.includes('@'));
  a.addFormat('uri-template', () => true);
  a.addFormat('int64', { type: 'number', validate: Number.isInteger });
  a.addFormat('int32', { type: 'number', validate: Number.isInteger });
  return a;
}

function explain(v: ValidateFunction): string {
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}

/** Validates a delivery body against GitHub's `deployment-protection-rule-requested` webhook. */
export function deliveryValidator(): (body: unknown) => string | null {
  const a = ajv();
  const doc = require('@octokit/openapi-webhooks/generated/api.github.com.json') as {
    webhooks: Record<
      string,
      { post: { requestBody: { content: Record<string, { schema: { $ref: string } }> } } }
    >;
  };
  const ref =
    doc.webhooks['deployment-protection-rule-requested']!.post.requestBody.content['application/json']!.schema
      .$ref;
  a.addSchema({ ...doc, $id: 'webhooks' });
  const v = a.getSchema(`webhooks${ref}`)!;
  return (body) => (v(body) ? null : explain(v));
}

interface Operation {
  requestBody: { content: Record<string, { schema: object }> };
  responses: Record<string, unknown>;
}

/** The REST operation as a description has it (github.com or a GitHub Enterprise Server release). */
export function callbackOperation(description = 'api.github.com'): Operation {
  const doc = require(`@octokit/openapi/generated/${description}.deref.json`) as {
    paths: Record<string, Record<string, Operation>>;
  };
  return doc.paths[CALLBACK_PATH]!.post!;
}

/** Validates a call-back body against the REST description's request body schema. */
export function callbackValidator(description = 'api.github.com'): (body: unknown) => string | null {
  const v = ajv().compile(callbackOperation(description).requestBody.content['application/json']!.schema);
  return (body) => (v(body) ? null : explain(v));
}

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Example[];
const example = (name: string) => structuredClone(examples.find((e) => e.name === name)!.examples[0]!);

export interface DeliveryOptions {
  environment?: string;
  runId?: number;
  apiUrl?: string;
  installationId?: number;
  deployment?: Record<string, unknown>;
  pullRequests?: { number: number; title: string; body?: string | null; head?: string }[];
}

/**
 * A `deployment_protection_rule` delivery built from GitHub's real `deployment` and `pull_request`
 * examples (@octokit/webhooks-examples has none of this event), with the fields the event adds.
 */
export function protectionRuleDelivery(o: DeliveryOptions = {}): Record<string, unknown> {
  const dep = example('deployment') as {
    deployment: Record<string, unknown>;
    repository: { full_name: string };
  };
  const pr = example('pull_request') as { pull_request: Record<string, unknown> };
  const repo = dep.repository.full_name;
  const deployment = {
    ...dep.deployment,
    ref: 'main',
    payload: {},
    environment: o.environment ?? 'production',
    ...o.deployment,
  };
  return {
    action: 'requested',
    environment: o.environment ?? 'production',
    event: 'push',
    deployment_callback_url: `${o.apiUrl ?? 'https://api.github.com'}/repos/${repo}/actions/runs/${o.runId ?? 4242}/deployment_protection_rule`,
    deployment,
    pull_requests: (o.pullRequests ?? []).map((p) => ({
      ...pr.pull_request,
      // The webhook example predates `auto_merge`, which the REST pull request schema requires.
      auto_merge: null,
      number: p.number,
      title: p.title,
      body: p.body ?? null,
      head: { ...(pr.pull_request.head as object), ref: p.head ?? 'feature' },
    })),
    repository: dep.repository,
    sender: (example('deployment') as { sender: unknown }).sender,
    installation: { id: o.installationId ?? 77, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=' },
  };
}
