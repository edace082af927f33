import { sql } from 'kysely';
import type { TimedCursor } from '../../db/pagination.ts';
import type { Tx } from '../../db/types.ts';
import type { ClockState } from '../../domain/clock-state.ts';
import { DUE } from '../tickets/ticket-sla.predicates.ts';

/**
 * Follow-up clocks coming due in (now, until] not announced yet, claimed in follow_up_reminders
 * (ticket, due time) so each is announced once however many runs overlap.
 */
export async function claimDue(tx: Tx, now: Date, until: Date, limit: number) {
  const { rows } = await sql<{ ticket_id: string; due_at: Date }>`
    insert into follow_up_reminders (ticket_id, due_at, sent_at)
    select s.ticket_id, s.due_at, ${now} from ticket_sla s
    where ${DUE} and s.due_at > ${now} and s.due_at <= ${until} and s.metric = 'follow_up'
      and not exists (select 1 from follow_up_reminders r where r.ticket_id = s.ticket_id and r.due_at = s.due_at)
    order by s.due_at
    limit ${limit}
    on conflict do nothing
    returning ticket_id, due_at`.execute(tx);
  return rows;
}

/** The worklist's statement: pending follow-up clocks through their partial index, joined to their tickets. */
export function followUpWorklistQuery(f: { dueBefore?: Date; after?: TimedCursor; technician?: string; limit: number }) {
  return sql<{
    ticket_id: string; number: string; customer_id: string; technician_id: string | null; resolved_at: Date | null;
    due_at: Date; warn_at: Date | null; warned_at: Date | null; breached_at: Date | null; completed_at: Date | null; paused: boolean; state: ClockState; announced_at: Date | null;
  }>`
    select s.ticket_id, t.number, t.customer_id, t.technician_id, t.resolved_at, s.due_at, s.warn_at, s.warned_at, s.breached_at, s.completed_at, s.paused, s.state,
      (select max(r.sent_at) from follow_up_reminders r where r.ticket_id = s.ticket_id and r.due_at = s.due_at) as announced_at
    from ticket_sla s join tickets t on t.id = s.ticket_id
    where s.metric = 'follow_up' and s.completed_at is null and not s.paused
      ${f.dueBefore ? sql`and s.due_at < ${f.dueBefore}` : sql``}
      ${f.after ? sql`and (s.due_at, s.ticket_id) > (${new Date(f.after.t)}, ${f.after.id})` : sql``}
      ${f.technician ? sql`and t.technician_id = ${f.technician}` : sql``}
    order by s.due_at, s.ticket_id
    limit ${f.limit + 1}`;
}
