// The one error the API client throws: the API's error body and status, or a failure to get an answer at all.
// Callers map it to what they show (the CLI to an exit code, the web app to a message).
import type { ErrorBody } from '../contracts/errors.ts';

export class ApiError extends Error {
  /** The HTTP status; 0 when no answer came (no connection, timeout) or the request was never sent. */
  readonly status: number;
  /** The API's error code (`not_found`, `sod_author`…), or the client's own: `connection_failed`, `invalid_url`, `unauthenticated`. */
  readonly code: string;
  /** The error body as the API sent it (null when it sent none); for the client's own errors, one built alike. */
  readonly body: unknown;
  constructor(message: string, status: number, code: string, body: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/** An error raised by the client itself, with a body shaped like the API's so callers print one kind. */
export function clientError(code: string, message: string, status = 0): ApiError {
  const body: ErrorBody = { error: { code, message, details: [] } };
  return new ApiError(message, status, code, body);
}
