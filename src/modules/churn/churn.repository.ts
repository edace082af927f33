import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db, Tx } from '../../db/types.ts';
import type { ChurnScoresTable, CustomersTable } from '../../db/types.ts';
import type { Signals } from '../../domain/churn-score.ts';

export async function loadModel(db: Db | Tx) {
  return db.selectFrom('churn_model').select(['window_days', 'weights', 'thresholds', 'updated_at', 'version']).where('id', '=', 1).executeTakeFirstOrThrow();
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
}

const OPEN = sql.raw(`('new','assigned','in_progress','on_hold')`);

/**
 * The signals of a page of customers, in one statement: per customer, index lookups into
 * its answered surveys, its tickets in the window, its SLA breaches and its open tickets
 * (nothing is read for customers outside the page).
 */
export async function signalsOf(db: Db, afterId: string | null, limit: number, from: Date, recentFrom: Date) {
  const { rows } = await sql<SignalRow>`
    with c as (
      select id, status, churn_risk, created_at from customers
      where status <> 'erased' ${afterId ? sql`and id > ${afterId}` : sql``}
      order by id limit ${limit}
    )
    select c.id, c.status, c.churn_risk,
      coalesce(sv.answers, 0)::int as answers, sv.avg_csat::float8 as avg_csat, sv.recent_avg_csat::float8 as recent_avg_csat,
      sv.earlier_avg_csat::float8 as earlier_avg_csat, coalesce(sv.low_scores, 0)::int as low_scores,
      coalesce(tk.complaints, 0)::int as complaints, coalesce(tk.reopened, 0)::int as reopened,
      coalesce(rf.repeat_faults, 0)::int as repeat_faults,
      (select count(*)::int from sla_breaches b where b.customer_id = c.id and b.kind = 'breach' and b.at >= ${from}) as sla_breaches,
      greatest(c.created_at, (select max(t.reported_at) from tickets t where t.customer_id = c.id), sv.last_answer) as last_contact,
      (select min(t.reported_at) from tickets t where t.customer_id = c.id and t.status in ${OPEN}) as oldest_open
    from c
    left join lateral (
      select count(*) as answers, avg(s.csat) as avg_csat,
        avg(s.csat) filter (where s.answered_at >= ${recentFrom}) as recent_avg_csat,
        avg(s.csat) filter (where s.answered_at < ${recentFrom}) as earlier_avg_csat,
        count(*) filter (where s.csat <= 2) as low_scores, max(s.answered_at) as last_answer
      from surveys s where s.customer_id = c.id and s.status = 'answered' and s.answered_at >= ${from}
    ) sv on true
    left join lateral (
      select count(*) filter (where t.type = 'complaint') as complaints, count(*) filter (where t.reopen_count > 0) as reopened
      from tickets t where t.customer_id = c.id and t.reported_at >= ${from}
    ) tk on true
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

