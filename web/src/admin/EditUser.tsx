// Changing a user's display name, roles and groups (admins). Group membership lives on the user, so adding
// someone to a group is this same update.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, type FormEvent } from 'react';
import type { UserView } from '../../../src/client/api-client.ts';
import type { ROLES } from '../../../src/contracts/vocabulary.ts';
import { api } from '../api.ts';
import { field } from '../form.ts';
import { Field, fieldErrors, generalError } from './fields.tsx';
import { listOf } from './groups.ts';
import { RoleBoxes } from './NewUserForm.tsx';

const FIELDS = ['displayName', 'roles', 'groups'] as const;

export function EditUser({ user, onDone }: { user: UserView; onDone: () => void }) {
  const queries = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const save = useMutation({
    mutationFn: (form: FormData) =>
      api.users.update(user.username, {
        displayName: field(form, 'displayName').trim(),
        roles: form.getAll('roles').map(String) as (typeof ROLES)[number][],
        groups: listOf(field(form, 'groups')),
      }),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['users'] });
      onDone();
    },
  });
  const errors = fieldErrors(save.error, FIELDS);
  const general = generalError(save.error, FIELDS);
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    save.mutate(new FormData(e.currentTarget));
  }
  const id = `edit-${user.username}`;
  return (
    <section aria-labelledby={`${id}-h`} className="admin-form">
      <h2 id={`${id}-h`} ref={heading} tabIndex={-1}>
        Edit {user.username}
      </h2>
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field id={`${id}-displayName`} label="Display name" error={errors.displayName}>
            {(aria) => (
              <input id={`${id}-displayName`} name="displayName" defaultValue={user.displayName} {...aria} />
            )}
          </Field>
          <Field id={`${id}-groups`} label="Groups" hint="Comma-separated" error={errors.groups}>
            {(aria) => (
              <input id={`${id}-groups`} name="groups" defaultValue={user.groups.join(', ')} {...aria} />
            )}
          </Field>
        </div>
        <RoleBoxes idPrefix={id} error={errors.roles} checked={user.roles} />
        {general && (
          <p className="error" role="alert">
            {general}
          </p>
        )}
        <div className="buttons">
          <button type="submit" disabled={save.isPending}>
            Save {user.username}
          </button>
          <button type="button" className="secondary" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
