// Gate use-cases: decide (allow or deny with every reason), break glass, and record deployments. A decision
// that is not a dry run is a `gate.decided` event of the change, recorded with its projection row in the
// command's transaction; a dry run reads the same facts and records nothing. The gate fails closed: an
// error of any kind (the database gone, a broken policy, a timeout) is answered as a deny saying why.
import { createHash } from 'node:crypto';
import { AppError } from '../../contracts/errors.ts';
import type { DeploymentView } from '../../contracts/gate.ts';
import type { Actor } from '../../domain/actor.ts';
import { breakGlassContent, breakGlassEvents, type BreakGlassRequest } from '../../domain/break-glass.ts';
import { windowsAt as calendarWindowsAt } from '../../domain/calendar.ts';
import type { Assessment, Change, ChangeContent } from '../../domain/change.ts';
import { deploymentId, finishEvents, startEvents, type DecisionRecord } from '../../domain/deployment.ts';
import { decideGate, gateError, type GateAnswer } from '../../domain/gate.ts';
import type { Service } from '../../domain/service.ts';
import type { ApproverNow, Live } from '../../domain/standing.ts';
import type { DeploymentResult, Environment } from '../../domain/vocabulary.ts';
import type { CommandRunner } from '../commands/command-runner.ts';
import type { RecordEvents } from '../commands/record.ts';
import { assertMay } from '../identity/access.ts';
import type { ActivePolicy } from '../policy/policy.service.ts';
import type { BreakGlassInput, GateDecision, GateInput } from './gate.types.ts';

export interface GateRecords {
  decision(id: string): Promise<(GateDecision & DecisionRecord) | null>;
  /** The catalogue's revision: moves with every service registered, updated or retired. */
  catalogueStamp(): Promise<string>;
  /** The catalogued service's environment, null when it is not catalogued. */
  environmentOf(service: string): Promise<Environment | null>;
  deployment(id: string): Promise<DeploymentView | null>;
  nextDeploymentNumber(): Promise<number>;
}

export interface StartDeploymentInput {
  decision?: string | undefined;
  change?: string | undefined;
  service: string;
  environment: string;
  artifact: string;
  pipelineUrl?: string | undefined;
}

export interface GateCollaborators {
  commands: Pick<CommandRunner, 'run'>;
  record: RecordEvents;
  changes: {
    load(id: string): Promise<Change | null>;
    nextNumber(): Promise<number>;
    /** The named people as they are now. */
    approvers(usernames: string[]): Promise<Record<string, ApproverNow>>;
  };
  /** The assessment from the catalogue and policy of the moment: what `start` decides on. */
  standing: {
    assess(type: Change['type'], content: ChangeContent, active: ActivePolicy): Promise<Assessment>;
  };
  catalogue: { known(names: string[]): Promise<Record<string, Service>> };
  policies: { active(): Promise<ActivePolicy> };
  records: GateRecords;
  now: () => Date;
  /** The calendar's windows in force (the calendar module's `windowsAt` by default). */
  windowsAt?: typeof calendarWindowsAt;
  /** How long the gate may take before it denies (fails closed); 10 s by default. */
  timeoutMs?: number;
}

/** Live assessments kept, by change; each is reused while the change, the policy and the catalogue stay. */
const ASSESSMENTS_KEPT = 20_000;

const fingerprint = (what: string, input: object) =>
  createHash('sha256')
    .update(`${what}\n${JSON.stringify(input)}`)
    .digest('hex');

/** The idempotency record of a command asked with a key (the API's, or a connector's delivery id). */
const keyed = (key: string | undefined, what: string, input: object, path: string) =>
  key ? { key, fingerprint: fingerprint(what, input), method: 'POST', path } : undefined;

export class GateService {
  private readonly c: GateCollaborators;
  /** Live assessments by change: recomputing one reads the whole catalogue when rules follow the graph. */
  private readonly assessments = new Map<string, { key: string; assessment: Assessment }>();

  constructor(c: GateCollaborators) {
    this.c = c;
  }

