// API validation errors next to the fields they concern: the API names each in `details[].path`
// (`body.password`, `body.roles.0`); what names no field is shown once, in an alert above the buttons.
import type { ReactNode } from 'react';
import { ApiError } from '../../../src/client/errors.ts';
import { problem } from '../api.ts';

export type FieldErrors = Record<string, string>;

interface Detail {
  path?: string;
  message: string;
}

const details = (err: unknown): Detail[] =>
  err instanceof ApiError
    ? ((err.body as { error?: { details?: Detail[] } } | null)?.error?.details ?? [])
    : [];
const fieldOf = (d: Detail) => d.path?.replace(/^body\./, '').split('.')[0];

/** The error of each body field named by the API, keyed by the field's top-level name. */
export function fieldErrors(err: unknown, fields: readonly string[]): FieldErrors {
  const out: FieldErrors = {};
  for (const d of details(err)) {
    const name = fieldOf(d);
    if (name && fields.includes(name)) out[name] = out[name] ? `${out[name]}; ${d.message}` : d.message;
  }
  return out;
}

/** The failure's message, unless each of its details is already shown next to one of `fields`. */
export function generalError(err: unknown, fields: readonly string[]): string | null {
  if (!err) return null;
  const all = details(err);
  const placed = all.length > 0 && all.every((d) => fields.includes(fieldOf(d) ?? ''));
  return placed ? null : problem(err);
}

/** A labelled field with its hint and the API's error for it, wired for screen readers. */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (aria: { 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
}) {
  const describedBy = [props.hint && `${props.id}-hint`, props.error && `${props.id}-err`]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint && (
        <p id={`${props.id}-hint`} className="hint">
          {props.hint}
        </p>
      )}
      {props.children({
        ...(props.error ? { 'aria-invalid': true as const } : {}),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      })}
      {props.error && (
        <p id={`${props.id}-err`} className="field-error">
          {props.error}
        </p>
      )}
    </div>
  );
}
