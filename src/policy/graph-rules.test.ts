// Rules over the dependency graph and owners, and rules that add approvals: the graph walk, the budget of
// the new lists, and the policy's check of a rule's approval groups.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceAttributes, serviceGraph, type Service } from '../domain/service.ts';
import { emptyContent } from '../domain/change.ts';
import { compileRule } from './cel.ts';
import { parsePolicy } from './load.ts';
import { policyWith } from './budget.fixture.ts';
import { assess } from './risk.ts';

const svc = (name: string, dependencies: string[] = [], team = ''): Service => ({
  ...serviceAttributes('dev', { dependencies, team }),
  name,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  retiredAt: null,
  retirementReason: '',
});

describe('the dependency graph', () => {
  // a → b → c → d, and e → b; a cycle c → a must not loop.
  const catalogue = [svc('a', ['b']), svc('b', ['c']), svc('c', ['d', 'a']), svc('d'), svc('e', ['b'])];
  const names = (list: Service[]) => list.map((s) => s.name);

  it('walks both directions transitively, each service once, nearest first, without the affected', () => {
    const g = serviceGraph(['b'], catalogue);
    assert.deepEqual(names(g.upstream), ['c', 'd', 'a']);
    assert.deepEqual(names(g.downstream), ['a', 'e', 'c']);
  });

  it('stops at the given depth', () => {
    assert.deepEqual(names(serviceGraph(['a'], catalogue, 1).upstream), ['b']);
    assert.deepEqual(names(serviceGraph(['d'], catalogue, 2).downstream), ['c', 'b']);
  });
});

describe('rules over the graph', () => {
  it('type-checks the new fields and refuses a misspelt one', () => {
    assert.ok(compileRule('downstream.exists(d, d.team != "" && !(d.team in change.teams))').ok);
    assert.ok(compileRule('upstream.exists(u, u.businessOwner == "cfo" || u.owner == "x")').ok);
    assert.ok(compileRule('size(change.businessOwners) > 1').ok);
    assert.ok(compileRule('change.emergencyCriterion == "data-loss" && change.recordedAfterwards').ok);
    assert.equal(compileRule('downstream.exists(d, d.teem == "x")').ok, false);
  });

  it('keeps nested walks over the graph within the budget', () => {
    const over = compileRule('downstream.exists(d, d.dataClasses.exists(x, x == "personal"))');
    assert.ok(!over.ok && over.budget);
    assert.ok(compileRule('downstream.exists(d, "personal" in d.dataClasses)').ok);
  });

  it('reads the graph it is given, and counts as matched at high when it is larger than checked for', () => {
    const result = parsePolicy(policyWith('downstream.exists(d, d.team == "core")'));
    assert.ok(result.ok);
    const content = { ...emptyContent(), title: 'x', services: ['a'] };
    const at = (downstream: Service[]) =>
      assess(result.policy, {
        type: 'normal',
        content,
        services: [svc('a')],
        graph: { upstream: [], downstream },
        policyVersion: 1,
      }).rating;
    assert.equal(at([svc('b', [], 'core')]), 'medium');
    assert.equal(at([svc('b', [], 'web')]), 'low');
    assert.equal(at(Array.from({ length: 201 }, (_, i) => svc(`s${i}`))), 'high');
  });
});

describe('approvals a rule adds', () => {
  const withApprovals = (approvals: string) =>
    parsePolicy(
      policyWith('change.title == "x"').replace(
        '      reason: Probe.\n',
        `      reason: Probe.\n      approvals: ${approvals}\n`,
      ),
    );

  it('adds them when the rule matches, and only then', () => {
    const result = withApprovals('[{ group: technical, count: 2 }]');
    assert.ok(result.ok);
    const groups = (title: string) =>
      assess(result.policy, {
        type: 'normal',
        content: { ...emptyContent(), title },
        services: [],
        policyVersion: 1,
      }).requiredApprovals;
    assert.deepEqual(groups('x'), [{ group: 'technical', count: 2 }]);
    assert.deepEqual(groups('y'), [{ group: 'technical', count: 1 }]);
  });

  it('refuses a group the policy does not declare', () => {
    const result = withApprovals('[{ group: board }]');
    assert.ok(!result.ok);
    assert.match(result.errors[0]!.message, /unknown group "board"/);
    assert.equal(result.errors[0]!.path, 'risk.rules[1].approvals[0].group');
  });
});
