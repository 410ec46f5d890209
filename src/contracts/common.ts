import { z } from 'zod';

/** ISO 8601 instant with an explicit offset; normalised to UTC with milliseconds. */
export const Instant = z
  .string()
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
      !Number.isNaN(Date.parse(s)),
    {
      message: 'expected an ISO 8601 date-time with a time zone, e.g. 2026-12-01T22:00:00Z',
    },
  )
  .transform((s) => new Date(s).toISOString());

export const Name = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'use lower-case letters, digits, dot, dash or underscore, starting with a letter or digit',
  );

export const ChangeIdParam = z.object({
  id: z.string().regex(/^CHG-[1-9][0-9]*$/, 'a change id looks like CHG-42'),
});
