import { sql, type Kysely } from 'kysely';

// The churn scan scores only the customers whose signals may have moved: those with a ticket
// changed, a survey answered or a breach recorded since the last scan, and those whose
// factors age into another score by now (churn_schedule.due_at, set at each scoring by
// domain/churn-score.ts nextRescoreAt). The model records which version the last scan used:
// another version (or no scan yet) scores everyone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table churn_schedule (
      customer_id uuid primary key references customers (id) on delete cascade,
      due_at timestamptz
    )`.execute(db);
  await sql`create index churn_schedule_due on churn_schedule (due_at) where due_at is not null`.execute(db);
  await sql`alter table churn_model add column scanned_at timestamptz, add column scanned_version integer`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table churn_model drop column scanned_at, drop column scanned_version`.execute(db);
  await sql`drop table churn_schedule`.execute(db);
}
