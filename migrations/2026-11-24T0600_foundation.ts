import { sql, type Kysely } from 'kysely';

// Migrations never import today's table types: they describe the schema as it was then.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Locale-independent n-gram tokens (every character, pair and triple of characters) for
  // substring search. pg_trgm ignores CJK text under a C locale and needs 3 characters,
  // while Chinese names are often 2: single characters and pairs find "王" and "张伟", and
  // triples keep longer Latin terms ("smith", an email) selective.
  await sql`
    create function aftercare_ngrams(input text) returns text[]
    language sql immutable parallel safe strict as $$
      select coalesce(array_agg(distinct g), '{}')
      from (
        select substr(lower(input), i, n) as g
        from generate_series(1, 3) as n, generate_series(1, char_length(input) - n + 1) as i
      ) grams
      where g !~ '\\s'
    $$`.execute(db);

  await sql`
    create table api_keys (
      id uuid primary key,
      name text not null,
      role text not null check (role in ('admin','manager','agent','technician','analyst','integration')),
      technician_id uuid,
      prefix text not null,
      secret_hash bytea not null unique,
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1,
      constraint api_keys_technician_bound check ((role = 'technician') = (technician_id is not null))
    )`.execute(db);
  await sql`create index api_keys_list on api_keys (id)`.execute(db);
  await sql`create index api_keys_updated on api_keys (updated_at, id)`.execute(db);

  await sql`
    create table customers (
      id uuid primary key,
      external_ref text unique,
      name text not null,
      kind text not null check (kind in ('person','company')),
      phone text,
      email text,
      region text,
      address text,
      tier text not null default 'standard' check (tier in ('vip','key','standard')),
      tags text[] not null default '{}',
      status text not null default 'active' check (status in ('active','at_risk','lost','erased')),
      churn_risk jsonb,
      churn_risk_level text generated always as (churn_risk ->> 'level') stored,
      search_grams text[] generated always as (
        aftercare_ngrams(coalesce(name, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(email, ''))
      ) stored,
      erased_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1
    )`.execute(db);
  await sql`create index customers_updated on customers (updated_at, id)`.execute(db);
  await sql`create index customers_tier on customers (tier, id)`.execute(db);
  await sql`create index customers_region on customers (region, id)`.execute(db);
  await sql`create index customers_status on customers (status, id)`.execute(db);
  await sql`create index customers_churn_level on customers (churn_risk_level, id)`.execute(db);
  await sql`create index customers_search on customers using gin (search_grams)`.execute(db);
  // Frequencies for many grams, so the planner knows a rare term (one customer's email) from a
  // common one ("王") and picks the index or a walk down the newest rows accordingly.
  await sql`alter table customers alter column search_grams set statistics 1000`.execute(db);

  await sql`
    create table assets (
      id uuid primary key,
      customer_id uuid not null references customers (id),
      product_model text not null,
      category text not null,
      serial_number text,
      purchased_on date,
      proof_of_purchase jsonb,
      warranty_until date,
      installed_on date,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1
    )`.execute(db);
  await sql`create index assets_customer on assets (customer_id, id)`.execute(db);
  await sql`create index assets_serial on assets (serial_number, id)`.execute(db);
  await sql`create index assets_category on assets (category, id)`.execute(db);
  await sql`create index assets_updated on assets (updated_at, id)`.execute(db);

  // Who changed what. Only field names are kept, never values, so an erasure leaves no
  // personal data behind in the trail.
  await sql`
    create table audit_log (
      id uuid primary key,
      occurred_at timestamptz not null,
      actor_kind text not null check (actor_kind in ('api_key','system')),
      actor_id uuid,
      actor_role text,
      action text not null,
      resource_type text not null,
      resource_id uuid not null,
      fields text[] not null default '{}',
      request_id text
    )`.execute(db);
  await sql`create index audit_resource on audit_log (resource_type, resource_id, id)`.execute(db);
  await sql`create index audit_resource_type on audit_log (resource_type, id)`.execute(db);
  await sql`create index audit_actor on audit_log (actor_id, id)`.execute(db);
  await sql`create index audit_time on audit_log (occurred_at, id)`.execute(db);
  // The trail is append-only: the database refuses edits, whatever the application does.
  await sql`
    create function aftercare_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only', tg_table_name using errcode = '55000';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function aftercare_append_only()`.execute(db);

  await sql`
    create table idempotency_keys (
      api_key_id uuid not null,
      key text not null,
      method text not null,
      path text not null,
      request_hash text not null,
      state text not null check (state in ('in_flight','done')),
      locked_until timestamptz,
      response_status integer,
      response_body text,
      response_headers jsonb,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      primary key (api_key_id, key)
    )`.execute(db);
  await sql`create index idempotency_expiry on idempotency_keys (expires_at)`.execute(db);

  // One row per scheduled tick of a job: the primary key is the claim, so any number of
  // instances firing the same tick do its work once.
  await sql`
    create table job_runs (
      id uuid primary key,
      job_name text not null,
      tick timestamptz not null,
      trigger text not null check (trigger in ('schedule','manual')),
      instance text not null,
      started_at timestamptz not null,
      finished_at timestamptz,
      status text not null check (status in ('running','succeeded','failed')),
      counts jsonb not null default '{}',
      error text,
      unique (job_name, tick)
    )`.execute(db);
  await sql`create index job_runs_recent on job_runs (job_name, started_at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['job_runs', 'idempotency_keys', 'audit_log', 'assets', 'customers', 'api_keys']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`drop function if exists aftercare_append_only`.execute(db);
  await sql`drop function if exists aftercare_ngrams`.execute(db);
}
