// One labelled input of the raise form: marked required (in words and with aria-required) when the policy
// asks for it at the draft's rating, and showing the API's error for it beside it (aria-describedby).
import type { ReactNode } from 'react';
import type { FieldKey } from './fields.ts';
import { LABELS } from './fields.ts';

export const inputId = (key: FieldKey) => `r-${key}`;
const errorId = (key: FieldKey) => `r-${key}-error`;

/** The ARIA state of an input: required, invalid, described by its error. */
export function ariaOf(key: FieldKey, required: boolean, error: string | undefined) {
  return {
    id: inputId(key),
    'aria-required': required || undefined,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId(key) : undefined,
  };
}

export function RequiredMark({ required }: { required: boolean }) {
  return required ? <span className="required"> (required)</span> : null;
}

export function FieldError({ field, error }: { field: FieldKey; error: string | undefined }) {
  return error ? (
    <p id={errorId(field)} className="field-error">
      {error}
    </p>
  ) : null;
}

interface TextProps {
  field: FieldKey;
  value: string;
  onChange: (value: string) => void;
  required: boolean;
  error: string | undefined;
  multiline?: boolean;
  type?: 'text' | 'number' | 'datetime-local';
  children?: ReactNode;
}

export function TextField({ field, value, onChange, required, error, multiline, type, children }: TextProps) {
  const aria = ariaOf(field, required, error);
  return (
    <div className="field">
      <label htmlFor={aria.id}>
        {LABELS[field]}
        <RequiredMark required={required} />
      </label>
      {children}
      {multiline ? (
        <textarea {...aria} rows={3} value={value} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...aria}
          type={type ?? 'text'}
          min={type === 'number' ? 0 : undefined}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      <FieldError field={field} error={error} />
    </div>
  );
}