  /**
   * The change's standing as it is now, as `start` reads it: every approver's profile read afresh; the
   * assessment recomputed from the current catalogue and policy, or reused while neither (nor the change's
   * revision or window) has moved — the assessment is a pure function of them.
   */
  private async live(change: Change, active: ActivePolicy): Promise<Live> {
    const w = change.window;
    const key = `${change.revisionHash}|${w?.start}|${w?.end}|${active.version}|${await this.c.records.catalogueStamp()}`;
    const kept = this.assessments.get(change.id);
    let assessment = kept && kept.key === key ? kept.assessment : null;
    if (assessment === null) {
      assessment = await this.c.standing.assess(change.type, change, active);
      this.assessments.delete(change.id);
      if (this.assessments.size >= ASSESSMENTS_KEPT)
        this.assessments.delete(this.assessments.keys().next().value!);
      this.assessments.set(change.id, { key, assessment });
    }
    const approvers = await this.c.changes.approvers(change.approvals.map((a) => a.approver));
    return { assessment, approvers };
  }

  /** The facts of the question as they are at `at`, and the pure answer. */
  private async evaluate(input: GateInput, at: string): Promise<GateAnswer> {
    const active = await this.c.policies.active();
    const change = await this.c.changes.load(input.change);
    // Live standing only where approvals are checked; a standard change is approved by its template.
    const live = change && change.type !== 'standard' ? await this.live(change, active) : null;
    const serviceEnvironment = await this.c.records.environmentOf(input.service);
    const windows = (this.c.windowsAt ?? calendarWindowsAt)(active.policy, at, {
      service: input.service,
      environment: input.environment,
    });
    return decideGate(
      {
        changeId: input.change,
        service: input.service,
        environment: input.environment,
        artifacts: input.artifacts,
      },
      {
        change,
        live,
        serviceEnvironment,
        windows,
        deadlines: active.policy.deadlines,
        now: at,
      },
    );
  }

  private view(input: GateInput, answer: GateAnswer, id: string | null, at: string): GateDecision {
    return {
      id,
      decision: answer.decision,
      reasons: answer.reasons,
      change: input.change,
      service: input.service,
      environment: input.environment,
      artifacts: input.artifacts,
      dryRun: input.dryRun,
      source: input.source,
      at,
    };
  }

