import { describe, expect, it } from 'vitest';
import { firstMatch, matches } from '../../src/domain/policy-match.ts';

const urgentPhone = { type: 'repair', priority: 'urgent', customer_tier: 'vip', channel: 'phone' };

describe('which SLA policy applies', () => {
  it.each([
    [{}, true], // no list: anything
    [{ types: [] }, true], // an empty list: anything
    [{ types: ['repair'] }, true],
    [{ types: ['complaint'] }, false],
    [{ priorities: ['urgent', 'high'] }, true],
    [{ priorities: ['low'] }, false],
    [{ customer_tiers: ['vip'] }, true],
    [{ customer_tiers: ['standard'] }, false],
    [{ channels: ['phone'] }, true],
    [{ channels: ['email'] }, false],
    [{ types: ['repair'], channels: ['email'] }, false], // every given list must hold
    [{ types: ['repair'], priorities: ['urgent'], customer_tiers: ['vip'], channels: ['phone'] }, true],
  ])('%o matches an urgent phone repair of a vip: %s', (match, expected) => {
    expect(matches(match, urgentPhone)).toBe(expected);
  });

  const p = (id: string, position: number, match: object, active = true) => ({ id, position, match, active });

  it('takes the first active one by position, then by id', () => {
    const policies = [p('d', 3, {}), p('c', 2, { channels: ['email'] }), p('b', 2, {}), p('a', 1, { priorities: ['low'] }), p('e', 0, {}, false)];
    expect(firstMatch(policies, urgentPhone)?.id).toBe('b');
    expect(firstMatch(policies, { ...urgentPhone, channel: 'email' })?.id).toBe('b'); // b before c at the same position
    expect(firstMatch(policies, { ...urgentPhone, priority: 'low' })?.id).toBe('a');
    expect(firstMatch(policies.filter((x) => x.id !== 'b' && x.id !== 'd'), urgentPhone)).toBeUndefined(); // e is inactive
    expect(firstMatch([p('z', 5, {}), p('y', 10, {})], urgentPhone)?.id).toBe('z');
    expect(policies.map((x) => x.id)).toEqual(['d', 'c', 'b', 'a', 'e']); // the caller's list is left as it was
  });
});
