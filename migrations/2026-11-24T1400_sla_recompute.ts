import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row: when SLA policies or calendars last changed, and up to which change the stored
  // clocks of open tickets have been recomputed (by the sla-recompute job).
  await sql`
    create table sla_recompute (
      id smallint primary key check (id = 1),
      requested_at timestamptz,
      done_at timestamptz
    )`.execute(db);
  await sql`insert into sla_recompute (id) values (1)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists sla_recompute`.execute(db);
}
