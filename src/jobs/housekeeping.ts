import { sql } from 'kysely';
import type { JobDefinition } from './scheduler.ts';

const BATCH = 5_000;

/** Deletes expired Idempotency-Key records in bounded batches, so one run never holds long locks. */
export const housekeeping: JobDefinition = {
  name: 'housekeeping',
  schedule: '0 */10 * * * *',
  async run({ db, clock }) {
    const now = clock.now();
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
    return { idempotency_keys_deleted: deleted };
  },
};

export const allJobs: JobDefinition[] = [housekeeping];
