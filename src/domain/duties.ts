// Segregation of duties: who is too close to a change to decide on it.
import type { Actor } from './actor.ts';
import { authorsOf, type Change } from './change.ts';
import type { Refusal } from './events.ts';

/**
 * Segregation of duties: the people who asked for, wrote any revision of, will carry out, or wrote the
 * code of a change never decide on it. Admin is no exception. Returns every reason that applies.
 */
export function dutiesConflicts(
  change: Change,
  actor: Pick<Actor, 'id' | 'email'> & Partial<Actor>,
): Refusal[] {
  const out: Refusal[] = [];
  const who = actor.id;
  if (change.requester === who)
    out.push({ code: 'sod_requester', message: `${who} requested ${change.id} and cannot decide on it` });
  if (change.lastEditor === who)
    out.push({ code: 'sod_last_editor', message: `${who} last edited ${change.id} and cannot decide on it` });
  else if (change.requester !== who && authorsOf(change).includes(who))
    out.push({
      code: 'sod_author',
      message: `${who} edited an earlier revision of ${change.id} and cannot decide on it`,
    });
  if (change.implementer === who || change.implementedBy === who)
    out.push({ code: 'sod_implementer', message: `${who} implements ${change.id} and cannot decide on it` });
  const ids = new Set([who.toLowerCase(), ...(actor.email ? [actor.email.toLowerCase()] : [])]);
  const authored = change.links.filter(
    (l) => (l.kind === 'commit' || l.kind === 'pull_request') && l.author && ids.has(l.author.toLowerCase()),
  );
  if (authored.length > 0)
    out.push({
      code: 'sod_commit_author',
      message: `${who} authored linked ${authored.map((l) => l.ref).join(', ')} and cannot decide on ${change.id}`,
    });
  return out;
}
