// Calendar use-cases: the conflicts of a window being scheduled (asked by the schedule command, in its
// transaction), the calendar of a range with live conflicts, the next free slot, and personal iCalendar
// feeds with their own revocable token.
import type { CalendarView } from '../../contracts/calendar.ts';
import { AppError } from '../../contracts/errors.ts';
import type { Actor } from '../../domain/actor.ts';
import { occurrencesBetween, type Scope } from '../../domain/calendar.ts';
import type { Window } from '../../domain/change.ts';
import { findConflicts, nextFreeSlot, type Booking, type Conflict } from '../../domain/conflicts.ts';
import { serviceGraph, type Service } from '../../domain/service.ts';
import type { Policy } from '../../policy/types.ts';
import type { Commands } from '../commands/command-runner.ts';
import type { RecordEvents } from '../commands/record.ts';
import { newSecret, secretHash } from '../identity/secrets.ts';
import type { PolicyService } from '../policy/policy.service.ts';
import { SHOWN, type CalendarReadModel } from './calendar.read-model.ts';
import type { CalendarRepository } from './calendar.repository.ts';
import { toICalendar } from './ics.ts';

export const FEED_PREFIX = 'cpf_';
const DAY = 86_400_000;
/** What a subscribed feed covers: a month back, six ahead. */
const FEED_PAST_DAYS = 31;
const FEED_AHEAD_DAYS = 183;
const SLOT_HORIZON_DAYS = 90;

export interface CalendarCollaborators {
  commands: Commands;
  record: RecordEvents;
  policies: Pick<PolicyService, 'active'>;
  catalogue: { list(): Promise<Service[]> };
  read: CalendarReadModel;
  repo: CalendarRepository;
  now: () => Date;
}

type Subject = Pick<Booking, 'id' | 'services' | 'implementer'>;

const iso = (ms: number) => new Date(ms).toISOString();

/** The catalogue as conflict detection reads it: dependencies for the graph, environments for freezes. */
class Catalogue {
  private readonly byName: Map<string, Service>;
  private readonly services: Service[];
  constructor(services: Service[]) {
    this.services = services;
    this.byName = new Map(services.map((s) => [s.name, s]));
  }
  scopes(names: string[]): Scope[] {
    return names.map((n) => ({ service: n, environment: this.byName.get(n)?.environment ?? '' }));
  }
  related(names: string[]): { upstream: string[]; downstream: string[] } {
    const g = serviceGraph(names, this.services);
    return { upstream: g.upstream.map((s) => s.name), downstream: g.downstream.map((s) => s.name) };
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
}

export class CalendarService {
  private readonly c: CalendarCollaborators;
  constructor(c: CalendarCollaborators) {
    this.c = c;
  }

  private conflictsOf(subject: Subject, window: Window, bookings: Booking[], cat: Catalogue, policy: Policy) {
    return findConflicts({
      change: subject,
      window,
      bookings,
      related: cat.related(subject.services),
      scopes: cat.scopes(subject.services),
      policy,
    });
  }

  /** The first window of `minutes` from `after` clear of every booking that would conflict with the subject. */
  private async slotFor(subject: Subject, after: string, minutes: number, cat: Catalogue, policy: Policy) {
    const until = iso(Date.parse(after) + SLOT_HORIZON_DAYS * DAY + minutes * 60_000);
    const bookings = await this.c.read.bookings(after, until);
    const busy = bookings
      .filter((b) => this.conflictsOf(subject, b.window, [b], cat, policy).some((x) => x.kind !== 'freeze'))
      .map((b) => b.window);
    return nextFreeSlot({
      after,
      lengthMinutes: minutes,
      busy,
      scopes: cat.scopes(subject.services),
      policy,
      horizonDays: SLOT_HORIZON_DAYS,
    });
  }

  /**
   * The conflicts of scheduling `subject` into `window`, and when one of them is hard, the next free slot
   * of the same length from the window's start (or now, if later). Called inside the schedule command.
   */
  async scheduleCheck(
    subject: Subject,
    window: Window,
    policy: Policy,
    now: string,
  ): Promise<{ conflicts: Conflict[]; freeSlot: Window | null }> {
    const cat = new Catalogue(await this.c.catalogue.list());
    const bookings = await this.c.read.bookings(window.start, window.end);
    const conflicts = this.conflictsOf(subject, window, bookings, cat, policy);
    if (!conflicts.some((x) => x.severity === 'hard')) return { conflicts, freeSlot: null };
    const minutes = Math.ceil((Date.parse(window.end) - Date.parse(window.start)) / 60_000);
    const after = window.start > now ? window.start : now;
    return { conflicts, freeSlot: await this.slotFor(subject, after, minutes, cat, policy) };
  }

