// Maps every failure to `{ error: { code, message, details } }` with the right status, in one place.
// Unknown errors become a 500 that names no internals; everything a client can fix gets a 4xx saying how.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type ErrorBody, type ErrorCode } from '../contracts/errors.ts';
import type { Refusal } from '../domain/events.ts';

export const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  policy_invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  refused: 422,
  idempotency_mismatch: 422,
  payload_too_large: 413,
  uri_too_long: 414,
  headers_too_large: 431,
  rate_limited: 429,
  internal: 500,
};

const FORBIDDEN_REFUSALS = new Set([
  'forbidden',
  'bot_cannot_approve',
  'token_cannot_approve',
  'not_an_approver',
  'not_in_group',
  'not_the_implementer',
  'not_a_reviewer',
]);

/** A domain refusal as an HTTP error: segregation-of-duties and permission refusals are 403s. */
export function refusalError(refusals: Refusal[]): { status: number; body: ErrorBody } {
  const first = refusals[0] ?? { code: 'refused', message: 'refused' };
  const forbidden = refusals.some((r) => r.code.startsWith('sod_') || FORBIDDEN_REFUSALS.has(r.code));
  const transition = refusals.every((r) => r.code === 'invalid_transition');
  const code: ErrorCode = forbidden ? 'forbidden' : transition ? 'invalid_transition' : 'refused';
  return {
    status: STATUS[code],
    body: {
      error: {
        code: first.code,
        message: refusals.map((r) => r.message).join('; '),
        details: refusals.map((r) => ({ code: r.code, message: r.message, ...(r.slot && { slot: r.slot }) })),
      },
    },
  };
}

export function errorBody(
  code: string,
  message: string,
  details: ErrorBody['error']['details'] = [],
): ErrorBody {
  return { error: { code, message, details } };
}

/**
 * Errors Fastify meets while routing, before any handler or hook (Fastify's `frameworkErrors` option): a
 * path parameter longer than the router reads, or percent-encoding that is not UTF-8.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH')
    void reply
      .code(STATUS.uri_too_long)
      .send(errorBody('uri_too_long', 'the path is too long: a path segment has at most 100 characters'));
  else if (err.code === 'FST_ERR_BAD_URL')
    void reply
      .code(400)
      .send(
        errorBody(
          'validation_failed',
          'the path is not valid: percent-encoded bytes must be UTF-8 (e.g. %C3%A9 for é)',
        ),
      );
  else {
    reply.log.error({ err }, 'routing error');
    void reply
      .code(500)
      .send(errorBody('internal', 'an internal error occurred; the server log has the details'));
  }
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (Fastify's `clientErrorHandler` option): a
 * request line or headers over the size limit, malformed HTTP, a request that timed out. Answered on the
 * raw socket, in the same error body as everything else.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          STATUS.headers_too_large,
          errorBody(
            'headers_too_large',
            'the request line or headers are too long: shorten the URL (send long input in a body) or the headers',
          ),
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, errorBody('validation_failed', 'the request took too long to arrive; send it again')]
        : [400, errorBody('validation_failed', 'the request is not valid HTTP/1.1')];
  const text = JSON.stringify(body);
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${text}`,
    );
  socket.destroy(err);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send(
        errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}; see /api/v1/openapi.json`),
      );
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { status, body } = errorResponse(err, req);
    return reply.code(status).send(body);
  });
}

/**
 * Any failure as a status and our error body, logging what a client cannot fix. The app's error handler
 * sends it as is; a connector whose protocol dictates another form reshapes it (connectors/connector.ts).
 */
export function errorResponse(err: FastifyError, req: FastifyRequest): { status: number; body: ErrorBody } {
  const answer = (
    status: number,
    code: string,
    message: string,
    details: ErrorBody['error']['details'] = [],
  ) => ({
    status,
    body: errorBody(code, message, details),
  });
  if (err instanceof AppError) return answer(STATUS[err.code], err.code, err.message, err.details);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'request';
    const details = err.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      // The zod type provider puts the issue code in `keyword` and the rest of the issue in `params`.
      const keys = (v.params as { keys?: string[] }).keys;
      const message =
        v.keyword === 'unrecognized_keys' && keys
          ? `unknown field(s) ${keys.join(', ')}; remove them`
          : (v.message ?? 'invalid');
      return { path: path ? `${where}.${path}` : where, message };
    });
    const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
    return answer(400, 'validation_failed', `the ${where} is invalid: ${summary}`, details);
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return answer(
      413,
      'payload_too_large',
      'the request body is too large; the limit is set by CHANGEPROOF_BODY_LIMIT',
    );
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return answer(415, 'validation_failed', 'send the body as application/json');
  if (
    err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    err instanceof SyntaxError
  )
    return answer(400, 'validation_failed', `the body is not valid JSON: ${err.message}`);
  if (isResponseSerializationError(err))
    req.log.error({ err, issues: err.cause.issues }, 'response did not match its contract');
  else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return answer(err.statusCode, 'validation_failed', err.message);
  else req.log.error({ err }, 'unhandled error');
  return answer(500, 'internal', 'an internal error occurred; the server log has the details');
}
