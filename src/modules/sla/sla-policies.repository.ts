import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { applyKeyset } from '../../db/pagination.ts';
import type { Db, SlaPoliciesTable, Tx } from '../../db/types.ts';
import type { Keyset } from '../../db/pagination.ts';

export const POLICY_COLUMNS = [
  'id', 'name', 'position', 'match', 'targets', 'calendar_id', 'warn_at_percent', 'pause_on', 'on_breach', 'active', 'created_at', 'updated_at', 'version',
] as const;
export type PolicyRow = Pick<Selectable<SlaPoliciesTable>, (typeof POLICY_COLUMNS)[number]>;

export async function insertPolicy(tx: Tx, row: Insertable<SlaPoliciesTable>): Promise<PolicyRow> {
  return tx.insertInto('sla_policies').values(row).returning(POLICY_COLUMNS).executeTakeFirstOrThrow();
}

export async function findPolicy(db: Db | Tx, id: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('sla_policies').select(POLICY_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function lockPolicy(tx: Tx, id: string): Promise<PolicyRow | undefined> {
  return tx.selectFrom('sla_policies').select(POLICY_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function policyListQuery(db: Db, f: { active?: boolean }, ks: Keyset) {
  let q = db.selectFrom('sla_policies').select(POLICY_COLUMNS);
  if (f.active !== undefined) q = q.where('active', '=', f.active);
  return applyKeyset(q, 'sla_policies', ks);
}

export async function updatePolicy(tx: Tx, id: string, patch: Updateable<SlaPoliciesTable>, at: Date): Promise<PolicyRow> {
  return tx
    .updateTable('sla_policies')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning(POLICY_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function calendarExists(tx: Tx, id: string): Promise<boolean> {
  return (await tx.selectFrom('calendars').select(sql<number>`1`.as('one')).where('id', '=', id).forShare().executeTakeFirst()) !== undefined;
}

/** Active policies in match order, each with its calendar as JSON: one round trip for matching. */
export async function activePoliciesWithCalendars(db: Db | Tx) {
  const rows = await db
    .selectFrom('sla_policies as p')
    .innerJoin('calendars as c', 'c.id', 'p.calendar_id')
    .select([
      'p.id', 'p.name', 'p.position', 'p.match', 'p.targets', 'p.calendar_id', 'p.warn_at_percent', 'p.pause_on', 'p.on_breach', 'p.active',
      sql<Record<string, unknown>>`json_build_object('id', c.id, 'name', c.name, 'timezone', c.timezone, 'hours', c.hours, 'holidays', c.holidays, 'workdays', c.workdays, 'version', c.version)`.as('calendar'),
    ])
    .where('p.active', '=', true)
    .orderBy('p.position')
    .orderBy('p.id')
    .execute();
  return rows;
}
