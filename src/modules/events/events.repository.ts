import type { Db } from '../../db/types.ts';

/** The feed's page: numbered events after a position, optionally of some types only. */
export async function listEvents(db: Db, after: number, types: string[] | undefined, limit: number) {
  let q = db
    .selectFrom('events')
    .select(['id', 'type', 'position', 'occurred_at', 'actor', 'resource_type', 'resource_id', 'data'])
    .where('position', '>', after);
  if (types?.length) q = q.where('type', 'in', types);
  return q.orderBy('position').limit(limit + 1).execute();
}
