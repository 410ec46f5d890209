// Who holds a group an approval can count for. Policy groups are held by membership; a named person's
// approval (a service's business owner, the risk owner) is the group `person:<username>`, held by that user
// alone, whatever groups their account lists; `unnamed:…` stands for a person the record does not name yet
// and is held by nobody, so such a requirement fails closed until the catalogue or the change names them.
// Group names never contain ':' (see `Name`), so neither form can be granted by membership.

const PERSON = 'person:';

export const personGroup = (username: string): string => `${PERSON}${username}`;

/** The group of a person the policy asks for whom the record does not name: nobody holds it. */
export const unnamedGroup = (who: string, of: string): string => `unnamed:${who}:${of}`;

export function holdsGroup(who: { id: string; groups: readonly string[] }, group: string): boolean {
  if (group.includes(':')) return group === personGroup(who.id);
  return who.groups.includes(group);
}
