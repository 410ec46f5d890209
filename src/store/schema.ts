// Table types as Kysely sees them. Timestamps are ISO 8601 text and booleans are 0/1 integers so that the
// schema, the queries and the stored bytes are identical on SQLite and PostgreSQL.

export interface LedgerEntryTable {
  seq: number;
  event_id: string;
  type: string;
  subject: string;
  actor: string;
  recorded_at: string;
  canonical: string;
  leaf_hash: string;
}

export interface OutboxTable {
  event_seq: number;
  event_id: string;
  type: string;
  subject: string;
  payload: string;
  created_at: string;
}

/** Where each named subscriber is in the outbox (migration 0009). */
export interface OutboxCursorTable {
  subscriber: string;
  /** The highest event seq delivered; -1 before the first. */
  delivered_seq: number;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  failing_since: string | null;
  lease_holder: string | null;
  lease_until: string | null;
  updated_at: string;
}

/** Who runs a once-per-cluster job, until when (migration 0009). */
export interface JobLeaseTable {
  job: string;
  holder: string;
  lease_until: string;
  updated_at: string;
}

export interface IdempotencyTable {
  actor: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
}

export interface ChangeTable {
  id: string;
  number: number;
  type: string;
  state: string;
  risk_rating: string | null;
  title: string;
  requester: string;
  implementer: string | null;
  window_start: string | null;
  window_end: string | null;
  record_due_at: string | null;
  record_completed_at: string | null;
  review_due_at: string | null;
  reviewed: number;
  /** internal | supplier | customer | automation (migration 0004). */
  origin: string;
  /** The supplier's name folded for matching (`supplierKey`), or null. */
  supplier: string | null;
  search: string;
  created_at: string;
  updated_at: string;
  doc: string;
}

/** A change's service, with copies of the change's filter columns so "service + filter" lists walk one index. */
export interface ChangeServiceTable {
  change_id: string;
  service: string;
  number: number;
  state: string;
  type: string;
  risk_rating: string | null;
  requester: string;
  origin: string;
  supplier: string | null;
}

export interface ServiceTable {
  name: string;
  environment: string;
  criticality: string;
  internet_facing: number;
  security_control: number;
  created_at: string;
  updated_at: string;
  doc: string;
}

export interface UserTable {
  username: string;
  display_name: string;
  email: string | null;
  kind: string;
  roles: string;
  groups: string;
  active: number;
  created_at: string;
  updated_at: string;
}

/** Secrets, kept out of the ledger and the projection: password hashes (Argon2id) and API token hashes. */
export interface CredentialTable {
  kind: 'password' | 'token' | 'calendar_feed';
  subject: string;
  secret_hash: string;
  updated_at: string;
  /** When an API token last authenticated a request, to the minute (migration 0016); null: never. */
  last_used_at: string | null;
}

export interface ApiTokenTable {
  id: string;
  owner: string;
  name: string;
  scopes: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface SessionTable {
  id_hash: string;
  /** Public id, for listing and revoking; the secret is found by its hash. */
  id: string;
  username: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface PolicyTable {
  version: number;
  name: string;
  sha256: string;
  source: string;
  activated_at: string;
  activated_by: string;
  change_id: string | null;
}

export interface LedgerNodeTable {
  level: number;
  idx: number;
  hash: string;
}

export interface LedgerCheckpointTable {
  id: number;
  size: number;
  root_hash: string;
  note: string;
  key_id: string;
  issued_at: string;
  reason: string;
}

export interface LedgerCosignatureTable {
  checkpoint_id: number;
  witness: string;
  key_id: string;
  signed_at: number;
  line: string;
  received_at: string;
}

export interface LedgerMetaTable {
  key: string;
  value: string;
}

/** SQLite only: the FTS5 trigram index of `changes.search` (migration 0003), keyed by change number. */
export interface ChangeSearchTable {
  rowid: number;
  search: string;
}

/** Tracked follow-ups of changes (migration 0013). */
export interface FollowUpTable {
  id: string;
  number: number;
  change_id: string;
  kind: string;
  owner: string;
  status: string;
  due_at: string;
  doc: string;
}

/** Personal calendar feed tokens (migration 0015); the secret's hash is in `credentials`. */
export interface CalendarFeedTable {
  id: string;
  owner: string;
  created_at: string;
  revoked_at: string | null;
}

/** Recorded deployment gate decisions (migration 0014); `doc` is the decision as answered. */
export interface GateDecisionTable {
  id: string;
  change_id: string;
  decision: string;
  service: string;
  environment: string;
  at: string;
  doc: string;
}

/** Deployments (migration 0014): `unauthorized` 1 when no allowing decision covers one. */
export interface DeploymentTable {
  id: string;
  number: number;
  change_id: string | null;
  decision_id: string | null;
  unauthorized: number;
  result: string | null;
  doc: string;
}

/** Which version of each projection built its tables (`projection:<name>`, see reproject.ts). */
export interface ProjectionStateTable {
  key: string;
  value: string;
}

export interface DB {
  ledger_nodes: LedgerNodeTable;
  ledger_checkpoints: LedgerCheckpointTable;
  ledger_cosignatures: LedgerCosignatureTable;
  ledger_meta: LedgerMetaTable;
  ledger_entries: LedgerEntryTable;
  outbox: OutboxTable;
  outbox_cursors: OutboxCursorTable;
  job_leases: JobLeaseTable;
  idempotency_keys: IdempotencyTable;
  changes: ChangeTable;
  change_services: ChangeServiceTable;
  services: ServiceTable;
  users: UserTable;
  credentials: CredentialTable;
  api_tokens: ApiTokenTable;
  sessions: SessionTable;
  policies: PolicyTable;
  change_search: ChangeSearchTable;
  projection_state: ProjectionStateTable;
  follow_ups: FollowUpTable;
  calendar_feeds: CalendarFeedTable;
  gate_decisions: GateDecisionTable;
  deployments: DeploymentTable;
}
