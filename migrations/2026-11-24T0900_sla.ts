import { sql, type Kysely } from 'kysely';

// Fixed ids for the defaults, so every installation refers to them the same way.
export const BUSINESS_CALENDAR_ID = '01900000-0000-7000-8000-000000000001';
export const ALWAYS_CALENDAR_ID = '01900000-0000-7000-8000-000000000002';

const weekdays = (span: [string, string][] | []) => ({ mon: span, tue: span, wed: span, thu: span, fri: span });

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table calendars (
      id uuid primary key,
      name text not null,
      timezone text not null,
      hours jsonb not null,
      holidays text[] not null default '{}',
      workdays text[] not null default '{}',
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1
    )`.execute(db);
  await sql`create index calendars_updated on calendars (updated_at, id)`.execute(db);

  await sql`
    create table sla_policies (
      id uuid primary key,
      name text not null,
      position integer not null,
      match jsonb not null default '{}',
      targets jsonb not null,
      calendar_id uuid not null references calendars (id),
      warn_at_percent integer not null default 80 check (warn_at_percent between 1 and 99),
      pause_on text[] not null default '{}',
      on_breach jsonb not null default '{}',
      active boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1
    )`.execute(db);
  await sql`create index sla_policies_position on sla_policies (position, id)`.execute(db);
  await sql`create index sla_policies_updated on sla_policies (updated_at, id)`.execute(db);

  const business = { ...weekdays([['09:00', '18:00']]), sat: [], sun: [] };
  const allDay = [['00:00', '24:00']];
  const always = { ...weekdays(allDay as [string, string][]), sat: allDay, sun: allDay };
  await sql`
    insert into calendars (id, name, timezone, hours, created_at, updated_at) values
      (${BUSINESS_CALENDAR_ID}, 'Business hours (Mon–Fri 09:00–18:00, Shanghai)', 'Asia/Shanghai', ${JSON.stringify(business)}, now(), now()),
      (${ALWAYS_CALENDAR_ID}, 'Around the clock (24×7)', 'Asia/Shanghai', ${JSON.stringify(always)}, now(), now())`.execute(db);

  // The handbooks' defaults (DOMAIN.md): urgent requests around the clock; complaints get
  // their initial analysis within 24 hours; everything else a first response within 60
  // business minutes, resolution within 24 hours and a follow-up call within 3 days.
  const policies = [
    { id: '01900000-0000-7000-8000-000000000011', name: 'Urgent, around the clock', position: 10, match: { priorities: ['urgent'] },
      targets: { first_response: 60, resolution: 1440, follow_up: 4320 }, calendar: ALWAYS_CALENDAR_ID, on_breach: { escalate: true } },
    { id: '01900000-0000-7000-8000-000000000012', name: 'Complaints', position: 20, match: { types: ['complaint'] },
      targets: { first_response: 1440, resolution: 4320, follow_up: 4320 }, calendar: ALWAYS_CALENDAR_ID, on_breach: { escalate: true } },
    { id: '01900000-0000-7000-8000-000000000013', name: 'Standard', position: 100, match: {},
      targets: { first_response: 60, resolution: 1440, follow_up: 4320, periodic_update: 1620 }, calendar: BUSINESS_CALENDAR_ID, on_breach: { raise_priority: true } },
  ];
  for (const p of policies) {
    await sql`
      insert into sla_policies (id, name, position, match, targets, calendar_id, warn_at_percent, pause_on, on_breach, created_at, updated_at)
      values (${p.id}, ${p.name}, ${p.position}, ${JSON.stringify(p.match)}, ${JSON.stringify(p.targets)}, ${p.calendar}, 80,
        '{waiting_customer}', ${JSON.stringify(p.on_breach)}, now(), now())`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists sla_policies`.execute(db);
  await sql`drop table if exists calendars`.execute(db);
}
