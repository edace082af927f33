import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Spare parts and their stock. Stock never goes below zero (the check), and every change to
  // it is a row of the append-only ledger below, written in the same statement or transaction,
  // so stock always equals the sum of the part's movements.
  await sql`
    create table parts (
      id uuid primary key,
      sku text not null,
      name text not null,
      category text,
      unit_price bigint not null check (unit_price >= 0),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      stock integer not null check (stock >= 0),
      reorder_level integer not null default 0 check (reorder_level >= 0),
      active boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1
    )`.execute(db);
  await sql`create unique index parts_sku_key on parts (sku)`.execute(db);
  await sql`create index parts_updated_at_idx on parts (updated_at, id)`.execute(db);
  await sql`create index parts_category_idx on parts (category, id desc)`.execute(db);
  // The reorder list: parts at or below their reorder level.
  await sql`create index parts_low_stock_idx on parts (id desc) where stock <= reorder_level`.execute(db);
  await sql`create index parts_inactive_idx on parts (id desc) where not active`.execute(db);

  await sql`
    create table part_movements (
      id uuid primary key,
      part_id uuid not null references parts (id),
      kind text not null check (kind in ('opening', 'received', 'adjusted', 'returned', 'consumed')),
      quantity integer not null check (quantity <> 0),
      stock_after integer not null check (stock_after >= 0),
      reason text,
      occurred_at timestamptz not null,
      actor_kind text not null,
      actor_id uuid,
      actor_role text,
      request_id text
    )`.execute(db);
  await sql`create index part_movements_part_idx on part_movements (part_id, id desc)`.execute(db);
  await sql`
    create trigger part_movements_append_only before update or delete on part_movements
    for each row execute function aftercare_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists part_movements`.execute(db);
  await sql`drop table if exists parts`.execute(db);
}
