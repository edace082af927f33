import { sql } from 'kysely';

/*
 * The conditions on ticket_sla (aliased `s`) that the sweep and the tickets list's sla_state
 * filter share, written exactly as the partial indexes of the sla_breaches migration so the
 * planner can use them.
 */

/** Due for a breach record: running and unrecorded, or completed late before any sweep saw it (index ticket_sla_due). */
export const DUE = sql<boolean>`s.breached_at is null and ((s.completed_at is null and not s.paused) or s.state = 'breached')`;
/** Running, neither warned nor breached yet (index ticket_sla_warn). */
export const WARN = sql<boolean>`s.completed_at is null and not s.paused and s.warned_at is null and s.breached_at is null`;

/** Tickets with a clock that breached: recorded, completed late, or running past due. */
export const breachedTicketIds = (now: Date) => sql`(
  select s.ticket_id from ticket_sla s where s.breached_at is not null or s.state = 'breached'
  union all
  select s.ticket_id from ticket_sla s where ${DUE} and s.due_at <= ${now})`;

/** Tickets with a running clock past its warning time and not yet due. */
export const warnedTicketIds = (now: Date) => sql`(
  select s.ticket_id from ticket_sla s
  where s.warned_at is not null and s.breached_at is null and s.completed_at is null and not s.paused and s.due_at > ${now}
  union all
  select s.ticket_id from ticket_sla s where ${WARN} and s.warn_at <= ${now} and s.due_at > ${now})`;

/** The same two conditions for one ticket's clocks (`ticket_sla b` of the ticket `tickets`), read through the primary key. */
export const ticketBreached = (now: Date) => sql<boolean>`exists (
  select 1 from ticket_sla b where b.ticket_id = tickets.id
    and (b.breached_at is not null or b.state = 'breached' or (b.completed_at is null and not b.paused and b.due_at <= ${now})))`;
export const ticketWarned = (now: Date) => sql<boolean>`exists (
  select 1 from ticket_sla b where b.ticket_id = tickets.id
    and b.completed_at is null and not b.paused and b.breached_at is null and b.due_at > ${now}
    and (b.warned_at is not null or b.warn_at <= ${now}))`;
