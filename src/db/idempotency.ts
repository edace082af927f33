import { sql } from 'kysely';
import type { Tx } from './types.ts';

/**
 * Erasure reaches stored Idempotency-Key replays too: any stored response that mentions the
 * resource is dropped (a retry of that request would then run afresh). A scan of at most a
 * day of keys, once per erasure.
 */
export async function forgetStoredResponsesMentioning(tx: Tx, resourceId: string): Promise<void> {
  await sql`delete from idempotency_keys where state = 'done' and strpos(response_body, ${resourceId}) > 0`.execute(tx);
}
