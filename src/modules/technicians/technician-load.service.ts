import type { Tx } from '../../db/types.ts';
import { conflict, ruleViolated } from '../../domain/errors.ts';
import * as repo from './technicians.repository.ts';

/*
 * A technician's load (open_tickets) and routing: the only code that changes
 * technicians.open_tickets. A ticket takes a slot when it is assigned, gives it back when it
 * leaves its technician (escalated, resolved, cancelled, reassigned) and takes it again when
 * it comes back (reopened). Capacity is enforced by the conditional UPDATE, never by a read.
 */

export interface Routed {
  technicianId: string | null;
  reason: string;
  diagnosis?: Awaited<ReturnType<typeof repo.diagnoseRouting>>;
}

/** Routes a ticket (least loaded fitting technician takes a slot) and says why; null with the diagnosis when nobody fits. */
export async function route(tx: Tx, ticket: { tier: number; region: string | null; category: string }, now: Date): Promise<Routed> {
  const criteria = { tier: ticket.tier, region: ticket.region, category: ticket.category };
  // First without waiting, so racing assignments spread over free candidates; if every
  // candidate was locked by a racing assignment, wait for one and take it if it still has room.
  const slot =
    (await repo.routeAndTakeSlot(tx, criteria, now, { skipLocked: true })) ??
    (await repo.routeAndTakeSlot(tx, criteria, now, { skipLocked: false }));
  if (slot) {
    return {
      technicianId: slot.id,
      reason:
        `auto: least loaded active tier ${ticket.tier} technician serving region ${ticket.region ?? '(none)'} ` +
        `with skill ${ticket.category}; ${slot.open_tickets - 1} of ${slot.max_open_tickets} open before this`,
    };
  }
  const d = await repo.diagnoseRouting(tx, criteria);
  const why =
    d.active_at_tier === 0
      ? `no active tier ${ticket.tier} technician`
      : d.in_region === 0
        ? `no active tier ${ticket.tier} technician serves region ${ticket.region ?? '(none)'}`
        : d.with_skill === 0
          ? `none of the ${d.in_region} tier ${ticket.tier} technicians in region ${ticket.region} has skill ${ticket.category}`
          : `all ${d.with_skill} matching technicians are at capacity`;
  return { technicianId: null, reason: why, diagnosis: d };
}

/** A named technician takes a slot if active and with room; otherwise says why not. */
export async function takeSlot(tx: Tx, technicianId: string, now: Date): Promise<void> {
  if (await repo.takeSlot(tx, technicianId, now)) return;
  const state = await repo.technicianState(tx, technicianId);
  if (!state) throw ruleViolated('technician-not-found', `Technician ${technicianId} does not exist.`, [{ path: '/body/technician_id', message: 'does not exist' }]);
  throw conflict(state.active ? `Technician ${technicianId} is at capacity (${state.open_tickets} of ${state.max_open_tickets}).` : `Technician ${technicianId} is not active.`);
}

/** The ticket comes back to its technician (reopen): counted even beyond capacity, it is theirs. */
export const addLoad = (tx: Tx, technicianId: string) => repo.changeLoad(tx, [[technicianId, 1]]);

/** Tickets leave their technicians: one slot back per ticket, many technicians in one statement. */
export async function releaseSlots(tx: Tx, technicianIds: string[]): Promise<void> {
  const n = new Map<string, number>();
  for (const id of technicianIds) n.set(id, (n.get(id) ?? 0) - 1);
  await repo.changeLoad(tx, [...n]);
}
