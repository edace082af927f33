import { sql, type SelectQueryBuilder } from 'kysely';
import type { Keyset } from '../http/pagination.ts';

/**
 * Applies a keyset page to a query over a table with `id` and `updated_at`: the cost of
 * page 10,000 is the cost of page 1 (an index range scan from the cursor), never an OFFSET.
 */
export function applyKeyset<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  table: string,
  ks: Keyset,
  updatedColumn = 'updated_at',
): SelectQueryBuilder<DB, TB, O> {
  const id = sql.ref(`${table}.id`);
  const updated = sql.ref(`${table}.${updatedColumn}`);
  if (ks.mode === 'id') {
    let q = qb;
    if (ks.after) q = q.where(sql<boolean>`${id} < ${ks.after.id}`);
    return q.orderBy(sql`${id} desc`).limit(ks.limit + 1);
  }
  let q = qb.where(sql<boolean>`${updated} >= ${ks.since}`);
  if (ks.after) q = q.where(sql<boolean>`(${updated}, ${id}) > (${ks.after.t}, ${ks.after.id})`);
  return q.orderBy(sql`${updated} asc, ${id} asc`).limit(ks.limit + 1);
}
