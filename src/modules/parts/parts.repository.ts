import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { applyKeyset, type Keyset } from '../../db/pagination.ts';
import type { Db, PartMovementsTable, PartsTable, Tx } from '../../db/types.ts';

export const PART_COLUMNS = ['id', 'sku', 'name', 'category', 'unit_price', 'currency', 'stock', 'reorder_level', 'active', 'created_at', 'updated_at', 'version'] as const;
export type PartRow = Pick<Selectable<PartsTable>, (typeof PART_COLUMNS)[number]>;
export type MovementRow = Selectable<PartMovementsTable>;

export async function insertPart(tx: Tx, row: Insertable<PartsTable>): Promise<PartRow> {
  return tx.insertInto('parts').values(row).returning(PART_COLUMNS).executeTakeFirstOrThrow();
}

export async function findPart(db: Db | Tx, id: string): Promise<PartRow | undefined> {
  return db.selectFrom('parts').select(PART_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function lockPart(tx: Tx, id: string): Promise<PartRow | undefined> {
  return tx.selectFrom('parts').select(PART_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export type PartFilter = { category?: string; active?: boolean; low_stock?: boolean; sku?: string };

export function partListQuery(db: Db, f: PartFilter, ks: Keyset) {
  let q = db.selectFrom('parts').select(PART_COLUMNS);
  if (f.sku) q = q.where('sku', '=', f.sku);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.active === true) q = q.where('active', '=', true);
  if (f.active === false) q = q.where(sql<boolean>`not active`);
  // Written as the partial index's predicate, so the planner can use it.
  if (f.low_stock === true) q = q.where(sql<boolean>`stock <= reorder_level`);
  if (f.low_stock === false) q = q.where(sql<boolean>`stock > reorder_level`);
  return applyKeyset(q, 'parts', ks);
}

export async function updatePart(tx: Tx, id: string, patch: Updateable<PartsTable>, at: Date): Promise<PartRow> {
  return tx
    .updateTable('parts')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning(PART_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** The most units of one part the ledger holds (the column is an int4; sums are checked in int8). */
export const MAX_STOCK = 1_000_000_000;

/**
 * Moves stock by `quantity` in one conditional UPDATE: no row comes back when the part does not
 * exist or the stock would go below zero (or above MAX_STOCK), so two concurrent withdrawals can never both pass a
 * check made before either wrote (the row lock orders them; the second sees the first's stock).
 */
export async function moveStock(tx: Tx, id: string, quantity: number, at: Date): Promise<(PartRow & { stock_before: number }) | undefined> {
  return tx
    .updateTable('parts')
    .set((eb) => ({ stock: eb('stock', '+', quantity), updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where(sql<boolean>`stock::int8 + ${quantity} between 0 and ${MAX_STOCK}`)
    .returning([...PART_COLUMNS, sql<number>`stock - ${quantity}`.as('stock_before')])
    .executeTakeFirst();
}

export async function insertMovement(tx: Tx, row: Insertable<PartMovementsTable>): Promise<MovementRow> {
  return tx.insertInto('part_movements').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertMovements(tx: Tx, rows: Insertable<PartMovementsTable>[]): Promise<void> {
  if (rows.length) await tx.insertInto('part_movements').values(rows).execute();
}

export async function findParts(db: Db | Tx, ids: string[]): Promise<PartRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('parts').select(PART_COLUMNS).where('id', 'in', ids).orderBy('id').execute();
}

/** Newest first, a page of the ledger (occurred_at doubles as updated_at for pageOf, as on the timeline). */
export async function listMovements(db: Db, partId: string, ks: Extract<Keyset, { mode: 'id' }>) {
  let q = db.selectFrom('part_movements').selectAll().select(sql<Date>`occurred_at`.as('updated_at')).where('part_id', '=', partId);
  if (ks.after) q = q.where('id', '<', ks.after.id);
  return q.orderBy('id', 'desc').limit(ks.limit + 1).execute();
}

/**
 * Takes the parts out of stock, all in one statement, in part-id order (so two completions
 * lock shared parts in the same order): every part's stock goes down by its quantity, or,
 * when any would go below zero, none does (the statement returns the short parts instead
 * and the caller refuses the whole completion). Returns the moved rows with their stock before.
 */
export async function consumeParts(tx: Tx, lines: { part_id: string; quantity: number }[], at: Date) {
  const ids = lines.map((l) => l.part_id);
  const qty = lines.map((l) => l.quantity);
  const { rows } = await sql<{ id: string; sku: string; stock: number; reorder_level: number; quantity: number; moved: boolean }>`
    with wanted as (
      select w.id, w.quantity from unnest(${ids}::uuid[], ${qty}::int[]) as w(id, quantity)
    ), locked as (
      select p.id, p.sku, p.stock, p.reorder_level, w.quantity
      from parts p join wanted w on w.id = p.id
      order by p.id
      for update of p
    ), short as (
      select 1 from locked where stock < quantity
    ), moved as (
      update parts p set stock = p.stock - l.quantity, updated_at = ${at}, version = p.version + 1
      from locked l
      where p.id = l.id and not exists (select 1 from short)
      returning p.id
    )
    select l.id, l.sku, l.stock, l.reorder_level, l.quantity, exists (select 1 from moved m where m.id = l.id) as moved
    from locked l order by l.id`.execute(tx);
  return rows;
}
