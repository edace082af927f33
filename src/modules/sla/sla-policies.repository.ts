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

/** The calendar a policy is to use, locked for share: a concurrent change of the calendar waits, and checks against this policy. */
export async function calendarForShare(tx: Tx, id: string) {
  return tx.selectFrom('calendars').select(['timezone', 'hours', 'holidays', 'workdays']).where('id', '=', id).forShare().executeTakeFirst();
}

/** Active policies in match order, each with its calendar as JSON: one round trip for matching. */
export async function activePoliciesWithCalendars(db: Db | Tx) {
  const rows = await db
    .selectFrom('sla_policies as p')
    .innerJoin('calendars as c', 'c.id', 'p.calendar_id')
    .select([
      'p.id', 'p.name', 'p.position', 'p.match', 'p.targets', 'p.calendar_id', 'p.warn_at_percent', 'p.pause_on', 'p.on_breach', 'p.active', 'p.version',
      sql<Record<string, unknown>>`json_build_object('id', c.id, 'name', c.name, 'timezone', c.timezone, 'hours', c.hours, 'holidays', c.holidays, 'workdays', c.workdays, 'version', c.version)`.as('calendar'),
    ])
    .where('p.active', '=', true)
    .orderBy('p.position')
    .orderBy('p.id')
    .execute();
  return rows;
}

/** Customers' tiers, which policies match on. */
export async function customerTiers(db: Db | Tx, customerIds: string[]): Promise<Map<string, string>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db.selectFrom('customers').select(['id', 'tier']).where('id', 'in', customerIds).execute();
  return new Map(rows.map((c) => [c.id, c.tier]));
}

/** on_breach of the given policies, by id (the sweep's actions). */
export async function onBreachOf(db: Db | Tx, policyIds: string[]): Promise<Map<string, unknown>> {
  if (policyIds.length === 0) return new Map();
  const rows = await db.selectFrom('sla_policies').select(['id', 'on_breach']).where('id', 'in', policyIds).execute();
  return new Map(rows.map((p) => [p.id, p.on_breach]));
}

export async function notifySettingsChanged(tx: Tx, channel: string): Promise<void> {
  await sql`select pg_notify(${channel}, '')`.execute(tx);
}

/**
 * Asks sla-recompute for a run. The request's instant only ever grows (by a millisecond when
 * the clock stands still, as under a test's manual clock), so every change asks anew.
 */
export async function requestRecompute(tx: Tx, now: Date): Promise<void> {
  await sql`update sla_recompute set requested_at = greatest(${now}::timestamptz, requested_at + interval '1 millisecond') where id = 1`.execute(tx);
}

export async function recomputeRequest(db: Db) {
  return db.selectFrom('sla_recompute').select(['requested_at', 'done_at']).where('id', '=', 1).executeTakeFirst();
}

export async function finishRecomputeUpTo(db: Db, upTo: Date): Promise<void> {
  await db.updateTable('sla_recompute').set({ done_at: upTo }).where('id', '=', 1).execute();
}
