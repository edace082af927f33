import { describe, expect, it } from 'vitest';
import { OCCUPYING, TRANSITIONS, allowedActions, nextStatus, type TicketAction, type TicketStatus } from '../../src/domain/ticket-workflow.ts';

const ACTIONS: TicketAction[] = ['assign', 'start', 'hold', 'resume', 'escalate', 'resolve', 'reopen', 'close', 'cancel'];

/** The whole table, as the handbook's process reads: from → action → to ('-' refused). */
const TABLE: Record<TicketStatus, Partial<Record<TicketAction, TicketStatus>>> = {
  new: { assign: 'assigned', escalate: 'new', cancel: 'cancelled' },
  assigned: { assign: 'assigned', start: 'in_progress', escalate: 'new', cancel: 'cancelled' },
  in_progress: { assign: 'assigned', hold: 'on_hold', escalate: 'new', resolve: 'resolved', cancel: 'cancelled' },
  on_hold: { assign: 'assigned', resume: 'in_progress', escalate: 'new', cancel: 'cancelled' },
  resolved: { reopen: 'in_progress', close: 'closed' },
  closed: {},
  cancelled: {},
};

describe('the ticket state machine', () => {
  it.each(Object.keys(TABLE) as TicketStatus[])('from %s: exactly the listed moves', (from) => {
    for (const action of ACTIONS) expect(nextStatus(from, action), `${from} ${action}`).toBe(TABLE[from][action]);
  });

  it('follow-up goes by its outcome, and only from resolved', () => {
    expect(nextStatus('resolved', 'follow_up', 'satisfied')).toBe('closed');
    expect(nextStatus('resolved', 'follow_up', 'not_satisfied')).toBe('in_progress');
    expect(nextStatus('resolved', 'follow_up', 'unreachable')).toBe('resolved');
    expect(nextStatus('resolved', 'follow_up')).toBeUndefined();
    for (const from of ['new', 'assigned', 'in_progress', 'on_hold', 'closed', 'cancelled'] as const) {
      expect(nextStatus(from, 'follow_up', 'satisfied')).toBeUndefined();
    }
  });

  it('names the allowed actions as the API does, once each', () => {
    expect(allowedActions('new')).toEqual(['assign', 'escalate', 'cancel']);
    expect(allowedActions('in_progress')).toEqual(['assign', 'hold', 'escalate', 'resolve', 'cancel']);
    expect(allowedActions('resolved')).toEqual(['follow-up', 'reopen', 'close']);
    expect(allowedActions('closed')).toEqual([]);
    expect(allowedActions('cancelled')).toEqual([]);
  });

  it('every move lands on a known status', () => {
    for (const moves of Object.values(TRANSITIONS)) for (const to of Object.values(moves)) expect(Object.keys(TABLE)).toContain(to);
  });

  it('a ticket occupies its technician while assigned, in progress or on hold, and not otherwise', () => {
    expect([...OCCUPYING].sort()).toEqual(['assigned', 'in_progress', 'on_hold']);
  });
});
