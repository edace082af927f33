import { sql } from 'kysely';
import Type, { type Static } from 'typebox';
import { decodeCursor, encodeCursor, type TimedCursor } from '../../db/pagination.ts';
import { Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';
import type { Actor } from '../../lib/context.ts';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/types.ts';
import { systemContext } from '../../lib/context.ts';
import { eventRow, insertEvents } from '../../db/outbox.ts';
import { insertTimeline } from '../tickets/tickets.repository.ts';
import { ticketViews, timelineRow } from '../tickets/tickets.service.ts';
import { DUE } from './clock-predicates.ts';

/** How far ahead a follow-up call is announced. */
export const FOLLOW_UP_NOTICE_MS = 24 * 3_600_000;
const BATCH = 1_000;

/**
 * follow-up-reminders: every follow-up call (回访) coming due within a day is announced once,
 * with a `ticket.follow_up_due` event (the ticket as GET shows it) and an `sla` timeline entry,
 * so a CRM or dialler can schedule the call before the follow-up clock breaches. Once is
 * the primary key of follow_up_reminders (ticket, due time): a follow-up due again after a
 * reopen and a new resolution is announced again.
 */
export async function remindFollowUps(deps: { db: Db; clock: Clock; log: Logger }) {
  const now = deps.clock.now();
  const until = new Date(now.getTime() + FOLLOW_UP_NOTICE_MS);
  const ctx = systemContext();
  let reminded = 0;
  for (;;) {
    const n = await deps.db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ ticket_id: string; due_at: Date }>`
        insert into follow_up_reminders (ticket_id, due_at, sent_at)
        select s.ticket_id, s.due_at, ${now} from ticket_sla s
        where ${DUE} and s.due_at > ${now} and s.due_at <= ${until} and s.metric = 'follow_up'
          and not exists (select 1 from follow_up_reminders r where r.ticket_id = s.ticket_id and r.due_at = s.due_at)
        order by s.due_at
        limit ${BATCH}
        on conflict do nothing
        returning ticket_id, due_at`.execute(tx);
      if (rows.length === 0) return 0;
      await insertTimeline(
        tx,
        rows.map((r) => timelineRow(ctx, r.ticket_id, now, { entry: 'sla', action: 'follow_up_due', data: { metric: 'follow_up', due_at: r.due_at.toISOString() } })),
      );
      const views = await ticketViews(tx, rows.map((r) => r.ticket_id), now);
      await insertEvents(tx, views.map((v) => eventRow(ctx, now, 'ticket.follow_up_due', { type: 'ticket', id: v.id }, v)));
      return rows.length;
    });
    reminded += n;
    if (n < BATCH) break;
  }
  return { follow_ups_announced: reminded };
}

export const FollowUpSchema = Type.Object(
  {
    ticket_id: Uuid,
    number: Type.String(),
    customer_id: Uuid,
    technician_id: Nullable(Uuid),
    resolved_at: Nullable(Timestamp),
    due_at: Timestamp,
    state: StringEnum(['running', 'warning', 'breached'] as const),
    announced_at: Nullable(Timestamp),
  },
  { $id: 'FollowUp', additionalProperties: false },
);
registerShared(FollowUpSchema);
export const FollowUpPage = Page(FollowUpSchema, 'FollowUpPage');
registerShared(FollowUpPage);
export const FollowUpQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    due_before: Type.Optional(Timestamp),
    technician_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

/** The worklist's statement: pending follow-up clocks through their partial index, joined to their tickets. */
export function followUpWorklistQuery(f: { dueBefore?: Date; after?: TimedCursor; technician?: string; limit: number }) {
  return sql<{ ticket_id: string; number: string; customer_id: string; technician_id: string | null; resolved_at: Date | null; due_at: Date; warn_at: Date | null; warned_at: Date | null; breached_at: Date | null; announced_at: Date | null }>`
    select s.ticket_id, t.number, t.customer_id, t.technician_id, t.resolved_at, s.due_at, s.warn_at, s.warned_at, s.breached_at,
      (select max(r.sent_at) from follow_up_reminders r where r.ticket_id = s.ticket_id and r.due_at = s.due_at) as announced_at
    from ticket_sla s join tickets t on t.id = s.ticket_id
    where s.metric = 'follow_up' and s.completed_at is null and not s.paused
      ${f.dueBefore ? sql`and s.due_at < ${f.dueBefore}` : sql``}
      ${f.after ? sql`and (s.due_at, s.ticket_id) > (${new Date(f.after.t)}, ${f.after.id})` : sql``}
      ${f.technician ? sql`and t.technician_id = ${f.technician}` : sql``}
    order by s.due_at, s.ticket_id
    limit ${f.limit + 1}`;
}

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
      state: (r.breached_at || r.due_at <= now ? 'breached' : r.warned_at || (r.warn_at && r.warn_at <= now) ? 'warning' : 'running') as 'running' | 'warning' | 'breached',
      announced_at: r.announced_at?.toISOString() ?? null,
    })),
    next_cursor: rows.length > limit && last ? encodeCursor({ s: 'due', t: last.due_at.toISOString(), id: last.ticket_id }) : null,
  };
}
