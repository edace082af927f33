import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/types.ts';
import { claimFollowUpsDue } from '../modules/sla/follow-ups.service.ts';
import { announceFollowUpsDue } from '../modules/tickets/ticket.sla-commands.ts';

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
  let reminded = 0;
  for (;;) {
    const n = await deps.db.transaction().execute(async (tx) => {
      const due = await claimFollowUpsDue(tx, now, until, BATCH);
      await announceFollowUpsDue(tx, due, now);
      return due.length;
    });
    reminded += n;
    if (n < BATCH) break;
  }
  return { follow_ups_announced: reminded };
}
