import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The exclusion constraint below compares a uuid with `=` inside a GiST index: btree_gist
  // gives uuid (and every btree type) a GiST operator class. A trusted extension: the
  // database's owner may create it.
  await sql`create extension if not exists btree_gist`.execute(db);

  await sql`
    alter table technicians
      add column travel_buffer_minutes integer not null default 0
        check (travel_buffer_minutes between 0 and 720)`.execute(db);

  // A field visit (上门服务). `holds_until` is window_end plus the technician's travel buffer
  // at booking time: the slot a visit holds is [window_start, holds_until), and two slots of one
  // technician never overlap while their visits are scheduled or checked in (the exclusion
  // constraint: the database, not a read-then-write, decides which of two bookings wins).
  await sql`
    create table visits (
      id uuid primary key,
      ticket_id uuid not null references tickets (id),
      customer_id uuid not null references customers (id),
      technician_id uuid not null references technicians (id),
      status text not null default 'scheduled'
        check (status in ('scheduled', 'checked_in', 'completed', 'cancelled', 'no_show')),
      window_start timestamptz not null,
      window_end timestamptz not null,
      buffer_minutes integer not null default 0 check (buffer_minutes >= 0),
      holds_until timestamptz not null,
      outside_hours boolean not null default false,
      outside_hours_reason text,
      planned_parts jsonb not null default '[]',
      notes text,
      checked_in_at timestamptz,
      completed_at timestamptz,
      cancelled_at timestamptz,
      cancel_reason text,
      no_show_at timestamptz,
      reminder_sent_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1,
      constraint visits_window_check check (window_end > window_start),
      constraint visits_holds_check check (holds_until >= window_end),
      constraint visits_outside_hours_reason check (not outside_hours or outside_hours_reason is not null),
      constraint visits_no_overlap exclude using gist (
        technician_id with =,
        tstzrange(window_start, holds_until, '[)') with &&
      ) where (status in ('scheduled', 'checked_in'))
    )`.execute(db);
  // A technician's day (the list filtered by technician and from/to), the ticket's visits, the
  // customer's, the list by status, updated_since, and the reminders due.
  await sql`create index visits_technician_window_idx on visits (technician_id, window_start, id)`.execute(db);
  await sql`create index visits_ticket_idx on visits (ticket_id, window_start, id)`.execute(db);
  await sql`create index visits_customer_idx on visits (customer_id, window_start, id)`.execute(db);
  await sql`create index visits_window_idx on visits (window_start, id)`.execute(db);
  await sql`create index visits_status_idx on visits (status, window_start, id)`.execute(db);
  await sql`create index visits_updated_at_idx on visits (updated_at, id)`.execute(db);
  await sql`create index visits_reminder_due_idx on visits (window_start) where status = 'scheduled' and reminder_sent_at is null`.execute(db);

  // A completed visit is history: no later change to its row.
  await sql`
    create function aftercare_visit_completed_frozen() returns trigger language plpgsql as $$
    begin
      raise exception 'visit % is completed; its record is frozen', old.id using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger visits_completed_frozen before update or delete on visits
    for each row when (old.status = 'completed') execute function aftercare_visit_completed_frozen()`.execute(db);

  // The repair record (维修记录) the customer signed: written once, in the completion's
  // transaction, never changed (the append-only trigger), with the SHA-256 of its canonical form.
  await sql`
    create table visit_records (
      visit_id uuid primary key references visits (id),
      ticket_id uuid not null references tickets (id),
      record jsonb not null,
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index visit_records_ticket_idx on visit_records (ticket_id)`.execute(db);
  await sql`
    create trigger visit_records_append_only before update or delete on visit_records
    for each row execute function aftercare_append_only()`.execute(db);

  // A consumed movement names the visit that used the part.
  await sql`alter table part_movements add column visit_id uuid references visits (id)`.execute(db);
  await sql`alter table part_movements add constraint part_movements_consumed_visit check ((kind = 'consumed') = (visit_id is not null))`.execute(db);
  await sql`create index part_movements_visit_idx on part_movements (visit_id) where visit_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table part_movements drop column if exists visit_id`.execute(db);
  await sql`drop table if exists visit_records`.execute(db);
  await sql`drop table if exists visits`.execute(db);
  await sql`drop function if exists aftercare_visit_completed_frozen`.execute(db);
  await sql`alter table technicians drop column if exists travel_buffer_minutes`.execute(db);
}
