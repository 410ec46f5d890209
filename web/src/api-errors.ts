// What an API error body says beyond its message: each refusal or invalid field as a detail, and the window a
// refused schedule offers instead. Pure, so the screens and their tests read errors the same way.
import type { ErrorBody } from '../../src/contracts/errors.ts';
import { ApiError } from '../../src/client/errors.ts';

export type ErrorDetail = ErrorBody['error']['details'][number];

/** The details of an API error; none for a failure that is not the API's answer. */
export function errorDetails(err: unknown): ErrorDetail[] {
  if (!(err instanceof ApiError)) return [];
  const body = err.body as Partial<ErrorBody> | null;
  return body?.error?.details ?? [];
}

/** The window a refusal for hard conflicts offers (its `next_free_slot` detail), or null when it has none. */
export function offeredSlot(details: readonly ErrorDetail[]): { start: string; end: string } | null {
  return details.find((d) => d.code === 'next_free_slot')?.slot ?? null;
}
