import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every SLA warning and breach the sweep records: one row per ticket, metric and kind, which
  // the unique constraint guarantees however many sweeps run at once or are retried.
  await sql`
    create table sla_breaches (
      id uuid primary key,
      ticket_id uuid not null references tickets (id),
      metric text not null check (metric in ('first_response','resolution','follow_up','periodic_update')),
      kind text not null check (kind in ('warning','breach')),
      at timestamptz not null,
      recorded_at timestamptz not null,
      policy_id uuid not null references sla_policies (id),
      target_minutes integer not null,
      customer_id uuid not null,
      technician_id uuid,
      priority text not null,
      tier smallint not null,
      actions jsonb not null default '[]',
      constraint sla_breaches_once unique (ticket_id, metric, kind)
    )`.execute(db);
  for (const [name, cols] of [
    ['sla_breaches_kind', 'kind, id'],
    ['sla_breaches_metric', 'metric, id'],
    ['sla_breaches_customer', 'customer_id, id'],
    ['sla_breaches_technician', 'technician_id, id'],
    ['sla_breaches_policy', 'policy_id, id'],
    ['sla_breaches_at', 'at, id'],
    ['sla_breaches_recorded', 'recorded_at, id'],
  ] as const) {
    await sql`create index ${sql.id(name)} on sla_breaches (${sql.raw(cols)})`.execute(db);
  }

  // What the sweep looks for, and only that. Due: a running clock past its due time, or one
  // that completed late before any sweep saw it; either leaves the index once recorded.
  await sql`drop index ticket_sla_due`.execute(db);
  await sql`
    create index ticket_sla_due on ticket_sla (due_at)
    where breached_at is null and ((completed_at is null and not paused) or state = 'breached')`.execute(db);
  // Warning: a running clock past its warning time, until warned or breached.
  await sql`drop index ticket_sla_warn`.execute(db);
  await sql`
    create index ticket_sla_warn on ticket_sla (warn_at)
    where completed_at is null and not paused and warned_at is null and breached_at is null`.execute(db);
  // For the tickets list's sla_state filter: clocks already breached, and running clocks warned.
  await sql`create index ticket_sla_breached on ticket_sla (ticket_id) where breached_at is not null or state = 'breached'`.execute(db);
  await sql`
    create index ticket_sla_warned on ticket_sla (ticket_id)
    where warned_at is not null and breached_at is null and completed_at is null and not paused`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists ticket_sla_warned`.execute(db);
  await sql`drop index if exists ticket_sla_breached`.execute(db);
  await sql`drop table if exists sla_breaches`.execute(db);
  await sql`drop index if exists ticket_sla_warn`.execute(db);
  await sql`create index ticket_sla_warn on ticket_sla (warn_at) where completed_at is null and not paused and warned_at is null`.execute(db);
  await sql`drop index if exists ticket_sla_due`.execute(db);
  await sql`create index ticket_sla_due on ticket_sla (due_at) where completed_at is null and not paused and breached_at is null`.execute(db);
}
