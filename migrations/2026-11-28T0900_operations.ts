import { sql, type Kysely } from 'kysely';

// Operations: /metrics counts open tickets and clocks; the data-subject export reads the events about a customer's records by
// resource; retention deletes job runs by age, and old events: the feed stays append-only for
// everything else, a delete passes only in a transaction that declares itself retention
// (set local aftercare.retention = 'on', which only the housekeeping job does).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index events_resource on events (resource_id, position) where position is not null`.execute(db);
  await sql`create index job_runs_finished on job_runs (started_at) where status <> 'running'`.execute(db);
  // What /metrics counts at each scrape: open tickets by status and priority, running clocks by state.
  await sql`create index tickets_open_status on tickets (status, priority) where status not in ('resolved', 'closed', 'cancelled')`.execute(db);
  await sql`create index ticket_sla_open_state on ticket_sla (metric, state) where completed_at is null`.execute(db);
  await sql`
    create function aftercare_events_retention_only() returns trigger language plpgsql as $$
    begin
      if coalesce(current_setting('aftercare.retention', true), '') = 'on' then return old; end if;
      raise exception '% is append-only', tg_table_name using errcode = '55000';
    end $$`.execute(db);
  await sql`drop trigger events_append_only on events`.execute(db);
  await sql`
    create trigger events_append_only before delete on events
    for each row execute function aftercare_events_retention_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger events_append_only on events`.execute(db);
  await sql`
    create trigger events_append_only before delete on events
    for each row execute function aftercare_append_only()`.execute(db);
  await sql`drop function aftercare_events_retention_only()`.execute(db);
  await sql`drop index ticket_sla_open_state`.execute(db);
  await sql`drop index tickets_open_status`.execute(db);
  await sql`drop index job_runs_finished`.execute(db);
  await sql`drop index events_resource`.execute(db);
}
