// The permission table, walked: every role against every action gives the answer documented in
// docs/ARCHITECTURE.md ("Who may do what"), written out here by hand rather than read from the table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROLES, type Role } from './actor.ts';
import { ACTIONS, roleAllows, scopeAllows, type Action } from './permissions.ts';

const DOCUMENTED: Record<Role, readonly Action[]> = {
  admin: ACTIONS,
  change_manager: [
    'change.create',
    'change.work',
    'change.manage',
    'change.implement',
    'change.approve',
    'service.register',
    'service.update',
    'user.list',
    'checkpoint.issue',
    'follow_up.open',
    'follow_up.close',
    'gate.decide',
    'gate.break_glass',
    'deployment.record',
  ],
  requester: ['change.create', 'change.work', 'change.approve', 'follow_up.open', 'follow_up.close'],
  implementer: [
    'change.create',
    'change.work',
    'change.implement',
    'change.approve',
    'follow_up.open',
    'follow_up.close',
    'gate.decide',
    'gate.break_glass',
    'deployment.record',
  ],
  approver: ['change.work', 'change.approve', 'follow_up.open', 'follow_up.close'],
  auditor: ['user.list', 'checkpoint.issue'],
  viewer: [],
  deployer: ['gate.decide', 'gate.break_glass', 'deployment.record'],
};

const SCOPE_OF: Record<Action, string> = {
  'change.create': 'changes:write',
  'change.work': 'changes:write',
  'change.manage': 'changes:write',
  'change.implement': 'changes:write',
  'change.approve': 'changes:approve',
  'service.register': 'services:write',
  'service.update': 'services:write',
  'user.create': 'users:admin',
  'user.update': 'users:admin',
  'user.list': 'users:read',
  'token.administer': 'users:admin',
  'checkpoint.issue': 'changes:write',
  'follow_up.open': 'changes:write',
  'follow_up.close': 'changes:write',
  'gate.decide': 'gate',
  'gate.break_glass': 'gate',
  'deployment.record': 'gate',
};

describe('permission table', () => {
  for (const role of ROLES)
    for (const action of ACTIONS) {
      const expected = DOCUMENTED[role].includes(action);
      it(`${role} ${expected ? 'may' : 'may not'} ${action}`, () => {
        assert.equal(roleAllows({ roles: [role] }, action), expected);
      });
    }

  it('grants an action when any one of several roles does', () => {
    assert.equal(roleAllows({ roles: ['viewer', 'approver'] }, 'change.work'), true);
    assert.equal(roleAllows({ roles: ['viewer', 'auditor'] }, 'change.work'), false);
  });

  it('lets a session do what its roles allow, and a token only within its scopes', () => {
    for (const action of ACTIONS) {
      assert.equal(scopeAllows({ scopes: null }, action), true, action);
      assert.equal(scopeAllows({ scopes: [SCOPE_OF[action]] }, action), true, action);
      const others = Object.values(SCOPE_OF).filter((s) => s !== SCOPE_OF[action]);
      assert.equal(scopeAllows({ scopes: others }, action), false, action);
    }
  });
});
