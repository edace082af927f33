import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { applyKeyset } from '../../db/keyset.ts';
import type { AuditLogTable, Db, TechniciansTable, Tx } from '../../db/types.ts';
import type { Keyset } from '../../http/pagination.ts';

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
