import { describe, expect, it } from 'vitest';
import { planBreachActions } from '../../src/domain/breach-actions.ts';

describe('what on_breach does to a ticket', () => {
  it.each([
    // status, priority, tier, breaches' on_breach, plan
    ['in_progress', 'normal', 1, [{ raise_priority: true }], { priority: { from: 'normal', to: 'high' } }],
    ['in_progress', 'low', 1, [{ raise_priority: true }, { raise_priority: true }], { priority: { from: 'low', to: 'high' } }],
    ['assigned', 'high', 1, [{ raise_priority: true }], { priority: { from: 'high', to: 'urgent' } }],
    ['new', 'urgent', 1, [{ raise_priority: true }], {}], // not past urgent
    ['new', 'normal', 1, [{ escalate: true }], { escalate: { from_tier: 1, to_tier: 2 } }],
    ['on_hold', 'high', 1, [{ escalate: true, raise_priority: true }, { escalate: true }, { escalate: true }], { priority: { from: 'high', to: 'urgent' }, escalate: { from_tier: 1, to_tier: 3 } }],
    ['assigned', 'low', 2, [{ escalate: true }], { escalate: { from_tier: 2, to_tier: 3 } }],
    ['assigned', 'low', 3, [{ escalate: true }], {}], // tier 3 is the last
    ['resolved', 'low', 1, [{ raise_priority: true, escalate: true }], {}], // a missed follow-up changes nothing
    ['closed', 'low', 1, [{ raise_priority: true }], {}],
    ['cancelled', 'low', 1, [{ escalate: true }], {}],
    ['assigned', 'low', 1, [{}], {}],
    ['assigned', 'low', 1, [], {}],
  ] as const)('%s %s tier %s after %o: %o', (status, priority, tier, breaches, plan) => {
    expect(planBreachActions({ status, priority, tier }, [...breaches])).toEqual(plan);
  });
});
