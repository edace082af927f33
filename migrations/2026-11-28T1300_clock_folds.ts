import { sql, type Kysely } from 'kysely';

// The SLA clocks' running account of each ticket's history (domain/sla-clock-fold.ts), kept
// so that a change folds in only its own timeline entries: a change then costs the same on a
// ticket with two thousand entries as on a fresh one. Valid for the policy, calendar and
// ticket version it records (basis, version); anything else recomputes from the timeline,
// so tickets without a row (all of them at first) simply get one at their next change.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ticket_clock_folds (
      ticket_id uuid primary key references tickets (id) on delete cascade,
      basis text not null,
      version integer not null,
      fold jsonb not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table ticket_clock_folds`.execute(db);
}
