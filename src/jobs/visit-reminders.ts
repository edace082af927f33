import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/types.ts';
import { remindVisitsDue } from '../modules/visits/visits.service.ts';

const BATCH = 1_000;

/**
 * visit-reminders: every scheduled visit whose window starts within VISIT_REMINDER_LEAD_MINUTES
 * is announced once with a `visit.reminder_due` event (the visit as GET shows it), so the
 * CRM can text the customer. Once is reminder_sent_at, set in the same transaction as the
 * event; a reschedule to another start clears it, and the new time is announced again.
 * A visit booked later than the lead time before its window is announced at the next run.
 */
export async function remindVisits(deps: { db: Db; clock: Clock; log: Logger }, leadMinutes: number) {
  const now = deps.clock.now();
  let reminded = 0;
  for (;;) {
    const n = await deps.db.transaction().execute((tx) => remindVisitsDue(tx, now, leadMinutes, BATCH));
    reminded += n;
    if (n < BATCH) break;
  }
  return { visit_reminders: reminded };
}
