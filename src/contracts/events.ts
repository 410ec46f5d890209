// The events of the ledger as the API returns them: one named schema per event type, each with the data it
// carries, in a union discriminated by `type`. Built from the domain's union (src/domain/events.ts): the
// check at the end stops type-checking when an event is added there without its schema here, or when the
// domain's data would not validate. Events are never rewritten, so fields added to the content after
// changes were first recorded (origin, supplier…) are optional here.
import { z } from 'zod';
import type { DomainEvent, EventType } from '../domain/events.ts';
import { ACTOR_KINDS } from '../domain/vocabulary.ts';
import { ChangeOriginEnum, ChangeTypeEnum, ChangeView, OutcomeEnum, RiskRatingEnum } from './changes.ts';
import { RoleEnum, UserKindEnum } from './identity.ts';
import { FollowUpKindEnum } from './follow-ups.ts';
import { Conflict } from './calendar.ts';
import { GATE_EVENT_DATA } from './gate.ts';
import { ServiceView } from './services.ts';
import { ApprovalReasoning, RecordEventContent } from './change-record.ts';

const c = ChangeView.shape;
const Requirement = c.assessment.unwrap().shape.requiredApprovals.element;
const Assessment = c.assessment.unwrap();
const Content = z.object({
  title: c.title,
  description: c.description,
  reason: c.reason,
  services: c.services,
  dataImpact: c.dataImpact,
  supplierImpact: c.supplierImpact,
  links: c.links,
  riskAnswers: c.riskAnswers,
  securityImpact: c.securityImpact,
  implementationPlan: c.implementationPlan,
  implementer: c.implementer,
  rollbackPlan: c.rollbackPlan,
  testPlan: c.testPlan,
  testEvidence: c.testEvidence,
  proposedPolicy: c.proposedPolicy,
  origin: ChangeOriginEnum.optional(),
  supplier: c.supplier.optional(),
  supplierReference: c.supplierReference.optional(),
  customerCommunication: c.customerCommunication.optional(),
  supplierAccessReview: c.supplierAccessReview.optional(),
  ...RecordEventContent,
  emergencyCriterion: c.emergencyCriterion.optional(),
  emergencyJustification: c.emergencyJustification.optional(),
  performed: c.performed.optional(),
  artifacts: c.artifacts.optional(),
});
const Window = z.object({ start: z.string(), end: z.string() });
const Decision = z.object({
  approver: z.string(),
  group: z.string(),
  comment: z.string(),
  revisionHash: z.string(),
});
const Nothing = z.object({});
const {
  name: _name,
  createdAt: _created,
  updatedAt: _updated,
  retiredAt: _retired,
  retirementReason: _why,
  ...attributes
} = ServiceView.shape;
// `team` came later: services registered before it have none in their event.
const ServiceAttributes = z.object({ ...attributes, team: attributes.team.optional() });
const UserFields = z.object({
  displayName: z.string(),
  email: z.string().nullable(),
  roles: z.array(RoleEnum),
  groups: z.array(z.string()),
  active: z.boolean(),
});

/** The data of every event type: exhaustive over the domain's union (checked below). */
const DATA = {
  'change.created': z.object({
    number: z.number(),
    changeType: ChangeTypeEnum,
    template: z.string().nullable(),
    content: Content,
    revisionHash: z.string(),
    assessment: Assessment.nullable(),
    window: Window.nullable(),
    conflicts: z.array(Conflict).optional().describe('Standard changes: soft clashes of the window'),
  }),
  'change.edited': z.object({
    fields: Content.partial(),
    revision: z.number(),
    revisionHash: z.string(),
    assessment: Assessment.nullable(),
  }),
  'change.approvals_withdrawn': z.object({
    reason: z.string(),
    withdrawn: z.number(),
    revisionHash: z.string(),
  }),
  'change.submitted': z.object({ assessment: Assessment, revisionHash: z.string() }),
  'change.reassessed': z.object({
    assessment: Assessment,
    previous: z.object({ rating: RiskRatingEnum.nullable(), requiredApprovals: z.array(Requirement) }),
  }),
  'change.approvals_lapsed': z.object({
    reason: z.string(),
    lapsed: z.array(
      z.object({ approver: z.string(), group: z.string(), code: z.string(), message: z.string() }),
    ),
    requiredApprovals: z.array(Requirement),
  }),
  'change.approval_granted': Decision.extend({ reasoning: ApprovalReasoning.optional() }),
  'change.approved': z.object({
    quorum: z.array(Requirement),
    approvers: z.array(z.string()),
    recordDueAt: z.string().nullable(),
  }),
  'change.rejected': Decision,
  'change.scheduled': z.object({
    window: Window,
    conflicts: z.array(Conflict).optional().describe('Soft clashes the scheduler went ahead despite'),
  }),
  'change.owner_reassigned': z.object({ owner: z.string(), previous: z.string() }),
  'change.started': z.object({ implementer: z.string(), reviewDueAt: z.string().nullable() }),
  'change.record_completed': Nothing,
  'change.completed': z.object({ outcome: OutcomeEnum, notes: z.string(), verification: c.verification }),
  'change.reviewed': z.object({ review: c.review.unwrap().omit({ reviewer: true, at: true }) }),
  'change.closed': Nothing,
  'change.cancelled': z.object({ reason: z.string() }),
  'change.command_refused': z.object({
    command: z.string(),
    reasons: z.array(
      z.object({
        code: z.string(),
        message: z.string(),
        slot: z.object({ start: z.string(), end: z.string() }).optional(),
      }),
    ),
  }),
  'service.registered': z.object({ name: z.string(), attributes: ServiceAttributes }),
  'service.updated': z.object({ fields: ServiceAttributes.partial() }),
  'service.retired': z.object({ reason: z.string() }),
  'user.created': UserFields.extend({ username: z.string(), kind: UserKindEnum }),
  'user.updated': z.object({ fields: UserFields.partial() }),
  'user.password_set': Nothing,
  'token.created': z.object({
    tokenId: z.string(),
    name: z.string(),
    owner: z.string(),
    scopes: z.array(z.string()),
    expiresAt: z.string().nullable(),
  }),
  'token.revoked': z.object({ tokenId: z.string() }),
  'policy.activated': z.object({
    version: z.number(),
    name: z.string(),
    sha256: z.string(),
    source: z.string().describe('The policy YAML as activated'),
    changeId: z.string().nullable(),
  }),
  'follow_up.opened': z.object({
    number: z.number(),
    changeId: z.string(),
    kind: FollowUpKindEnum,
    title: z.string(),
    owner: z.string(),
    dueAt: z.string(),
  }),
  'follow_up.reassigned': z.object({ owner: z.string(), dueAt: z.string(), note: z.string() }),
  'follow_up.done': z.object({ note: z.string(), reference: z.string().nullable() }),
  'follow_up.cancelled': z.object({ note: z.string() }),
  'calendar.feed_token_created': z.object({ tokenId: z.string(), owner: z.string() }),
  'calendar.feed_token_revoked': z.object({ tokenId: z.string(), owner: z.string() }),
  'ledger.key_activated': z.object({
    origin: z.string(),
    verifierKey: z.string(),
    keyId: z.string(),
    previousKeyId: z.string().nullable(),
  }),
  ...GATE_EVENT_DATA,
} as const;

