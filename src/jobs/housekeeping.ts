import { sql } from 'kysely';
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
    const abandoned = await db
      .updateTable('job_runs')
      .set({ status: 'failed', finished_at: now, error: 'abandoned: the instance running it stopped before it finished' })
      .where('status', '=', 'running')
      .where('started_at', '<', new Date(now.getTime() - ABANDONED_AFTER_MS))
      .executeTakeFirst();
    const oldRuns = await db
      .deleteFrom('job_runs')
      .where('started_at', '<', new Date(now.getTime() - JOB_RUNS_KEPT_DAYS * 86_400_000))
      .where('status', '<>', 'running')
      .executeTakeFirst();
    let deleted = 0;
    for (;;) {
      const result = await sql`
        delete from idempotency_keys where ctid in (
          select ctid from idempotency_keys where expires_at <= ${now} limit ${BATCH} for update skip locked
        )`.execute(db);
      const n = Number(result.numAffectedRows ?? 0);
      deleted += n;
      if (n < BATCH) break;
    }
    return {
      idempotency_keys_deleted: deleted,
      job_runs_deleted: Number(oldRuns.numDeletedRows),
      job_runs_abandoned: Number(abandoned.numUpdatedRows),
    };
  },
};
