import { deleteExpiredKeys } from '../db/idempotency.ts';
import { deleteRunsBefore, failAbandonedRuns } from './jobs.repository.ts';
import type { JobDefinition } from './scheduler.ts';

const BATCH = 5_000;

/** How long job runs are kept (the SLA sweep alone writes one every few seconds). */
const JOB_RUNS_KEPT_DAYS = 7;
/** A run still marked running after this long belongs to an instance that stopped mid-run. */
const ABANDONED_AFTER_MS = 60 * 60_000;

/**
 * Deletes expired Idempotency-Key records in bounded batches, so one run never holds long
 * locks; forgets job runs older than a week; marks runs whose instance died as failed.
 */
export const housekeeping: JobDefinition = {
  name: 'housekeeping',
  schedule: '0 */10 * * * *',
  async run({ db, clock }) {
    const now = clock.now();
    const abandoned = await failAbandonedRuns(db, new Date(now.getTime() - ABANDONED_AFTER_MS), now);
    const oldRuns = await deleteRunsBefore(db, new Date(now.getTime() - JOB_RUNS_KEPT_DAYS * 86_400_000));
    let deleted = 0;
    for (;;) {
      const n = await deleteExpiredKeys(db, now, BATCH);
      deleted += n;
      if (n < BATCH) break;
    }
    return {
      idempotency_keys_deleted: deleted,
      job_runs_deleted: oldRuns,
      job_runs_abandoned: abandoned,
    };
  },
};
