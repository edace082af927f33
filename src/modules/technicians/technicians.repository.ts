import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { applyKeyset } from '../../db/pagination.ts';
import type { AuditLogTable, Db, TechniciansTable, Tx } from '../../db/types.ts';
import type { Keyset } from '../../db/pagination.ts';

export const TECHNICIAN_COLUMNS = [
  'id',
  'name',
  'phone',
  'email',
  'tier',
  'regions',
  'skills',
  'max_open_tickets',
  'open_tickets',
  'active',
  'calendar_id',
  'travel_buffer_minutes',
  'last_assigned_at',
  'created_at',
  'updated_at',
  'version',
] as const;
export type TechnicianRow = Pick<Selectable<TechniciansTable>, (typeof TECHNICIAN_COLUMNS)[number]>;

export async function insertTechnician(db: Db | Tx, row: Insertable<TechniciansTable>, audit: Insertable<AuditLogTable>): Promise<TechnicianRow> {
  return db
    .with('audit', (qc) => qc.insertInto('audit_log').values(audit))
    .insertInto('technicians')
    .values(row)
    .returning(TECHNICIAN_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function findTechnician(db: Db | Tx, id: string): Promise<TechnicianRow | undefined> {
  return db.selectFrom('technicians').select(TECHNICIAN_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export interface TechnicianFilter {
  tier?: number;
  region?: string;
  skill?: string;
  active?: boolean;
  only?: string;
}

export function technicianListQuery(db: Db, f: TechnicianFilter, ks: Keyset) {
  let q = db.selectFrom('technicians').select(TECHNICIAN_COLUMNS);
  if (f.only) q = q.where('id', '=', f.only);
  if (f.tier !== undefined) q = q.where('tier', '=', f.tier);
  if (f.active !== undefined) q = q.where('active', '=', f.active);
  if (f.region) q = q.where(sql<boolean>`regions @> array[${f.region}]::text[]`);
  if (f.skill) q = q.where(sql<boolean>`skills @> array[${f.skill}]::text[]`);
  return applyKeyset(q, 'technicians', ks);
}

export async function updateTechnician(
  tx: Tx,
  id: string,
  patch: Updateable<TechniciansTable>,
  at: Date,
  expectedVersion: number | undefined,
): Promise<TechnicianRow | undefined> {
  let q = tx
    .updateTable('technicians')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id);
  if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
  return q.returning(TECHNICIAN_COLUMNS).executeTakeFirst();
}

export interface RoutingCriteria {
  tier: number;
  region: string | null;
  category: string;
  exclude?: string | null;
}

/**
 * Auto-routing in one statement: the least loaded active technician of the tier who serves
 * the region and has the skill and room, longest since last assignment first. With
 * `skipLocked` a concurrent assignment takes the next candidate instead of waiting; without
 * it, it waits for the row and Postgres re-checks the conditions on the new version. Either
 * way the outer condition on open_tickets is evaluated on the locked row, so no one is pushed
 * over capacity however many assignments race.
 */
export async function routeAndTakeSlot(tx: Tx, c: RoutingCriteria, at: Date, opts: { skipLocked: boolean }) {
  return tx
    .updateTable('technicians')
    .set((eb) => ({ open_tickets: eb('open_tickets', '+', 1), last_assigned_at: at }))
    .where('id', '=', (eb) =>
      eb
        .selectFrom('technicians')
        .select('id')
        .where('active', '=', true)
        .where('tier', '=', c.tier)
        .where(sql<boolean>`regions @> array[${c.region ?? ''}]::text[]`)
        .where(sql<boolean>`skills @> array[${c.category}]::text[]`)
        .where(sql<boolean>`open_tickets < max_open_tickets`)
        .$if(!!c.exclude, (q) => q.where('id', '<>', c.exclude!))
        .orderBy('open_tickets')
        .orderBy(sql`last_assigned_at asc nulls first`)
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .$if(opts.skipLocked, (q) => q.skipLocked()),
    )
    .where(sql<boolean>`open_tickets < max_open_tickets`)
    .returning(['id', 'open_tickets', 'max_open_tickets'])
    .executeTakeFirst();
}

/** Why nobody fits: how many candidates pass each routing condition in turn. */
export async function diagnoseRouting(tx: Tx, c: RoutingCriteria) {
  const { rows } = await sql<{ active_at_tier: number; in_region: number; with_skill: number; with_room: number }>`
    select count(*) filter (where active and tier = ${c.tier})::int as active_at_tier,
           count(*) filter (where active and tier = ${c.tier} and regions @> array[${c.region ?? ''}]::text[])::int as in_region,
           count(*) filter (where active and tier = ${c.tier} and regions @> array[${c.region ?? ''}]::text[] and skills @> array[${c.category}]::text[])::int as with_skill,
           count(*) filter (where active and tier = ${c.tier} and regions @> array[${c.region ?? ''}]::text[] and skills @> array[${c.category}]::text[] and open_tickets < max_open_tickets)::int as with_room
    from technicians`.execute(tx);
  return rows[0]!;
}

/** A named technician takes the ticket if active and with room. */
export async function takeSlot(tx: Tx, technicianId: string, at: Date) {
  return tx
    .updateTable('technicians')
    .set((eb) => ({ open_tickets: eb('open_tickets', '+', 1), last_assigned_at: at }))
    .where('id', '=', technicianId)
    .where('active', '=', true)
    .where(sql<boolean>`open_tickets < max_open_tickets`)
    .returning(['id', 'open_tickets', 'max_open_tickets'])
    .executeTakeFirst();
}

/**
 * Adds to technicians' loads (negative: takes away), in one statement, the rows locked in id
 * order first so two transactions changing the same technicians cannot deadlock.
 */
export async function changeLoad(tx: Tx, deltas: [technicianId: string, delta: number][]): Promise<void> {
  if (deltas.length === 0) return;
  if (deltas.length === 1) {
    const [[id, d]] = deltas as [[string, number]];
    await tx.updateTable('technicians').set((eb) => ({ open_tickets: eb('open_tickets', '+', d) })).where('id', '=', id).execute();
    return;
  }
  const sorted = [...deltas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const ids = sorted.map(([id]) => id);
  await sql`select id from technicians where id = any(${ids}::uuid[]) order by id for update`.execute(tx);
  await sql`
    update technicians set open_tickets = open_tickets + r.n
    from unnest(${ids}::uuid[], ${sorted.map(([, d]) => d)}::int[]) as r(id, n)
    where technicians.id = r.id`.execute(tx);
}

export async function technicianState(tx: Tx, id: string) {
  return tx.selectFrom('technicians').select(['id', 'active', 'open_tickets', 'max_open_tickets']).where('id', '=', id).executeTakeFirst();
}

/** Open work of one technician, counted from the tickets themselves (set-based, one query each). */
export async function workload(db: Db, technicianId: string, now: Date) {
  const counts = await db
    .selectFrom('tickets')
    .select(['status', 'priority', (eb) => eb.fn.countAll<number>().as('n')])
    .where('technician_id', '=', technicianId)
    .where('status', 'in', ['assigned', 'in_progress', 'on_hold'])
    .groupBy(['status', 'priority'])
    .execute();
  const oldest = await db
    .selectFrom('tickets')
    .select(['id', 'number', 'status', 'priority', 'subject', 'reported_at'])
    .where('technician_id', '=', technicianId)
    .where('status', 'in', ['assigned', 'in_progress', 'on_hold'])
    .orderBy('id')
    .limit(50)
    .execute();
  // Visits still ahead or under way, in schedule order (visits_technician_window_idx).
  const visits = await db
    .selectFrom('visits')
    .select(['id', 'ticket_id', 'status', 'window_start', 'window_end'])
    .where('technician_id', '=', technicianId)
    .where('status', 'in', ['scheduled', 'checked_in'])
    .where('window_start', '>=', new Date(now.getTime() - 86_400_000))
    .where('window_end', '>=', now)
    .orderBy('window_start')
    .orderBy('id')
    .limit(50)
    .execute();
  return { counts, oldest, visits };
}
