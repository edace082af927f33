export const TICKET_STATUSES = ['new', 'assigned', 'in_progress', 'on_hold', 'resolved', 'closed', 'cancelled'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * The ticket state machine, as data: for each status, the actions allowed and the status
 * each leads to. Every action route goes through `nextStatus`; no route writes a status.
 * Follow-up has one entry per outcome (satisfied closes, not_satisfied reopens,
 * unreachable records the attempt and leaves the ticket resolved).
 */
export type TicketAction = 'assign' | 'start' | 'hold' | 'resume' | 'escalate' | 'resolve' | 'follow_up' | 'reopen' | 'close' | 'cancel';
export type FollowUpOutcome = 'satisfied' | 'not_satisfied' | 'unreachable';
type Move = Exclude<TicketAction, 'follow_up'> | `follow_up:${FollowUpOutcome}`;

export const TRANSITIONS: Readonly<Record<TicketStatus, Readonly<Partial<Record<Move, TicketStatus>>>>> = {
  new: { assign: 'assigned', escalate: 'new', cancel: 'cancelled' },
  assigned: { assign: 'assigned', start: 'in_progress', escalate: 'new', cancel: 'cancelled' },
  in_progress: { assign: 'assigned', hold: 'on_hold', escalate: 'new', resolve: 'resolved', cancel: 'cancelled' },
  on_hold: { assign: 'assigned', resume: 'in_progress', escalate: 'new', cancel: 'cancelled' },
  resolved: {
    'follow_up:satisfied': 'closed',
    'follow_up:not_satisfied': 'in_progress',
    'follow_up:unreachable': 'resolved',
    reopen: 'in_progress',
    close: 'closed',
  },
  closed: {},
  cancelled: {},
};

/** Statuses in which a ticket occupies its technician (counts against max_open_tickets). */
export const OCCUPYING: readonly TicketStatus[] = ['assigned', 'in_progress', 'on_hold'];

export function nextStatus(status: TicketStatus, action: TicketAction, outcome?: FollowUpOutcome): TicketStatus | undefined {
  const move = (action === 'follow_up' ? `follow_up:${outcome}` : action) as Move;
  return TRANSITIONS[status][move];
}

/** The actions as the API names them (the last part of POST /v1/tickets/{id}/<action>). */
export const ACTION_NAMES = ['assign', 'start', 'hold', 'resume', 'escalate', 'resolve', 'follow-up', 'reopen', 'close', 'cancel'] as const;

/** The actions (as the API names them) allowed in a status. */
export function allowedActions(status: TicketStatus): (typeof ACTION_NAMES)[number][] {
  const names = Object.keys(TRANSITIONS[status]).map((m) => (m.startsWith('follow_up') ? 'follow-up' : m) as (typeof ACTION_NAMES)[number]);
  return [...new Set(names)];
}
