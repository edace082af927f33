import type { Config } from '../config.ts';
import { deleteExpiredKeys } from '../db/idempotency.ts';
import { deleteEventsBefore } from '../db/outbox.ts';
import { forgetFinishedDeliveries } from '../modules/webhooks/webhooks.service.ts';
import { deleteRunsBefore, failAbandonedRuns } from './jobs.repository.ts';
import type { JobDefinition } from './scheduler.ts';

const BATCH = 5_000;
const DAY_MS = 86_400_000;

/** A run still marked running after this long belongs to an instance that stopped mid-run. */
const ABANDONED_AFTER_MS = 60 * 60_000;

export type RetentionSettings = Pick<Config, 'EVENTS_RETENTION_DAYS' | 'WEBHOOK_DELIVERIES_RETENTION_DAYS' | 'JOB_RUNS_RETENTION_DAYS'>;

/** Runs a bounded delete until a batch comes back short, so no run holds long locks. */
async function inBatches(remove: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await remove(BATCH);
    total += n;
    if (n < BATCH) return total;
  }
}

/**
 * Retention (every ten minutes): expired Idempotency-Key records; job runs older than
 * JOB_RUNS_RETENTION_DAYS; finished webhook deliveries older than
 * WEBHOOK_DELIVERIES_RETENTION_DAYS; events older than EVENTS_RETENTION_DAYS that no kept
 * delivery refers to (0: kept for ever). Marks runs whose instance died as failed.
 */
export function housekeepingJob(settings: RetentionSettings): JobDefinition {
  return {
    name: 'housekeeping',
    schedule: '0 */10 * * * *',
    async run({ db, clock }) {
      const now = clock.now();
      const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
      const abandoned = await failAbandonedRuns(db, new Date(now.getTime() - ABANDONED_AFTER_MS), now);
      const oldRuns = await deleteRunsBefore(db, ago(settings.JOB_RUNS_RETENTION_DAYS));
      const keys = await inBatches((limit) => deleteExpiredKeys(db, now, limit));
      const deliveries = settings.WEBHOOK_DELIVERIES_RETENTION_DAYS > 0 ? await inBatches((limit) => forgetFinishedDeliveries(db, ago(settings.WEBHOOK_DELIVERIES_RETENTION_DAYS), limit)) : 0;
      const events = settings.EVENTS_RETENTION_DAYS > 0 ? await inBatches((limit) => deleteEventsBefore(db, ago(settings.EVENTS_RETENTION_DAYS), limit)) : 0;
      return {
        idempotency_keys_deleted: keys,
        job_runs_deleted: oldRuns,
        job_runs_abandoned: abandoned,
        webhook_deliveries_deleted: deliveries,
        events_deleted: events,
      };
    },
  };
}
