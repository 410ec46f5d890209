// Error codes shared by the server, the CLI and the web app. Domain and use-case code throws AppError with a
// code; the HTTP layer maps codes to status codes in one place (server/errors.ts).
import { z } from 'zod';

export const ERROR_CODES = [
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'csrf_failed',
  'not_found',
  'conflict',
  'invalid_transition',
  'refused',
  'idempotency_mismatch',
  'payload_too_large',
  'uri_too_long',
  'headers_too_large',
  'policy_invalid',
  'rate_limited',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail {
  code?: string;
  path?: string;
  message: string;
  line?: number;
  column?: number;
  /** A window offered instead (the next free slot of a refused schedule). */
  slot?: { start: string; end: string };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe('Machine-readable code, e.g. validation_failed, forbidden, invalid_transition'),
      message: z.string().describe('What went wrong and what to do about it'),
      details: z.array(
        z.object({
          code: z.string().optional(),
          path: z.string().optional(),
          message: z.string(),
          line: z.number().int().optional(),
          column: z.number().int().optional(),
          slot: z
            .object({ start: z.string(), end: z.string() })
            .optional()
            .describe('The window offered instead, on a next_free_slot refusal'),
        }),
      ),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;
