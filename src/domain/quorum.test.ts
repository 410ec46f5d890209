// Segregation of duties and quorum: who may approve or reject, and when enough distinct people have.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from './actor.ts';
import type { Approval, Change } from './change.ts';
import { approvalProgress, dutiesConflicts, quorumMet, validApprovals } from './quorum.ts';
import { attempt, cast, cmd, codes, content, create, human, step } from './test-fixtures.ts';

/** A change awaiting approval, raised by alice with the given content overrides. */
function awaiting(overrides: Parameters<typeof content>[0] = {}, requester: Actor = cast.alice): Change {
  const c = create({ content: content(overrides), actor: requester });
  return step(c, cmd.submit(c), requester);
}

// Everyone below holds the technical group, so group membership is never the reason for a refusal.
const tech = (id: string, extra: Partial<Actor> = {}): Actor => ({ ...human(id, ['technical']), ...extra });

function editedByCarl(change: Change): Change {
  return step(change, cmd.edit(change, { description: 'Edited by the change manager.' }), cast.carl);
}

function refusedBoth(change: Change, actor: Actor, expected: string[]): void {
  assert.deepEqual(codes(attempt(change, cmd.approve(), actor)), [...expected].sort(), 'approve');
  assert.deepEqual(codes(attempt(change, cmd.reject(), actor)), [...expected].sort(), 'reject');
}

describe('segregation of duties', () => {
  it('the requester cannot approve or reject, even holding the group', () => {
    const alice = tech('alice', { roles: ['requester', 'approver'] });
    const c = awaiting({}, alice);
    refusedBoth(c, alice, ['sod_last_editor', 'sod_requester']);
    // Still refused once someone else has become the last editor.
    refusedBoth(editedByCarl(c), alice, ['sod_requester']);
  });

  it('the last editor cannot approve or reject', () => {
    let c = awaiting();
    const carl = tech('carl', { roles: ['change_manager'] });
    c = step(c, cmd.edit(c, { description: 'Clarified.' }), carl);
    assert.equal(c.lastEditor, 'carl');
    refusedBoth(c, carl, ['sod_last_editor']);
    assert.ok(attempt(c, cmd.approve(), cast.tom).ok, 'someone else still may');
  });

  it('everyone who edited any revision cannot approve or reject, not only the last editor', () => {
    let c = awaiting();
    const carl = tech('carl', { roles: ['change_manager'] });
    c = step(c, cmd.edit(c, { description: 'Clarified by carl.' }), carl);
    c = step(c, cmd.edit(c, { reason: 'Reworded by alice.' }), cast.alice);
    assert.equal(c.lastEditor, 'alice');
    assert.deepEqual(c.authors, ['alice', 'carl']);
    refusedBoth(c, carl, ['sod_author']);
  });

  it('the named implementer cannot approve or reject', () => {
    refusedBoth(awaiting({ implementer: 'tina' }), cast.tina, ['sod_implementer']);
  });

  it('whoever implemented it (implementedBy) is in conflict', () => {
    const c: Change = { ...awaiting({ implementer: null }), implementedBy: 'tom' };
    assert.deepEqual(
      dutiesConflicts(c, cast.tom).map((r) => r.code),
      ['sod_implementer'],
    );
    refusedBoth(c, cast.tom, ['sod_implementer']);
  });

  it('authors of linked commits and pull requests cannot decide, by username or e-mail, any case', () => {
    const c = awaiting({
      links: [
        { kind: 'commit', ref: 'a1b2c3', author: 'TOM' },
        { kind: 'pull_request', ref: '#12', author: 'Tina@Example.COM' },
        { kind: 'ticket', ref: 'OPS-1', author: 'sam' },
      ],
    });
    refusedBoth(c, cast.tom, ['sod_commit_author']);
    refusedBoth(c, cast.tina, ['sod_commit_author']);
    assert.match(dutiesConflicts(c, cast.tom)[0]!.message, /a1b2c3/);
    // A ticket's author wrote no code: sam may still approve.
    assert.deepEqual(dutiesConflicts(c, { ...cast.sam, groups: ['technical'] }), []);
  });

  it('a bot approves nothing, whatever its groups and scopes', () => {
    const ci: Actor = { ...cast.ci, scopes: ['changes:approve'] };
    refusedBoth(awaiting(), ci, ['bot_cannot_approve']);
  });

  it('a token without the changes:approve scope cannot decide; with it, the person can', () => {
    const c = awaiting();
    refusedBoth(c, { ...cast.tom, scopes: ['changes:read', 'changes:write'] }, ['token_cannot_approve']);
    assert.ok(attempt(c, cmd.approve(), { ...cast.tom, scopes: ['changes:approve'] }).ok);
  });

  it('the approver must hold the group when approving', () => {
    const c = awaiting();
    assert.deepEqual(codes(attempt(c, cmd.approve(), cast.betty)), ['not_an_approver']);
    assert.deepEqual(codes(attempt(c, cmd.approve('technical'), cast.betty)), ['not_in_group']);
    assert.deepEqual(codes(attempt(c, cmd.reject(), cast.betty)), ['not_an_approver']);
    assert.deepEqual(codes(attempt(c, cmd.reject('no', 'technical'), cast.betty)), ['not_an_approver']);
    // Held at submit time is not enough: the groups of the moment count.
    const former = { ...cast.tom, groups: [] };
    assert.deepEqual(codes(attempt(c, cmd.approve(), former)), ['not_an_approver']);
    // A group the change does not need counts for nothing.
    const both = human('pat', ['technical', 'business']);
    assert.deepEqual(codes(attempt(c, cmd.approve('business'), both)), ['group_not_required']);
  });

  it('the same person cannot approve twice, not even for another group', () => {
    let c = awaiting({ services: ['billing'] });
    assert.equal(c.assessment?.rating, 'medium');
    const pat = human('pat', ['technical', 'business']);
    c = step(c, cmd.approve('technical'), pat);
    assert.equal(c.state, 'awaiting_approval');
    assert.deepEqual(codes(attempt(c, cmd.approve('business'), pat)), ['already_approved']);
    assert.deepEqual(codes(attempt(c, cmd.approve(), pat)), ['already_approved']);
    assert.deepEqual(codes(attempt(c, cmd.approve('technical'), cast.tina)), ['group_satisfied']);
    c = step(c, cmd.approve(), cast.betty);
    assert.equal(c.state, 'approved');
  });

  it('admin is no bypass', () => {
    const admin: Actor = { ...human('root', ['technical', 'security', 'business'], ['admin']) };
    let c = editedByCarl(awaiting({}, admin));
    refusedBoth(c, admin, ['sod_requester']);
    c = awaiting();
    c = step(c, cmd.edit(c, { description: 'Admin touch.' }), admin);
    refusedBoth(c, admin, ['sod_last_editor']);
  });

  it('every refusal lists all the reasons that apply', () => {
    const alice: Actor = {
      ...tech('alice', { roles: ['requester', 'approver'] }),
      kind: 'bot',
      scopes: ['changes:write'],
      email: 'Alice@Example.com',
    };
    const c = awaiting(
      { implementer: 'alice', links: [{ kind: 'commit', ref: 'f00', author: 'alice@example.com' }] },
      alice,
    );
    const expected = [
      'bot_cannot_approve',
      'token_cannot_approve',
      'sod_requester',
      'sod_last_editor',
      'sod_implementer',
      'sod_commit_author',
    ];
    refusedBoth(c, alice, expected);
  });

  it('a rejection needs a reason', () => {
    assert.deepEqual(codes(attempt(awaiting(), cmd.reject('  '), cast.tom)), ['comment_required']);
  });
});

