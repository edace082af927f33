import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/types.ts';
import { systemContext } from '../../lib/context.ts';
import { eventRow, insertEvents } from '../events/events.repository.ts';
import { findTicketsWithSla, insertTimeline } from '../tickets/tickets.repository.ts';
import { present, timelineRow } from '../tickets/tickets.service.ts';
import { DUE } from './clock-predicates.ts';
import { slaBlocks, slaRowsFromJson } from './ticket-sla.service.ts';

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
      const views = (await findTicketsWithSla(tx, rows.map((r) => r.ticket_id))).map(({ sla_rows, ...row }) => present(row, slaBlocks(slaRowsFromJson(sla_rows), now).get(row.id)));
      await insertEvents(tx, views.map((v) => eventRow(ctx, now, 'ticket.follow_up_due', { type: 'ticket', id: v.id }, v)));
      return rows.length;
    });
    reminded += n;
    if (n < BATCH) break;
  }
  return { follow_ups_announced: reminded };
}
