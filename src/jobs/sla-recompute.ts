import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/types.ts';
import { measureStoppedClocksPage, recomputeClocksPage } from '../modules/tickets/ticket.sla-commands.ts';
import { finishRecompute, pendingRecompute } from '../modules/sla/sla-settings.service.ts';

const PAGE = 500;

/**
 * sla-recompute: after a policy or calendar change (a holiday added, a target shortened),
 * recomputes the stored clocks of every ticket that is not closed or cancelled, a page at a
 * time in id order, each page one transaction holding its tickets' locks (waiting for a
 * change or a sweep batch in progress, in id order, so it cannot deadlock with them). A
 * change made while it runs asks for another run. Recorded warnings and breaches are kept.
 */
export async function recomputeSla(deps: { db: Db; clock: Clock; log: Logger }) {
  // Clocks stopped before ticket_sla kept business minutes, a page per run until none are left
  // (an empty partial index once done: one index probe per run).
  const measured = await deps.db.transaction().execute((tx) => measureStoppedClocksPage(tx, PAGE, deps.clock.now()));
  const upTo = await pendingRecompute(deps.db);
  if (!upTo) return { tickets_recomputed: 0, ...(measured ? { clocks_measured_tickets: measured } : {}) };
  let after: string | null = null;
  let n = 0;
  for (;;) {
    const page: { count: number; last: string | null } = await deps.db.transaction().execute((tx) => recomputeClocksPage(tx, after, PAGE, deps.clock.now()));
    n += page.count;
    if (page.count < PAGE) break;
    after = page.last;
  }
  await finishRecompute(deps.db, upTo);
  return { tickets_recomputed: n, ...(measured ? { clocks_measured_tickets: measured } : {}) };
}
