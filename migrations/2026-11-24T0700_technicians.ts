import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table technicians (
      id uuid primary key,
      name text not null,
      phone text,
      email text,
      tier smallint not null check (tier between 1 and 3),
      regions text[] not null default '{}',
      skills text[] not null default '{}',
      max_open_tickets integer not null check (max_open_tickets between 0 and 10000),
      -- Maintained by the assignment statements themselves (never read-then-write), so a
      -- conditional UPDATE on this row is what keeps a technician within capacity.
      open_tickets integer not null default 0 check (open_tickets >= 0),
      active boolean not null default true,
      calendar_id uuid,
      last_assigned_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1
    )`.execute(db);
  await sql`create index technicians_updated on technicians (updated_at, id)`.execute(db);
  await sql`create index technicians_tier on technicians (tier, id)`.execute(db);
  await sql`create index technicians_active on technicians (active, id)`.execute(db);
  await sql`create index technicians_regions on technicians using gin (regions)`.execute(db);
  await sql`create index technicians_skills on technicians using gin (skills)`.execute(db);
  await sql`
    alter table api_keys add constraint api_keys_technician_fk
    foreign key (technician_id) references technicians (id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys drop constraint if exists api_keys_technician_fk`.execute(db);
  await sql`drop table if exists technicians`.execute(db);
}
