import type { Static } from 'typebox';
import type { Clock } from '../../clock.ts';
import { decodeCursor, encodeCursor, type TimedCursor } from '../../db/pagination.ts';
import type { Db, Tx } from '../../db/types.ts';
import { clockStateAt } from '../../domain/clock-state.ts';
import type { Actor } from '../../db/context.ts';
import { claimDue, followUpWorklistQuery } from './follow-ups.repository.ts';
import type { FollowUpQuery } from './follow-ups.schemas.ts';

/** Follow-ups coming due in (now, until] and not announced yet, each claimed once (the follow-up-reminders job). */
export const claimFollowUpsDue = (tx: Tx, now: Date, until: Date, limit: number) => claimDue(tx, now, until, limit);

/**
 * GET /v1/follow-ups: the follow-up calls (回访) not made yet, overdue first, then by due time:
 * a caller's worklist. Keyset-paginated on (due time, ticket) through the partial index of
 * pending follow-ups; a technician key sees its own tickets only.
 */
export async function listFollowUps(deps: { db: Db; clock: Clock }, actor: Actor, q: Static<typeof FollowUpQuery>) {
  const limit = q.limit ?? 50;
  const after = decodeCursor(q.cursor, 'due') as TimedCursor | undefined;
  const technician = actor.role === 'technician' ? actor.technicianId : q.technician_id;
  if (actor.role === 'technician' && q.technician_id && q.technician_id !== actor.technicianId) return { data: [], next_cursor: null };
  const now = deps.clock.now();
  const { rows } = await followUpWorklistQuery({ dueBefore: q.due_before ? new Date(q.due_before) : undefined, after, technician: technician ?? undefined, limit }).execute(deps.db);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      ticket_id: r.ticket_id,
      number: r.number,
      customer_id: r.customer_id,
      technician_id: r.technician_id,
      resolved_at: r.resolved_at?.toISOString() ?? null,
      due_at: r.due_at.toISOString(),
      // Pending clocks only (running, not paused): running, warning or breached.
      state: clockStateAt(r, now) as 'running' | 'warning' | 'breached',
      announced_at: r.announced_at?.toISOString() ?? null,
    })),
    next_cursor: rows.length > limit && last ? encodeCursor({ s: 'due', t: last.due_at.toISOString(), id: last.ticket_id }) : null,
  };
}