type DataOf<T extends EventType> = Extract<DomainEvent, { type: T }>['data'];
// Names the event types whose domain data the schema would refuse; `never` when every one fits.
type Unfit = { [T in EventType]: DataOf<T> extends z.input<(typeof DATA)[T]> ? never : T }[EventType];
const everyEventFits: [Unfit] extends [never] ? true : Unfit = true;
void everyEventFits;

/** Every event type the ledger can hold, as the contract knows them. */
export const EVENT_TYPES = Object.keys(DATA) as EventType[];

/** `change.approval_granted` → `ChangeApprovalGrantedEvent`: the component name in the OpenAPI document. */
export const componentName = (type: string): string =>
  `${type.replace(/(^|[._])([a-z])/g, (_m, _sep, ch: string) => ch.toUpperCase())}Event`;

const envelope = {
  v: z.literal(1),
  seq: z.number().describe('Index of the entry in the ledger'),
  id: z.string().describe('Event id (UUID)'),
  subject: z.string().describe('What the event is about: CHG-12, service:payments-api, user:alice, policy'),
  at: z.string(),
  actor: z.object({ id: z.string(), kind: z.enum(ACTOR_KINDS) }),
};

function eventSchema<T extends EventType>(type: T) {
  return z.object({ ...envelope, type: z.literal(type), data: DATA[type] }).meta({ id: componentName(type) });
}
// Distributed over a union of types, so the inferred event is a union narrowed by `type`, as on the wire.
type EventSchema<T extends EventType> = T extends EventType ? ReturnType<typeof eventSchema<T>> : never;
const SCHEMAS = Object.fromEntries(EVENT_TYPES.map((t) => [t, eventSchema(t)])) as {
  [T in EventType]: EventSchema<T>;
};

/** OpenAPI's discriminator: which named schema each `type` selects, for client generators. */
function discriminated<T extends EventType>(types: T[], id: string, description: string) {
  const options = types.map((t) => SCHEMAS[t]) as unknown as [EventSchema<T>, ...EventSchema<T>[]];
  const mapping = Object.fromEntries(types.map((t) => [t, `#/components/schemas/${componentName(t)}`]));
  return z
    .discriminatedUnion('type', options)
    .meta({ id, description, discriminator: { propertyName: 'type', mapping } });
}

// A change's history holds its own events and the gate's decisions about it.
const CHANGE_EVENT_TYPES = EVENT_TYPES.filter(
  (t) => t.startsWith('change.') || t.startsWith('gate.'),
) as Extract<EventType, `change.${string}` | `gate.${string}`>[];
export const ChangeEvent = discriminated(
  CHANGE_EVENT_TYPES,
  'ChangeEvent',
  'An event in the history of a change',
);
export const LedgerEvent = discriminated(
  EVENT_TYPES,
  'LedgerEvent',
  'An entry of the ledger: the event, who recorded it and when; its RFC 8785 JSON is what the tree hashes',
);
export const ChangeEvents = z.object({ items: z.array(ChangeEvent) });
export type ChangeEventView = z.infer<typeof ChangeEvent>;
export type LedgerEventView = z.infer<typeof LedgerEvent>;
