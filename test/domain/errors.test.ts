import { describe, expect, it } from 'vitest';
import { Conflict, DomainError, Forbidden, Gone, InvalidInput, NotFound, RuleViolated, StaleVersion, assertVersion, conflict, forbidden, gone, invalidInput, notFound, ruleViolated } from '../../src/domain/errors.ts';

describe('the domain errors', () => {
  it('say what went wrong in the domain’s words, with their kind', () => {
    const cases: [DomainError, string, string][] = [
      [notFound('Ticket', 'T1'), 'not-found', 'Ticket T1 does not exist'],
      [notFound('Route GET /x'), 'not-found', 'Route GET /x does not exist'],
      [conflict('already assigned'), 'conflict', 'already assigned'],
      [gone('expired'), 'gone', 'expired'],
      [forbidden('not yours'), 'forbidden', 'not yours'],
      [invalidInput('bad cursor'), 'invalid-input', 'bad cursor'],
      [ruleViolated('asset-not-owned', 'not theirs'), 'rule-violated', 'not theirs'],
      [new StaleVersion('Customer', 'C1', 4, 3), 'stale-version', 'Customer C1 is at version 4, not 3; fetch it again and retry.'],
    ];
    for (const [err, kind, message] of cases) {
      expect(err).toBeInstanceOf(DomainError);
      expect(err.kind).toBe(kind);
      expect(err.message).toBe(message);
    }
    expect(notFound('x')).toBeInstanceOf(NotFound);
    expect(gone('x')).toBeInstanceOf(Gone);
    expect(forbidden('x')).toBeInstanceOf(Forbidden);
  });

  it('carry what the problem body shows: field errors, the rule, the current state', () => {
    const errors = [{ path: '/body/asset_id', message: 'is not owned by the customer' }];
    const r = ruleViolated('asset-not-owned', 'not theirs', errors);
    expect(r).toBeInstanceOf(RuleViolated);
    expect(r.slug).toBe('asset-not-owned');
    expect(r.errors).toEqual(errors);
    // Absent, not undefined: nothing for the problem body to carry.
    expect(Object.keys(ruleViolated('no-sla-policy', 'y'))).not.toContain('errors');
    expect(invalidInput('bad', errors)).toMatchObject({ errors });
    expect(Object.keys(new InvalidInput('bad'))).not.toContain('errors');
    expect(conflict('no', { current_status: 'closed' }).extra).toEqual({ current_status: 'closed' });
    expect(Object.keys(new Conflict('no'))).not.toContain('extra');
  });

  it('check If-Match the one way', () => {
    expect(() => assertVersion('Ticket', 'T1', undefined, undefined)).toThrow(new NotFound('Ticket', 'T1'));
    expect(() => assertVersion('Ticket', 'T1', { version: 3 }, 2)).toThrow('Ticket T1 is at version 3, not 2; fetch it again and retry.');
    expect(() => assertVersion('Ticket', 'T1', { version: 3 }, 2)).toThrow(StaleVersion);
    expect(() => assertVersion('Ticket', 'T1', { version: 3 }, 3)).not.toThrow();
    expect(() => assertVersion('Ticket', 'T1', { version: 3 }, undefined)).not.toThrow();
  });
});
