// The world as the ledger says it is: users, services, the active policy and every change, folded from the
// signed canonical entries (never from the projection tables), so the invariants judge the server by its
// own record. The fold is deliberately naive — a shallow merge per event — and independent of the projections.
import type { ChangeContent } from '../../src/domain/change.ts';
import type { Service } from '../../src/domain/service.ts';
import { parsePolicy } from '../../src/policy/load.ts';
import type { Policy } from '../../src/policy/types.ts';

export interface Entry {
  seq: number;
  type: string;
  subject: string;
  at: string;
  actor: { id: string; kind: string };
  data: Record<string, unknown>;
}

export interface UserFold {
  username: string;
  kind: 'human' | 'bot';
  roles: string[];
  groups: string[];
  active: boolean;
  email: string | null;
  /** Ledger positions at which the account was disabled, and at which its password was set. */
  disabledAt: number[];
  passwordSetAt: number[];
}

export interface ApprovalFold {
  approver: string;
  group: string;
  revisionHash: string;
  /** Who the ledger says acted; an approval counts only if that is the approver. */
  actor: string;
  seq: number;
}

export interface ChangeFold {
  id: string;
  type: string;
  template: string | null;
  requester: string;
  /** Everyone who wrote content: the requester and every editor. */
  authors: Set<string>;
  content: ChangeContent;
  approvals: ApprovalFold[];
  /** Ledger positions of `change.approved` (quorum reached). */
  approvedAt: number[];
  schedules: { seq: number; window: { start: string; end: string } }[];
  window: { start: string; end: string } | null;
  startedBy: string | null;
  recordCompleted: boolean;
  lastType: string;
}

export interface PolicyFold {
  version: number;
  source: string;
  policy: Policy;
}

export class World {
  readonly users = new Map<string, UserFold>();
  readonly services = new Map<string, Service>();
  readonly changes = new Map<string, ChangeFold>();
  policy: PolicyFold | null = null;
  size = 0;

  apply(e: Entry): void {
    this.size = e.seq + 1;
    const d = e.data;
    const name = e.subject.replace(/^(user|service):/, '');
    switch (e.type) {
      case 'user.created':
        this.users.set(name, {
          username: name,
          kind: d.kind as 'human' | 'bot',
          roles: [...(d.roles as string[])],
          groups: [...(d.groups as string[])],
          active: d.active as boolean,
          email: (d.email as string | null) ?? null,
          disabledAt: [],
          passwordSetAt: [],
        });
        return;
      case 'user.updated': {
        const u = this.users.get(name);
        if (!u) return;
        const f = d.fields as Partial<UserFold>;
        if (f.roles) u.roles = [...f.roles];
        if (f.groups) u.groups = [...f.groups];
        if (f.email !== undefined) u.email = f.email;
        if (f.active !== undefined) {
          if (u.active && !f.active) u.disabledAt.push(e.seq);
          u.active = f.active;
        }
        return;
      }
      case 'user.password_set':
        this.users.get(name)?.passwordSetAt.push(e.seq);
        return;
      case 'service.registered':
        this.services.set(name, {
          name,
          ...(d.attributes as Omit<Service, 'name'>),
          createdAt: e.at,
          updatedAt: e.at,
        });
        return;
      case 'service.updated': {
        const s = this.services.get(name);
        if (s) this.services.set(name, { ...s, ...(d.fields as Partial<Service>), updatedAt: e.at });
        return;
      }
      case 'policy.activated': {
        const parsed = parsePolicy(d.source as string);
        if (!parsed.ok) throw new Error(`the ledger activated an invalid policy at ${e.seq}`);
        this.policy = { version: d.version as number, source: d.source as string, policy: parsed.policy };
        return;
      }
    }
    if (e.type.startsWith('change.')) this.applyChange(e);
  }

  private applyChange(e: Entry): void {
    const d = e.data;
    if (e.type === 'change.created') {
      this.changes.set(e.subject, {
        id: e.subject,
        type: d.changeType as string,
        template: (d.template as string | null) ?? null,
        requester: e.actor.id,
        authors: new Set([e.actor.id]),
        content: { ...(d.content as ChangeContent) },
        approvals: [],
        approvedAt: [],
        schedules: [],
        window: (d.window as ChangeFold['window']) ?? null,
        startedBy: null,
        recordCompleted: false,
        lastType: e.type,
      });
      return;
    }
    const c = this.changes.get(e.subject);
    if (!c) return;
    if (e.type !== 'change.command_refused') c.lastType = e.type;
    switch (e.type) {
      case 'change.edited':
        c.content = { ...c.content, ...(d.fields as Partial<ChangeContent>) };
        c.authors.add(e.actor.id);
        return;
      case 'change.approval_granted':
        c.approvals.push({
          approver: d.approver as string,
          group: d.group as string,
          revisionHash: d.revisionHash as string,
          actor: e.actor.id,
          seq: e.seq,
        });
        return;
      case 'change.approved':
        c.approvedAt.push(e.seq);
        return;
      case 'change.scheduled':
        c.window = d.window as ChangeFold['window'];
        c.schedules.push({ seq: e.seq, window: c.window! });
        return;
      case 'change.started':
        c.startedBy = (d.implementer as string | undefined) ?? e.actor.id;
        return;
      case 'change.record_completed':
        c.recordCompleted = true;
        return;
    }
  }
}
