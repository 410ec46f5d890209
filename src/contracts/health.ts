import { z } from 'zod';
import { DATABASE_ENGINES, HEALTH_STATUSES } from '../domain/vocabulary.ts';

export const SubscriberDeliveryView = z
  .object({
    name: z.string().describe('The subscriber, e.g. `log`'),
    deliveredSeq: z.number().describe('The last event seq it has (-1: none yet)'),
    behind: z.number().describe('Events recorded and not yet delivered to it'),
    attempts: z.number().describe('Failed attempts at its next event (0 when delivery works)'),
    lastError: z
      .string()
      .nullable()
      .describe('Why the last attempt failed: one line, URLs cut to their origin'),
    failingSince: z.string().nullable().describe('When its current run of failures began'),
    nextAttemptAt: z.string().describe('When it is tried again'),
    stuck: z.boolean().describe('Failing for more than 5 minutes, or more than 10,000 events behind'),
  })
  .meta({ id: 'SubscriberDelivery' });

export const HealthView = z.object({
  status: z
    .enum(HEALTH_STATUSES)
    .describe(
      '`degraded` while a subscriber is stuck; the API still serves, so the status code stays 200 (ADR 0009)',
    ),
  version: z.string(),
  database: z.enum(DATABASE_ENGINES),
  delivery: z.object({ subscribers: z.array(SubscriberDeliveryView) }),
});
