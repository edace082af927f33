import { sql } from 'kysely';

/*
 * The states of stored SLA clocks in SQL: what domain/clock-state.ts says in JS
 * (test/domain/clock-state.test.ts holds the two to each other on every combination of the
 * columns), written exactly as the partial indexes of the sla_breaches migration so the
 * planner can use them. `s` is ticket_sla. Used by the sweep, the ticket list's sla_state
 * filter and the follow-up worklist.
 */

/** Due for a breach record: running and unrecorded, or completed late before any sweep saw it (index ticket_sla_due). dueForBreachRecord without the time. */
export const DUE = sql<boolean>`s.breached_at is null and ((s.completed_at is null and not s.paused) or s.state = 'breached')`;
/** Running, neither warned nor breached yet (index ticket_sla_warn). dueForWarningRecord without the times. */
export const WARN = sql<boolean>`s.completed_at is null and not s.paused and s.warned_at is null and s.breached_at is null`;

/** A clock (alias `b`) in state breached at `now` (clockStateAt). */
export const clockBreached = (b: string, now: Date) => {
  const c = (col: string) => sql.ref(`${b}.${col}`);
  return sql<boolean>`(${c('breached_at')} is not null or ${c('state')} = 'breached' or (${c('completed_at')} is null and not ${c('paused')} and ${c('due_at')} <= ${now}))`;
};
/** A clock (alias `b`) in state warning at `now`, given it is not breached (clockStateAt). */
export const clockWarning = (b: string, now: Date) => {
  const c = (col: string) => sql.ref(`${b}.${col}`);
  return sql<boolean>`(${c('completed_at')} is null and not ${c('paused')} and ${c('due_at')} > ${now} and (${c('warned_at')} is not null or ${c('warn_at')} <= ${now}))`;
};

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

/** The same two states for one ticket's clocks (`ticket_sla b` of the ticket `tickets`), read through the primary key. */
export const ticketBreached = (now: Date) => sql<boolean>`exists (select 1 from ticket_sla b where b.ticket_id = tickets.id and ${clockBreached('b', now)})`;
export const ticketWarned = (now: Date) =>
  sql<boolean>`exists (select 1 from ticket_sla b where b.ticket_id = tickets.id and b.breached_at is null and ${clockWarning('b', now)})`;
