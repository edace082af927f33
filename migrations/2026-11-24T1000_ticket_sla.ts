import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Each ticket's clocks as last computed from its history (see sla-clock.ts): what the sla
  // block shows and what the breach sweep looks up by due time. warned_at and breached_at are
  // the sweep's records and survive recomputation.
  await sql`
    create table ticket_sla (
      ticket_id uuid not null references tickets (id),
      metric text not null check (metric in ('first_response','resolution','follow_up','periodic_update')),
      policy_id uuid not null references sla_policies (id),
      target_minutes integer not null,
      started_at timestamptz not null,
      due_at timestamptz,
      warn_at timestamptz,
      completed_at timestamptz,
      paused boolean not null default false,
      state text not null check (state in ('running','paused','met','warning','breached')),
      warned_at timestamptz,
      breached_at timestamptz,
      primary key (ticket_id, metric)
    )`.execute(db);
  await sql`create index ticket_sla_due on ticket_sla (due_at) where completed_at is null and not paused and breached_at is null`.execute(db);
  await sql`create index ticket_sla_warn on ticket_sla (warn_at) where completed_at is null and not paused and warned_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists ticket_sla`.execute(db);
}