  /** Changes holding windows in [from, to) with their conflicts as they stand, and window occurrences. */
  async calendar(from: string, to: string): Promise<CalendarView> {
    const { policy } = await this.c.policies.active();
    const cat = new Catalogue(await this.c.catalogue.list());
    const reach = policy.windows.maxLengthMinutes * 60_000;
    // Bookings reaching into the range conflict with ones that may start or end outside it.
    const around = await this.c.read.bookings(iso(Date.parse(from) - reach), iso(Date.parse(to) + reach));
    const holding = new Set(around.map((b) => b.id));
    // Changes carried out in the range are shown too; only those still holding a window can conflict.
    const changes = (await this.c.read.bookings(from, to, SHOWN)).map((b) => ({
      ...b,
      conflicts: holding.has(b.id) ? this.conflictsOf(b, b.window, around, cat, policy) : [],
    }));
    const occurrences = occurrencesBetween(policy, from, to).map((o) => ({
      window: o.window.id,
      kind: o.window.kind,
      title: o.window.title,
      enforcement: o.window.enforcement,
      approvalGroup: o.window.approvalGroup,
      services: o.window.services,
      environments: o.window.environments,
      timeZone: o.window.timeZone,
      start: o.start,
      end: o.end,
    }));
    return { from, to, changes, occurrences };
  }

  async freeSlot(service: string, lengthMinutes: number, after: string | undefined) {
    const { policy } = await this.c.policies.active();
    const cat = new Catalogue(await this.c.catalogue.list());
    if (!cat.has(service))
      throw new AppError('validation_failed', `unknown service ${service}; register it or check the name`);
    const max = policy.windows.maxLengthMinutes;
    if (lengthMinutes <= 0 || lengthMinutes > max)
      throw new AppError(
        'validation_failed',
        `length must be between 1 minute and ${max} minutes, the longest window the policy allows (windows.maxLength)`,
      );
    const now = this.c.now().toISOString();
    const start = after && after > now ? after : now;
    const subject = { id: '', services: [service], implementer: null };
    const slot = await this.slotFor(subject, start, lengthMinutes, cat, policy);
    return { service, lengthMinutes, after: start, slot };
  }

  /** A new feed token for the actor; any earlier one stops working. The secret is returned once. */
  async createFeedToken(actor: Actor): Promise<{ token: string; url: string; createdAt: string }> {
    return this.c.commands.execute(actor, async ({ at }) => {
      await this.revokeAll(actor, at);
      const tokenId = `feed_${newSecret('').slice(0, 16)}`;
      const token = newSecret(FEED_PREFIX);
      await this.c.repo.setFeedSecret(tokenId, secretHash(token), at);
      await this.c.record(actor, at, [
        {
          subject: `user:${actor.id}`,
          event: { type: 'calendar.feed_token_created', data: { tokenId, owner: actor.id } },
        },
      ]);
      return { token, url: `/api/v1/calendar.ics?token=${token}`, createdAt: at };
    });
  }

  /** Revokes the actor's feed token; 404 when there is none. */
  async revokeFeedToken(actor: Actor): Promise<{ revoked: number }> {
    return this.c.commands.execute(actor, async ({ at }) => {
      const revoked = await this.revokeAll(actor, at);
      if (revoked === 0) throw new AppError('not_found', `${actor.id} has no calendar feed token`);
      return { revoked };
    });
  }

  private async revokeAll(actor: Actor, at: string): Promise<number> {
    const live = await this.c.read.liveFeeds(actor.id);
    for (const tokenId of live) await this.c.repo.dropFeedSecret(tokenId);
    if (live.length > 0)
      await this.c.record(
        actor,
        at,
        live.map((tokenId) => ({
          subject: `user:${actor.id}`,
          event: { type: 'calendar.feed_token_revoked', data: { tokenId, owner: actor.id } },
        })),
      );
    return live.length;
  }

  /** The iCalendar feed for the owner of `token`; 401 for a token unknown, revoked or of a disabled user. */
  async feed(token: string): Promise<string> {
    const owner = token.startsWith(FEED_PREFIX) ? await this.c.read.feedOwner(secretHash(token)) : null;
    if (owner === null)
      throw new AppError(
        'unauthenticated',
        'this calendar feed token is unknown or was revoked; create a new one with POST /api/v1/calendar/feed-token',
      );
    const now = this.c.now();
    const from = iso(now.getTime() - FEED_PAST_DAYS * DAY);
    const to = iso(now.getTime() + FEED_AHEAD_DAYS * DAY);
    return toICalendar(await this.calendar(from, to), now.toISOString());
  }
}
