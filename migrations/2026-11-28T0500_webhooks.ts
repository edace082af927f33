import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The key webhook signing secrets are encrypted with (unless WEBHOOK_ENCRYPTION_KEY is set).
  await sql`
    insert into server_secrets (name, secret)
    values ('webhook', sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')))
    on conflict do nothing`.execute(db);
  // A subscription: where to POST which events. The signing secret must be usable to sign, so it
  // cannot be hashed: it is stored encrypted (AES-256-GCM, key in server_secrets or
  // WEBHOOK_ENCRYPTION_KEY), with the previous one during a rotation until it expires.
  // outbox_position: the last event position turned into deliveries for this webhook.
  await sql`
    create table webhooks (
      id uuid primary key,
      url text not null,
      events text[] not null,
      description text,
      active boolean not null default true,
      secret_enc bytea not null,
      previous_secret_enc bytea,
      previous_secret_expires_at timestamptz,
      outbox_position bigint not null,
      disabled_at timestamptz,
      disabled_reason text,
      last_success_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1
    )`.execute(db);
  await sql`create index webhooks_updated_at_idx on webhooks (updated_at, id)`.execute(db);
  await sql`create index webhooks_active_idx on webhooks (id) where active`.execute(db);

  // One POST of one event (or a ping) to one webhook, and what came of it. Deliveries of one
  // webhook and resource go out in event order: one is due only when no earlier one of the same
  // resource is still pending or being delivered (the claim's NOT EXISTS, on the order index).
  await sql`
    create table webhook_deliveries (
      id uuid primary key,
      webhook_id uuid not null references webhooks (id) on delete cascade,
      event_id uuid references events (id),
      event_position bigint not null,
      event_type text not null,
      resource_type text not null,
      resource_id uuid not null,
      kind text not null default 'event' check (kind in ('event', 'replay', 'ping', 'retry')),
      payload jsonb,
      status text not null default 'pending' check (status in ('pending', 'delivering', 'succeeded', 'dead')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      lease_until timestamptz,
      give_up_at timestamptz not null,
      last_attempt_at timestamptz,
      last_status integer,
      last_latency_ms integer,
      last_error text,
      response_excerpt text,
      delivered_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      constraint webhook_deliveries_ping_payload check ((kind = 'ping') = (payload is not null))
    )`.execute(db);
  // The worker's queue: pending deliveries by due time; in flight by lease.
  await sql`create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index webhook_deliveries_pending_age_idx on webhook_deliveries (created_at) where status = 'pending'`.execute(db);
  await sql`create index webhook_deliveries_leased_idx on webhook_deliveries (lease_until) where status = 'delivering'`.execute(db);
  // Order per resource: the earlier unfinished delivery of the same webhook and resource.
  await sql`
    create index webhook_deliveries_order_idx on webhook_deliveries (webhook_id, resource_id, event_position)
    where status in ('pending', 'delivering')`.execute(db);
  // The deliveries log, newest first, and its filters.
  await sql`create index webhook_deliveries_log_idx on webhook_deliveries (webhook_id, id desc)`.execute(db);
  await sql`create index webhook_deliveries_status_idx on webhook_deliveries (webhook_id, status, id desc)`.execute(db);
  await sql`create index webhook_deliveries_event_type_idx on webhook_deliveries (webhook_id, event_type, id desc)`.execute(db);
  await sql`create index webhook_deliveries_resource_idx on webhook_deliveries (webhook_id, resource_id, id desc)`.execute(db);
  await sql`create index webhook_deliveries_event_idx on webhook_deliveries (event_id) where event_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists webhook_deliveries`.execute(db);
  await sql`drop table if exists webhooks`.execute(db);
  await sql`delete from server_secrets where name = 'webhook'`.execute(db);
}
