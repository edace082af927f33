import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The follow-up worklist (GET /v1/follow-ups): every follow-up call not yet made, overdue
  // ones included, in order of due time.
  await sql`
    create index ticket_sla_follow_ups on ticket_sla (due_at, ticket_id)
    where metric = 'follow_up' and completed_at is null and not paused`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists ticket_sla_follow_ups`.execute(db);
}
