import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/types.ts';
import { TICKET_COLUMNS, type TicketRow } from '../tickets/tickets.repository.ts';
import { refreshTicketsSla } from './ticket-sla.service.ts';

const PAGE = 500;

/**
 * sla-recompute: after a policy or calendar change (a holiday added, a target shortened),
 * recomputes the stored clocks of every ticket that is not closed or cancelled, a page at a
 * time in id order, each page one transaction holding its tickets' locks (waiting for a
 * change or a sweep batch in progress, in id order, so it cannot deadlock with them). A
 * change made while it runs asks for another run. Recorded warnings and breaches are kept.
 */
export async function recomputeSla(deps: { db: Db; clock: Clock; log: Logger }) {
  const state = await deps.db.selectFrom('sla_recompute').select(['requested_at', 'done_at']).where('id', '=', 1).executeTakeFirst();
  if (!state?.requested_at || (state.done_at && state.done_at >= state.requested_at)) return { tickets_recomputed: 0 };
  const upTo = state.requested_at;
  let after: string | null = null;
  let n = 0;
  for (;;) {
    const page: TicketRow[] = await deps.db.transaction().execute(async (tx) => {
      const { rows } = await sql<TicketRow>`
        select ${sql.join(TICKET_COLUMNS.map((c) => sql.ref(c)))} from tickets
        where status not in ('closed', 'cancelled') ${after ? sql`and id > ${after}` : sql``}
        order by id limit ${PAGE}
        for update`.execute(tx);
      await refreshTicketsSla(tx, rows, deps.clock.now());
      return rows;
    });
    n += page.length;
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  await deps.db.updateTable('sla_recompute').set({ done_at: upTo }).where('id', '=', 1).execute();
  return { tickets_recomputed: n };
}
