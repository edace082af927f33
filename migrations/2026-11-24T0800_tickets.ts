import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Full text for Chinese and Latin alike: every CJK character becomes its own word, so a
  // phrase query on its characters ('门' <-> '锁') finds "门锁" inside "智能门锁无法开锁",
  // and Latin words stay words. Needs no extension and works under any locale.
  await sql`
    create function aftercare_search_text(input text) returns text
    language sql immutable parallel safe strict as $$
      select regexp_replace(input, '([\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff])', ' \\1 ', 'g')
    $$`.execute(db);

  await sql`create sequence ticket_number_seq`.execute(db);
  await sql`
    create table tickets (
      id uuid primary key,
      number text not null unique,
      customer_id uuid not null references customers (id),
      asset_id uuid references assets (id),
      type text not null check (type in ('inquiry','repair','installation','maintenance','replacement','return','complaint','care')),
      channel text not null check (channel in ('phone','email','web','app','chat','on_site')),
      priority text not null check (priority in ('urgent','high','normal','low')),
      category text not null,
      subject text not null,
      description text not null default '',
      external_ref text unique,
      region text,
      reported_at timestamptz not null,
      status text not null default 'new'
        check (status in ('new','assigned','in_progress','on_hold','resolved','closed','cancelled')),
      tier smallint not null default 1 check (tier between 1 and 3),
      technician_id uuid references technicians (id),
      assignment jsonb,
      hold_reason text check (hold_reason in ('waiting_customer','waiting_parts')),
      complaint_major boolean not null default false,
      linked_ticket_id uuid references tickets (id),
      first_responded_at timestamptz,
      resolved_at timestamptz,
      closed_at timestamptz,
      cancelled_at timestamptz,
      resolution jsonb,
      warranty_decision jsonb,
      follow_up jsonb,
      reopen_count integer not null default 0,
      search tsvector generated always as (to_tsvector('simple', aftercare_search_text(subject || ' ' || description))) stored,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1,
      -- Work in hand always has someone doing it.
      constraint tickets_assigned_has_technician
        check (status not in ('assigned','in_progress','on_hold') or technician_id is not null),
      constraint tickets_hold_has_reason check ((status = 'on_hold') = (hold_reason is not null))
    )`.execute(db);
  for (const [name, cols] of [
    ['tickets_updated', 'updated_at, id'],
    ['tickets_created', 'created_at, id'],
    ['tickets_status', 'status, id'],
    ['tickets_technician', 'technician_id, status, id'],
    ['tickets_customer', 'customer_id, id'],
    ['tickets_priority', 'priority, id'],
    ['tickets_type', 'type, id'],
    ['tickets_tier', 'tier, id'],
    ['tickets_region', 'region, id'],
    ['tickets_category', 'category, id'],
    ['tickets_asset', 'asset_id, id'],
  ] as const) {
    await sql`create index ${sql.id(name)} on tickets (${sql.raw(cols)})`.execute(db);
  }
  await sql`create index tickets_search on tickets using gin (search)`.execute(db);
  await sql`create index tickets_major_complaints on tickets (id) where complaint_major and status not in ('closed','cancelled')`.execute(db);

  // Every note, action, assignment and decision on a ticket: append-only, in the database too.
  await sql`
    create table ticket_timeline (
      id uuid primary key,
      ticket_id uuid not null references tickets (id),
      at timestamptz not null,
      entry text not null check (entry in ('note','action','assignment','decision','sla','visit','survey')),
      action text,
      note_kind text check (note_kind in ('comment','call','email','sms','chat')),
      visibility text check (visibility in ('internal','customer')),
      body text,
      data jsonb not null default '{}',
      actor_kind text not null check (actor_kind in ('api_key','system')),
      actor_id uuid,
      actor_role text
    )`.execute(db);
  await sql`create index ticket_timeline_ticket on ticket_timeline (ticket_id, id)`.execute(db);
  await sql`
    create trigger ticket_timeline_append_only before update or delete on ticket_timeline
    for each row execute function aftercare_append_only()`.execute(db);

  // The outbox. Writers insert events in the transaction of their change, without a
  // position; a sequencer numbers them afterwards in the order (xid, seq) of transactions
  // that have all finished (xid below the oldest running one), so a reader following
  // positions can never skip an event that commits later with a smaller number.
  await sql`
    create table events (
      id uuid primary key,
      position bigint unique,
      seq bigint generated always as identity,
      xid xid8 not null default pg_current_xact_id(),
      type text not null,
      occurred_at timestamptz not null,
      actor jsonb not null,
      resource_type text not null,
      resource_id uuid not null,
      data jsonb not null
    )`.execute(db);
  await sql`create index events_unsequenced on events (xid, seq) where position is null`.execute(db);
  await sql`create index events_type on events (type, position) where position is not null`.execute(db);
  await sql`
    create trigger events_append_only before delete on events
    for each row execute function aftercare_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists events`.execute(db);
  await sql`drop table if exists ticket_timeline`.execute(db);
  await sql`drop table if exists tickets`.execute(db);
  await sql`drop sequence if exists ticket_number_seq`.execute(db);
  await sql`drop function if exists aftercare_search_text`.execute(db);
}
