import { sql, type Kysely } from 'kysely';

export const DEFAULT_CHURN_MODEL = {
  window_days: 180,
  // Relative weights of each factor (each factor is a number from 0 to 1, see churn-score.ts).
  weights: {
    satisfaction: 25,
    satisfaction_trend: 10,
    low_scores: 15,
    complaints: 15,
    sla_breaches: 10,
    reopened: 10,
    repeat_faults: 10,
    silence: 5,
    open_ticket_age: 10,
  },
  thresholds: { medium: 30, high: 60, lost_after_days: 365 },
};

export async function up(db: Kysely<unknown>): Promise<void> {
  // Satisfaction surveys: the token is a credential and is kept only as its SHA-256.
  await sql`
    create table surveys (
      id uuid primary key,
      ticket_id uuid not null references tickets (id),
      customer_id uuid not null references customers (id),
      technician_id uuid references technicians (id),
      status text not null check (status in ('open','answered','expired')),
      trigger text not null check (trigger in ('resolved','manual')),
      token_hash bytea not null unique,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      answered_at timestamptz,
      csat smallint check (csat between 1 and 5),
      nps smallint check (nps between 0 and 10),
      dimensions jsonb,
      comment text,
      recovery_ticket_id uuid references tickets (id),
      updated_at timestamptz not null,
      version integer not null default 1,
      constraint surveys_answer check ((status = 'answered') = (answered_at is not null and csat is not null))
    )`.execute(db);
  // At most one open survey per ticket, whoever tries to open a second.
  await sql`create unique index surveys_one_open on surveys (ticket_id) where status = 'open'`.execute(db);
  for (const [name, cols] of [
    ['surveys_ticket', 'ticket_id, id'],
    ['surveys_customer', 'customer_id, id'],
    ['surveys_technician', 'technician_id, id'],
    ['surveys_created', 'created_at, id'],
    ['surveys_updated', 'updated_at, id'],
    ['surveys_csat', 'csat, id'],
    ['surveys_status', 'status, id'],
  ] as const) {
    await sql`create index ${sql.id(name)} on surveys (${sql.raw(cols)})`.execute(db);
  }
  await sql`create index surveys_expiring on surveys (expires_at) where status = 'open'`.execute(db);
  // For the churn scan: answers by customer over time.
  await sql`create index surveys_customer_answers on surveys (customer_id, answered_at) include (csat) where status = 'answered'`.execute(db);

  // Resolved tickets waiting for their survey (created by the survey-dispatch job after the delay).
  await sql`
    create table survey_requests (
      ticket_id uuid primary key references tickets (id),
      due_at timestamptz not null
    )`.execute(db);
  await sql`create index survey_requests_due on survey_requests (due_at)`.execute(db);

  // Follow-up reminders sent, once per ticket and follow-up due time.
  await sql`
    create table follow_up_reminders (
      ticket_id uuid not null references tickets (id),
      due_at timestamptz not null,
      sent_at timestamptz not null,
      primary key (ticket_id, due_at)
    )`.execute(db);

  // Care tickets: one service-recovery ticket per original ticket, one open retention ticket per customer.
  await sql`create unique index tickets_one_recovery on tickets (linked_ticket_id) where type = 'care' and category = 'service_recovery'`.execute(db);
  await sql`
    create unique index tickets_one_open_retention on tickets (customer_id)
    where type = 'care' and category = 'retention' and status not in ('resolved','closed','cancelled')`.execute(db);

  // The churn model (one row) and every score the scan gave, with its factors.
  await sql`
    create table churn_model (
      id smallint primary key check (id = 1),
      window_days integer not null check (window_days between 7 and 1095),
      weights jsonb not null,
      thresholds jsonb not null,
      updated_at timestamptz not null,
      version integer not null default 1
    )`.execute(db);
  await sql`
    insert into churn_model (id, window_days, weights, thresholds, updated_at)
    values (1, ${DEFAULT_CHURN_MODEL.window_days}, ${JSON.stringify(DEFAULT_CHURN_MODEL.weights)}, ${JSON.stringify(DEFAULT_CHURN_MODEL.thresholds)}, now())`.execute(db);
  await sql`
    create table churn_scores (
      id uuid primary key,
      customer_id uuid not null references customers (id),
      scored_at timestamptz not null,
      score smallint not null check (score between 0 and 100),
      level text not null check (level in ('low','medium','high')),
      factors jsonb not null
    )`.execute(db);
  await sql`create index churn_scores_customer on churn_scores (customer_id, scored_at desc)`.execute(db);
  // For the scan: tickets of a customer over time.
  await sql`create index tickets_customer_reported on tickets (customer_id, reported_at)`.execute(db);
  await sql`create index sla_breaches_customer_at on sla_breaches (customer_id, at) where kind = 'breach'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists sla_breaches_customer_at`.execute(db);
  await sql`drop index if exists tickets_customer_reported`.execute(db);
  await sql`drop table if exists churn_scores`.execute(db);
  await sql`drop table if exists churn_model`.execute(db);
  await sql`drop index if exists tickets_one_open_retention`.execute(db);
  await sql`drop index if exists tickets_one_recovery`.execute(db);
  await sql`drop table if exists follow_up_reminders`.execute(db);
  await sql`drop table if exists survey_requests`.execute(db);
  await sql`drop table if exists surveys`.execute(db);
}
