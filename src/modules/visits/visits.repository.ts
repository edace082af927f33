import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { isExclusionViolation } from '../../db/errors.ts';
import { applyKeyset, type Keyset } from '../../db/pagination.ts';
import type { Db, Tx, VisitRecordsTable, VisitsTable } from '../../db/types.ts';

export const VISIT_COLUMNS = [
  'id',
  'ticket_id',
  'customer_id',
  'technician_id',
  'status',
  'window_start',
  'window_end',
  'buffer_minutes',
  'holds_until',
  'outside_hours',
  'outside_hours_reason',
  'planned_parts',
  'notes',
  'checked_in_at',
  'completed_at',
  'cancelled_at',
  'cancel_reason',
  'no_show_at',
  'reminder_sent_at',
  'created_at',
  'updated_at',
  'version',
] as const;
export type VisitRow = Pick<Selectable<VisitsTable>, (typeof VISIT_COLUMNS)[number]>;

/** The name of the constraint that keeps one technician's slots apart (migrations/…_visits.ts). */
export const NO_OVERLAP = 'visits_no_overlap';

export const isOverlap = (err: unknown): boolean => isExclusionViolation(err, NO_OVERLAP);

export async function insertVisit(tx: Tx, row: Insertable<VisitsTable>): Promise<VisitRow> {
  return tx.insertInto('visits').values(row).returning(VISIT_COLUMNS).executeTakeFirstOrThrow();
}

export async function findVisit(db: Db | Tx, id: string): Promise<VisitRow | undefined> {
  return db.selectFrom('visits').select(VISIT_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function lockVisit(tx: Tx, id: string): Promise<VisitRow | undefined> {
  return tx.selectFrom('visits').select(VISIT_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateVisit(tx: Tx, id: string, patch: Updateable<VisitsTable>, at: Date): Promise<VisitRow> {
  return tx
    .updateTable('visits')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning(VISIT_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** The visit of the technician whose slot overlaps [start, holdsUntil), other than `except`: which one a refused booking collided with. */
export async function collidingVisit(db: Db, technicianId: string, start: Date, holdsUntil: Date, except: string | null): Promise<string | undefined> {
  let q = db
    .selectFrom('visits')
    .select('id')
    .where('technician_id', '=', technicianId)
    .where('status', 'in', ['scheduled', 'checked_in'])
    .where(sql<boolean>`tstzrange(window_start, holds_until, '[)') && tstzrange(${start}, ${holdsUntil}, '[)')`);
  if (except) q = q.where('id', '<>', except);
  return (await q.orderBy('window_start').limit(1).executeTakeFirst())?.id;
}

export interface VisitFilter {
  technician_id?: string;
  ticket_id?: string;
  customer_id?: string;
  status?: string;
  from?: string;
  to?: string;
}

/** The schedule order: by window start, then id (the cursor carries both). */
export interface ScheduleKeyset {
  limit: number;
  after?: { t: Date; id: string };
}

function filtered(db: Db, f: VisitFilter) {
  let q = db.selectFrom('visits').select(VISIT_COLUMNS);
  if (f.technician_id) q = q.where('technician_id', '=', f.technician_id);
  if (f.ticket_id) q = q.where('ticket_id', '=', f.ticket_id);
  if (f.customer_id) q = q.where('customer_id', '=', f.customer_id);
  if (f.status) q = q.where('status', '=', f.status as VisitRow['status']);
  if (f.from) q = q.where('window_start', '>=', new Date(f.from));
  if (f.to) q = q.where('window_start', '<', new Date(f.to));
  return q;
}

/** In schedule order (window_start, id), from the cursor on: an index range scan on every filter's index. */
export function visitScheduleQuery(db: Db, f: VisitFilter, ks: ScheduleKeyset) {
  let q = filtered(db, f);
  if (ks.after) q = q.where(sql<boolean>`(window_start, id) > (${ks.after.t}, ${ks.after.id})`);
  return q.orderBy('window_start').orderBy('id').limit(ks.limit + 1);
}

/** For incremental sync (updated_since): oldest change first. */
export function visitChangesQuery(db: Db, f: VisitFilter, ks: Extract<Keyset, { mode: 'updated' }>) {
  return applyKeyset(filtered(db, f), 'visits', ks);
}

/** What the repair record needs about the visit's ticket, customer, product and technician, in one query. */
export async function recordContext(tx: Tx, visit: VisitRow) {
  return tx
    .selectFrom('tickets as t')
    .innerJoin('customers as c', 'c.id', 't.customer_id')
    .innerJoin('technicians as tech', (j) => j.on('tech.id', '=', visit.technician_id))
    .leftJoin('assets as a', 'a.id', 't.asset_id')
    .select([
      't.id as ticket_id',
      't.number',
      't.type',
      't.category',
      't.subject',
      't.reported_at',
      't.warranty_decision',
      'c.id as customer_id',
      'c.name as customer_name',
      'c.address as customer_address',
      'a.id as asset_id',
      'a.product_model',
      'a.serial_number',
      'a.warranty_until',
      'a.proof_of_purchase',
      'tech.name as technician_name',
    ])
    .where('t.id', '=', visit.ticket_id)
    .executeTakeFirstOrThrow();
}

export async function insertRecord(tx: Tx, row: Insertable<VisitRecordsTable>): Promise<void> {
  await tx.insertInto('visit_records').values(row).execute();
}

export async function findRecord(db: Db, visitId: string) {
  return db.selectFrom('visit_records').selectAll().where('visit_id', '=', visitId).executeTakeFirst();
}

/**
 * Marks the visits whose reminder is due (scheduled, window starting within `until`, not yet
 * reminded) as reminded and returns them: claimed with SKIP LOCKED, so two runs never take
 * the same visit, and a visit being changed right now is left for the next run.
 */
export async function claimRemindersDue(tx: Tx, now: Date, until: Date, limit: number): Promise<VisitRow[]> {
  return tx
    .updateTable('visits')
    .set((eb) => ({ reminder_sent_at: now, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', 'in', (qb) =>
      qb
        .selectFrom('visits')
        .select('id')
        .where('status', '=', 'scheduled')
        .where('reminder_sent_at', 'is', null)
        .where('window_start', '<=', until)
        .where('window_start', '>', now)
        .orderBy('window_start')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(VISIT_COLUMNS)
    .execute();
}

/** Calls off a ticket's scheduled visits (its cancellation), all in one statement. */
export async function cancelScheduledOfTicket(tx: Tx, ticketId: string, at: Date, reason: string): Promise<VisitRow[]> {
  return tx
    .updateTable('visits')
    .set((eb) => ({ status: 'cancelled', cancelled_at: at, cancel_reason: reason, updated_at: at, version: eb('version', '+', 1) }))
    .where('ticket_id', '=', ticketId)
    .where('status', '=', 'scheduled')
    .returning(VISIT_COLUMNS)
    .execute();
}
