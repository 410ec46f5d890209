// Creating a user (admins): the API's rules decide (a password of at least 12 characters for people, none
// for bots, at least one role), and its errors appear next to the fields they concern.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ROLES } from '../../../src/contracts/vocabulary.ts';
import { api } from '../api.ts';
import { field } from '../form.ts';
import { Field, fieldErrors, generalError } from './fields.tsx';
import { listOf } from './groups.ts';

const FIELDS = ['username', 'displayName', 'email', 'kind', 'roles', 'groups', 'password'] as const;

export function NewUserForm() {
  const queries = useQueryClient();
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (form: FormData) => {
      const kind = field(form, 'kind') === 'bot' ? 'bot' : 'human';
      const password = field(form, 'password');
      const displayName = field(form, 'displayName').trim();
      const email = field(form, 'email').trim();
      return api.users.create({
        username: field(form, 'username').trim(),
        ...(displayName ? { displayName } : {}),
        email: email || null,
        kind,
        roles: form.getAll('roles').map(String) as (typeof ROLES)[number][],
        groups: listOf(field(form, 'groups')),
        ...(password ? { password } : {}),
      });
    },
    onSuccess: async (user, _form) => {
      setCreated(user.username);
      await queries.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const errors = fieldErrors(create.error, FIELDS);
  const general = generalError(create.error, FIELDS);
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCreated(null);
    const form = e.currentTarget;
    create.mutate(new FormData(form), { onSuccess: () => form.reset() });
  }
  return (
    <section aria-labelledby="new-user-h" className="admin-form">
      <h2 id="new-user-h">Create a user</h2>
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field id="nu-username" label="Username" error={errors.username}>
            {(aria) => <input id="nu-username" name="username" autoComplete="off" {...aria} />}
          </Field>
          <Field id="nu-displayName" label="Display name (optional)" error={errors.displayName}>
            {(aria) => <input id="nu-displayName" name="displayName" autoComplete="off" {...aria} />}
          </Field>
          <Field id="nu-email" label="Email (optional)" error={errors.email}>
            {(aria) => <input id="nu-email" name="email" type="email" autoComplete="off" {...aria} />}
          </Field>
          <Field id="nu-kind" label="Kind" error={errors.kind}>
            {(aria) => (
              <select id="nu-kind" name="kind" defaultValue="human" {...aria}>
                <option value="human">person</option>
                <option value="bot">bot (API tokens only, approves nothing)</option>
              </select>
            )}
          </Field>
          <Field
            id="nu-groups"
            label="Groups"
            hint="Comma-separated, e.g. security, technical"
            error={errors.groups}
          >
            {(aria) => <input id="nu-groups" name="groups" autoComplete="off" {...aria} />}
          </Field>
          <Field
            id="nu-password"
            label="Initial password"
            hint="At least 12 characters; leave empty for a bot. The user changes it after signing in."
            error={errors.password}
          >
            {(aria) => (
              <input id="nu-password" name="password" type="password" autoComplete="new-password" {...aria} />
            )}
          </Field>
        </div>
        <RoleBoxes idPrefix="nu" error={errors.roles} />
        {general && (
          <p className="error" role="alert">
            {general}
          </p>
        )}
        {created && (
          <p className="ok" role="status">
            Created {created}.
          </p>
        )}
        <div className="buttons">
          <button type="submit" disabled={create.isPending}>
            Create user
          </button>
        </div>
      </form>
    </section>
  );
}

/** The roles as checkboxes in a fieldset, with the API's error for them. */
export function RoleBoxes(props: {
  idPrefix: string;
  error?: string | undefined;
  checked?: readonly string[];
}) {
  const errId = `${props.idPrefix}-roles-err`;
  return (
    <fieldset className="checks" {...(props.error ? { 'aria-describedby': errId } : {})}>
      <legend>Roles</legend>
      {ROLES.map((r) => (
        <label key={r} className="check">
          <input
            type="checkbox"
            name="roles"
            value={r}
            defaultChecked={props.checked?.includes(r) ?? false}
          />{' '}
          {r}
        </label>
      ))}
      {props.error && (
        <p id={errId} className="field-error">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
