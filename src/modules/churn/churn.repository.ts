import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db, Tx } from '../../db/types.ts';
import type { ChurnScoresTable, CustomersTable } from '../../db/types.ts';
import type { Signals } from '../../domain/churn-score.ts';

export async function loadModel(db: Db | Tx) {
  return db.selectFrom('churn_model').select(['window_days', 'weights', 'thresholds', 'updated_at', 'version']).where('id', '=', 1).executeTakeFirstOrThrow();
}

/** When the last scan ran and under which model version (null before the first). */
export async function lastScan(db: Db) {
  return db.selectFrom('churn_model').select(['scanned_at', 'scanned_version']).where('id', '=', 1).executeTakeFirstOrThrow();
}

export async function markScanned(db: Db, at: Date, version: number): Promise<void> {
  await db.updateTable('churn_model').set({ scanned_at: at, scanned_version: version }).where('id', '=', 1).execute();
}

/**
 * The customers a scan after `since` must score, in id order: a ticket of theirs changed, a
 * survey answered or a breach recorded since then, their schedule says they are due by
 * `now`, or they were never scheduled (new since the last scan). Each part is an index scan.
 */
export async function customersToRescore(db: Db, since: Date, now: Date): Promise<string[]> {
  // One union of index scans, hashed and joined once (an OR of IN-subqueries is planned per customer).
  const { rows } = await sql<{ id: string }>`
    select c.id from customers c
    where c.status <> 'erased' and c.id in (
      select t.customer_id from tickets t where t.updated_at >= ${since}
      union select s.customer_id from surveys s where s.status = 'answered' and s.answered_at >= ${since}
      union select b.customer_id from sla_breaches b where b.recorded_at >= ${since}
      union select d.customer_id from churn_schedule d where d.due_at <= ${now}
      union select n.id from customers n where not exists (select 1 from churn_schedule d where d.customer_id = n.id))
    order by c.id`.execute(db);
  return rows.map((r) => r.id);
}

/** Stores when each scored customer is due again, in one statement. */
export async function scheduleRescores(tx: Tx, due: { customer_id: string; due_at: Date | null }[]): Promise<void> {
  if (due.length === 0) return;
  await sql`
    insert into churn_schedule (customer_id, due_at)
    select * from unnest(${due.map((d) => d.customer_id)}::uuid[], ${due.map((d) => d.due_at)}::timestamptz[])
    on conflict (customer_id) do update set due_at = excluded.due_at`.execute(tx);
}
export type ModelRow = Awaited<ReturnType<typeof loadModel>>;

export async function lockModelVersion(tx: Tx) {
  return tx.selectFrom('churn_model').select('version').where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
}

export async function updateModel(tx: Tx, m: { window_days: number; weights: unknown; thresholds: unknown }, now: Date): Promise<ModelRow> {
  return tx
    .updateTable('churn_model')
    .set((eb) => ({ window_days: m.window_days, weights: JSON.stringify(m.weights), thresholds: JSON.stringify(m.thresholds), updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', 1)
    .returning(['window_days', 'weights', 'thresholds', 'updated_at', 'version'])
    .executeTakeFirstOrThrow();
}

export async function customerRisk(db: Db, customerId: string) {
  return db.selectFrom('customers').select(['id', 'status', 'churn_risk']).where('id', '=', customerId).executeTakeFirst();
}

export async function scoreHistory(db: Db, customerId: string, limit: number) {
  return db.selectFrom('churn_scores').select(['scored_at', 'score', 'level']).where('customer_id', '=', customerId).orderBy('scored_at', 'desc').limit(limit).execute();
}

export async function insertScores(tx: Tx, rows: Insertable<ChurnScoresTable>[]) {
  if (rows.length) await tx.insertInto('churn_scores').values(rows).execute();
}

/** A customer's signals as the scan's statement returns them (times, not yet days). */
export interface SignalRow extends Omit<Signals, 'days_since_contact' | 'oldest_open_days'> {
  id: string;
  status: Selectable<CustomersTable>['status'];
  churn_risk: { score: number; level: string } | null;
  last_contact: Date;
  oldest_open: Date | null;
  /** The earliest answer, ticket and breach inside the window, and answer inside its last third: when each leaves, the signals move. */
  first_answer: Date | null;
  first_recent_answer: Date | null;
  first_ticket: Date | null;
  first_breach: Date | null;
}

const OPEN = sql.raw(`('new','assigned','in_progress','on_hold')`);

/**
 * The signals of a page of customers (the next `limit` after `after`, or these `ids`), in one
 * statement: per customer, index lookups into its answered surveys, its tickets in the
 * window, its SLA breaches and its open tickets (nothing is read for customers outside the page).
 */
export async function signalsOf(db: Db, which: { after: string | null; limit: number } | { ids: string[] }, from: Date, recentFrom: Date) {
  const pick =
    'ids' in which
      ? sql`select id, status, churn_risk, created_at from customers where status <> 'erased' and id = any(${which.ids}::uuid[])`
      : sql`select id, status, churn_risk, created_at from customers
          where status <> 'erased' ${which.after ? sql`and id > ${which.after}` : sql``}
          order by id limit ${which.limit}`;
  const { rows } = await sql<SignalRow>`
    with c as (${pick})
    select c.id, c.status, c.churn_risk,
      coalesce(sv.answers, 0)::int as answers, sv.avg_csat::float8 as avg_csat, sv.recent_avg_csat::float8 as recent_avg_csat,
      sv.earlier_avg_csat::float8 as earlier_avg_csat, coalesce(sv.low_scores, 0)::int as low_scores,
      coalesce(tk.complaints, 0)::int as complaints, coalesce(tk.reopened, 0)::int as reopened,
      coalesce(rf.repeat_faults, 0)::int as repeat_faults,
      coalesce(br.n, 0)::int as sla_breaches, br.first as first_breach,
      sv.first_answer, sv.first_recent_answer, tk.first_ticket,
      greatest(c.created_at, (select max(t.reported_at) from tickets t where t.customer_id = c.id), sv.last_answer) as last_contact,
      (select min(t.reported_at) from tickets t where t.customer_id = c.id and t.status in ${OPEN}) as oldest_open
    from c
    left join lateral (
      select count(*) as answers, avg(s.csat) as avg_csat,
        avg(s.csat) filter (where s.answered_at >= ${recentFrom}) as recent_avg_csat,
        avg(s.csat) filter (where s.answered_at < ${recentFrom}) as earlier_avg_csat,
        count(*) filter (where s.csat <= 2) as low_scores, max(s.answered_at) as last_answer,
        min(s.answered_at) as first_answer, min(s.answered_at) filter (where s.answered_at >= ${recentFrom}) as first_recent_answer
      from surveys s where s.customer_id = c.id and s.status = 'answered' and s.answered_at >= ${from}
    ) sv on true
    left join lateral (
      select count(*) filter (where t.type = 'complaint') as complaints, count(*) filter (where t.reopen_count > 0) as reopened, min(t.reported_at) as first_ticket
      from tickets t where t.customer_id = c.id and t.reported_at >= ${from}
    ) tk on true
    left join lateral (
      select count(*) as n, min(b.at) as first from sla_breaches b where b.customer_id = c.id and b.kind = 'breach' and b.at >= ${from}
    ) br on true
    left join lateral (
      select sum(n - 1) as repeat_faults from (
        select count(*) as n from tickets t
        where t.customer_id = c.id and t.reported_at >= ${from} and t.asset_id is not null and t.type in ('repair', 'replacement', 'return')
        group by t.asset_id having count(*) > 1
      ) a
    ) rf on true
    order by c.id`.execute(db);
  return rows;
}