describe('quorum', () => {
  const approval = (approver: string, group: string, more: Partial<Approval> = {}): Approval => ({
    approver,
    group,
    decision: 'approved',
    comment: '',
    at: '2025-06-02T10:00:00.000Z',
    revisionHash: 'h1',
    withdrawnAt: null,
    ...more,
  });
  const medium = (approvals: Approval[]): Change => {
    const c = awaiting({ services: ['billing'] });
    return { ...c, revisionHash: 'h1', approvals };
  };

  it('needs every group to reach its count with distinct people', () => {
    assert.equal(quorumMet(medium([approval('tom', 'technical')])), false);
    assert.equal(quorumMet(medium([approval('tom', 'technical'), approval('betty', 'business')])), true);
    const progress = approvalProgress(medium([approval('tom', 'technical')])).requirements;
    assert.deepEqual(
      progress.map((r) => [r.group, r.approvedBy, r.remaining]),
      [
        ['technical', ['tom'], 0],
        ['business', [], 1],
      ],
    );
  });

  it('one person counts once even across groups', () => {
    assert.equal(quorumMet(medium([approval('pat', 'technical'), approval('pat', 'business')])), false);
  });

  it('withdrawn, rejected and other-revision approvals do not count', () => {
    const betty = approval('betty', 'business');
    for (const stale of [
      approval('tom', 'technical', { withdrawnAt: '2025-06-02T11:00:00.000Z' }),
      approval('tom', 'technical', { revisionHash: 'h0' }),
      approval('tom', 'technical', { decision: 'rejected' }),
    ]) {
      const c = medium([stale, betty]);
      assert.deepEqual(validApprovals(c), [betty]);
      assert.equal(quorumMet(c), false);
    }
  });
});