  /** Allow or deny, with every reason; never throws for a denial, and denies when it cannot decide. */
  async decide(actor: Actor, input: GateInput, idempotencyKey?: string): Promise<GateDecision> {
    assertMay(actor, 'gate.decide');
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.c.timeoutMs ?? 10_000;
    // Once the caller has been answered "deny" for want of time, the decision under way must not record an
    // allow: it checks this before recording, and its transaction rolls back.
    let late = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        late = true;
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.decideNow(actor, input, idempotencyKey, () => late), timeout]);
    } catch (err) {
      const at = this.c.now().toISOString();
      const why = err instanceof Error ? err.message : String(err);
      return this.view(input, gateError(`the gate could not decide, so it denies: ${why}`), null, at);
    } finally {
      clearTimeout(timer);
    }
  }

  private async decideNow(
    actor: Actor,
    input: GateInput,
    key: string | undefined,
    late: () => boolean = () => false,
  ): Promise<GateDecision> {
    if (input.dryRun) {
      const at = this.c.now().toISOString();
      return this.view(input, await this.evaluate(input, at), null, at);
    }
    const { outcome } = await this.c.commands.run(
      {
        actor,
        idempotency: keyed(key, 'gate', input, '/api/v1/gate'),
      },
      async ({ at }) => {
        const answer = await this.evaluate(input, at);
        if (late()) throw new Error('the caller was already answered: timed out');
        const [recorded] = await this.c.record(actor, at, [
          {
            subject: input.change,
            event: {
              type: 'gate.decided',
              data: {
                ...answer,
                service: input.service,
                environment: input.environment,
                artifacts: input.artifacts,
                source: input.source,
                pipelineUrl: input.pipelineUrl ?? null,
                breakGlass: null,
              },
            },
          },
        ]);
        return { status: 200, body: this.view(input, answer, recorded!.id, at) };
      },
    );
    return outcome.body as GateDecision;
  }

  /**
   * A deployment forced past the gate: an allow recorded under break-glass (with the reasons it overrode)
   * and an emergency change raised for it, owing its record and review by the policy's deadlines.
   */
  async breakGlass(
    actor: Actor,
    input: BreakGlassInput,
    idempotencyKey?: string,
  ): Promise<{ change: string; claimed: string | null; decision: GateDecision }> {
    assertMay(actor, 'gate.break_glass');
    const { outcome } = await this.c.commands.run(
      {
        actor,
        idempotency: keyed(idempotencyKey, 'break-glass', input, '/api/v1/gate/break-glass'),
      },
      async ({ at }) => {
        const active = await this.c.policies.active();
        const claimed = input.change ? await this.c.changes.load(input.change) : null;
        const known = await this.c.catalogue.known([input.service]);
        const request: BreakGlassRequest = {
          claimed: claimed?.id ?? null,
          service: input.service,
          environment: input.environment,
          artifacts: input.artifacts,
          reason: input.reason,
          pipelineUrl: input.pipelineUrl ?? null,
          catalogued: input.service in known,
        };
        const content = breakGlassContent(request);
        const assessment = await this.c.standing.assess('emergency', content, active);
        const raised = breakGlassEvents(
          await this.c.changes.nextNumber(),
          content,
          assessment,
          request,
          active.policy.deadlines,
          at,
        );
        // What the gate would have answered for the claimed change: the reasons the break-glass overrode.
        const question: GateInput = { ...input, change: input.change ?? raised.id, dryRun: false };
        const overridden = claimed ? (await this.evaluate(question, at)).reasons : [];
        const breakGlass = { reason: input.reason, claimed: request.claimed };
        const recorded = await this.c.record(actor, at, [
          { subject: raised.id, event: raised.created },
          { subject: raised.id, event: raised.broken },
          ...(claimed
            ? [
                {
                  subject: claimed.id,
                  event: {
                    type: 'change.deployment_noted' as const,
                    data: {
                      kind: 'break_glass' as const,
                      ref: raised.id,
                      service: input.service,
                      environment: input.environment,
                      detail: input.reason,
                    },
                  },
                },
              ]
            : []),
          {
            subject: raised.id,
            event: {
              type: 'gate.decided',
              data: {
                decision: 'allow',
                reasons: overridden,
                service: input.service,
                environment: input.environment,
                artifacts: input.artifacts,
                source: input.source,
                pipelineUrl: input.pipelineUrl ?? null,
                breakGlass,
              },
            },
          },
        ]);
        const decision: GateDecision = {
          ...this.view(
            { ...question, change: raised.id },
            { decision: 'allow', reasons: overridden },
            recorded[recorded.length - 1]!.id,
            at,
          ),
          breakGlass,
        };
        return { status: 201, body: { change: raised.id, claimed: request.claimed, decision } };
      },
    );
    return outcome.body as { change: string; claimed: string | null; decision: GateDecision };
  }

  async deployment(id: string): Promise<DeploymentView> {
    const found = await this.c.records.deployment(id);
    if (!found) throw new AppError('not_found', `no deployment ${id}; GET /api/v1/deployments lists them`);
    return found;
  }

  /** Records a deployment's start, under the decision it names; without an allowing one it is flagged. */
  async startDeployment(actor: Actor, input: StartDeploymentInput, idempotencyKey?: string) {
    assertMay(actor, 'deployment.record');
    const { outcome } = await this.c.commands.run(
      {
        actor,
        idempotency: keyed(idempotencyKey, 'deployment', input, '/api/v1/deployments'),
      },
      async ({ at }) => {
        const decision = input.decision ? await this.c.records.decision(input.decision) : null;
        const belongs = input.change ?? decision?.change ?? null;
        const change = belongs ? await this.c.changes.load(belongs) : null;
        const number = await this.c.records.nextDeploymentNumber();
        const { events } = startEvents({
          number,
          decisionId: input.decision ?? null,
          decision,
          change: input.change ?? null,
          changeExists: change !== null,
          service: input.service,
          environment: input.environment,
          artifact: input.artifact,
          pipelineUrl: input.pipelineUrl ?? null,
        });
        await this.c.record(actor, at, events);
        return { status: 201, body: await this.deployment(deploymentId(number)) };
      },
    );
    return outcome.body as DeploymentView;
  }

  /** Records how a deployment ended; a failure or rollback is noted on its change. */
  async finishDeployment(
    actor: Actor,
    id: string,
    body: { result: DeploymentResult; notes: string },
    idempotencyKey?: string,
  ): Promise<DeploymentView> {
    assertMay(actor, 'deployment.record');
    const { outcome } = await this.c.commands.run(
      {
        actor,
        idempotency: keyed(idempotencyKey, 'finish', { id, ...body }, `/api/v1/deployments/${id}/finish`),
      },
      async ({ at }) => {
        const d = await this.deployment(id);
        const change = d.change ? await this.c.changes.load(d.change) : null;
        const decided = finishEvents(d, body.result, body.notes, change !== null);
        if (!decided.ok) throw new AppError('conflict', decided.message);
        await this.c.record(actor, at, decided.events);
        return { status: 200, body: await this.deployment(id) };
      },
    );
    return outcome.body as DeploymentView;
  }
}
