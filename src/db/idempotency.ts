import { sql } from 'kysely';
import type { Db, Tx } from './types.ts';

/**
 * Erasure reaches stored Idempotency-Key replays too: any stored response that mentions the
 * resource is dropped (a retry of that request would then run afresh). A scan of at most a
 * day of keys, once per erasure.
 */
export async function forgetStoredResponsesMentioning(tx: Tx, resourceId: string): Promise<void> {
  await sql`delete from idempotency_keys where state = 'done' and strpos(response_body, ${resourceId}) > 0`.execute(tx);
}

/** Deletes up to `limit` expired Idempotency-Key records (skipping any a request holds); returns how many. */
export async function deleteExpiredKeys(db: Db, now: Date, limit: number): Promise<number> {
  const result = await sql`
    delete from idempotency_keys where ctid in (
      select ctid from idempotency_keys where expires_at <= ${now} limit ${limit} for update skip locked
    )`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
