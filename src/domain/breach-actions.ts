import { nextStatus, type TicketStatus } from './ticket-workflow.ts';

type Priority = 'urgent' | 'high' | 'normal' | 'low';

/** What a policy does when one of its clocks breaches. */
export interface OnBreach {
  escalate?: boolean;
  raise_priority?: boolean;
}

const RAISED: Record<string, Priority> = { low: 'normal', normal: 'high', high: 'urgent' };

export interface BreachPlan {
  priority?: { from: string; to: Priority };
  escalate?: { from_tier: number; to_tier: number };
}

/**
 * What on_breach does to a ticket as it is now, for the breaches it just had (each with its
 * policy's on_breach), applied one breach after the other: each raises the priority one step
 * (not past urgent) while the ticket is open, and escalates to the next tier where the
 * workflow allows an escalation (an open ticket below tier 3). So the outcome does not depend
 * on whether two breaches were recorded in one batch or in two. A resolved ticket that misses
 * its follow-up is recorded but not changed.
 */
export function planBreachActions(ticket: { status: TicketStatus; priority: Priority; tier: number }, breaches: OnBreach[]): BreachPlan {
  const open = nextStatus(ticket.status, 'escalate') !== undefined;
  let priority = ticket.priority;
  let tier = ticket.tier;
  for (const ob of breaches) {
    if (!open) break;
    const raised = RAISED[priority];
    if (ob.raise_priority && raised) priority = raised;
    if (ob.escalate && tier < 3) tier++;
  }
  const plan: BreachPlan = {};
  if (priority !== ticket.priority) plan.priority = { from: ticket.priority, to: priority };
  if (tier !== ticket.tier) plan.escalate = { from_tier: ticket.tier, to_tier: tier };
  return plan;
}
