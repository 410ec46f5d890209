// Thin routes for the calendar: the range view, the next free slot, and the personal iCalendar feed with
// its own token (a capability for the feed alone, checked by the use-case: the route itself is public).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CalendarQuery,
  CalendarView,
  FeedQuery,
  FeedTokenView,
  FreeSlotQuery,
  FreeSlotView,
} from '../../contracts/calendar.ts';
import { ErrorBody } from '../../contracts/errors.ts';
import type { Container } from '../../container.ts';
import { parseDuration } from '../../policy/schema.ts';
import { mutate } from '../idempotency.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const tags = ['calendar'];

export function calendarRoutes(app: FastifyInstance, c: Container): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/calendar',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getCalendar',
        tags,
        summary:
          'Changes holding windows in a range, with their conflicts as they stand, and the maintenance and freeze occurrences (at most 366 days)',
        querystring: CalendarQuery,
        response: { 200: CalendarView, ...errors },
      },
    },
    async (req) => c.calendar.calendar(req.query.from, req.query.to),
  );

  r.get(
    '/calendar/free-slot',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'getFreeSlot',
        tags,
        summary:
          'The next window of the given length on a service with no conflict: clear of related changes and freezes, inside a maintenance window where one applies',
        querystring: FreeSlotQuery,
        response: { 200: FreeSlotView, ...errors },
      },
    },
    async (req) =>
      c.calendar.freeSlot(req.query.service, parseDuration(req.query.length) ?? 0, req.query.after),
  );

  r.post(
    '/calendar/feed-token',
    {
      config: { access: 'changes:read', secret: ['token', 'url'] },
      schema: {
        operationId: 'createCalendarFeedToken',
        tags,
        summary:
          'Create your personal iCalendar feed token (any earlier one stops working); the token is shown once',
        body: z.preprocess((v) => v ?? {}, z.strictObject({})),
        response: { 201: FeedTokenView, ...errors },
      },
    },
    async (req, reply) =>
      mutate(c.commands, req, reply, async ({ actor }) => ({
        status: 201,
        body: await c.calendar.createFeedToken(actor),
      })),
  );

  r.delete(
    '/calendar/feed-token',
    {
      config: { access: 'changes:read' },
      schema: {
        operationId: 'revokeCalendarFeedToken',
        tags,
        summary: 'Revoke your iCalendar feed token: subscribed apps get 401 from then on',
        response: { 200: z.object({ revoked: z.number() }), 404: ErrorBody, ...errors },
      },
    },
    async (req, reply) =>
      mutate(c.commands, req, reply, async ({ actor }) => ({
        status: 200,
        body: await c.calendar.revokeFeedToken(actor),
      })),
  );

  r.get(
    '/calendar.ics',
    {
      // Calendar apps cannot send a bearer header: the feed token in the query is the credential, for this
      // feed only, checked by the use-case (401 when unknown or revoked).
      config: { access: 'public' },
      schema: {
        operationId: 'getCalendarFeed',
        tags,
        summary:
          'Your calendar as a read-only RFC 5545 iCalendar feed (text/calendar) for calendar apps to subscribe to',
        security: [],
        querystring: FeedQuery,
        produces: ['text/calendar'],
        response: {
          200: z.string().describe('The iCalendar document (RFC 5545), sent as is'),
          400: ErrorBody,
          401: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const body = await c.calendar.feed(req.query.token);
      return reply
        .header('cache-control', 'private, no-store')
        .type('text/calendar; charset=utf-8')
        .send(body);
    },
  );
}
