import { describe, expect, it } from 'vitest';
import { HOLDING_SLOT, VISIT_ACTION_NAMES, VISIT_STATUSES, VISIT_TRANSITIONS, allowedVisitActions, nextVisitStatus, visitActionName } from '../../src/domain/visit-workflow.ts';

describe('the visit state machine', () => {
  it('allows exactly the listed moves', () => {
    expect(nextVisitStatus('scheduled', 'check_in')).toBe('checked_in');
    expect(nextVisitStatus('scheduled', 'reschedule')).toBe('scheduled');
    expect(nextVisitStatus('scheduled', 'cancel')).toBe('cancelled');
    expect(nextVisitStatus('scheduled', 'no_show')).toBe('no_show');
    expect(nextVisitStatus('scheduled', 'complete')).toBeUndefined();
    expect(nextVisitStatus('checked_in', 'complete')).toBe('completed');
    for (const a of ['reschedule', 'check_in', 'cancel', 'no_show'] as const) expect(nextVisitStatus('checked_in', a), a).toBeUndefined();
    for (const s of ['completed', 'cancelled', 'no_show'] as const) {
      for (const a of ['reschedule', 'check_in', 'complete', 'cancel', 'no_show'] as const) expect(nextVisitStatus(s, a), `${s} ${a}`).toBeUndefined();
    }
  });

  it('names the allowed actions as the API does', () => {
    expect(allowedVisitActions('scheduled')).toEqual(['reschedule', 'check-in', 'cancel', 'no-show']);
    expect(allowedVisitActions('checked_in')).toEqual(['complete']);
    expect(allowedVisitActions('completed')).toEqual([]);
    expect(visitActionName('no_show')).toBe('no-show');
    expect(visitActionName('check_in')).toBe('check-in');
    expect(visitActionName('reschedule')).toBe('reschedule');
    expect(visitActionName('complete')).toBe('complete');
    expect(visitActionName('cancel')).toBe('cancel');
    expect([...VISIT_ACTION_NAMES].sort()).toEqual(['cancel', 'check-in', 'complete', 'no-show', 'reschedule']);
  });

  it('holds a slot while scheduled or checked in only, and knows every status', () => {
    expect(HOLDING_SLOT).toEqual(['scheduled', 'checked_in']);
    expect(Object.keys(VISIT_TRANSITIONS).sort()).toEqual([...VISIT_STATUSES].sort());
  });
});
