// The admin screens' own logic, without a browser: the policy line diff and groups derived from users.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserView } from '../../src/client/api-client.ts';
import { lineDiff } from '../../web/src/admin/diff.ts';
import { groupsOf, listOf } from '../../web/src/admin/groups.ts';

const user = (username: string, groups: string[]): UserView => ({
  username,
  displayName: username,
  email: null,
  kind: 'human',
  roles: ['approver'],
  groups,
  active: true,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

describe('policy line diff', () => {
  it('keeps common lines and marks what was removed and added, in order', () => {
    const diff = lineDiff('version: 1\nname: A\ngroups: []', 'version: 1\nname: B\ngroups: []\nextra: 1');
    assert.deepEqual(diff, [
      { kind: 'same', text: 'version: 1' },
      { kind: 'removed', text: 'name: A' },
      { kind: 'added', text: 'name: B' },
      { kind: 'same', text: 'groups: []' },
      { kind: 'added', text: 'extra: 1' },
    ]);
  });

  it('finds nothing to mark in equal texts, and gives up on texts too large to compare', () => {
    assert.ok(lineDiff('a\nb', 'a\nb')!.every((d) => d.kind === 'same'));
    const big = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n');
    assert.equal(lineDiff(big, `${big}\nmore`), null);
  });
});

describe('groups from users', () => {
  it('lists each group any user holds, sorted, with its members sorted', () => {
    const groups = groupsOf([
      user('tess', ['technical', 'security']),
      user('sam', ['security']),
      user('ivy', []),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.name, g.members.map((m) => m.username)]),
      [
        ['security', ['sam', 'tess']],
        ['technical', ['tess']],
      ],
    );
  });

  it('reads a typed list without empties or repeats', () => {
    assert.deepEqual(listOf(' security, technical,,security  ops '), ['security', 'technical', 'ops']);
  });
});
