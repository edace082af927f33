import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import { inChange } from '../../db/change.ts';
import type { Db, Tx } from '../../db/types.ts';
import { assertVersion, notFound, ruleViolated } from '../../domain/errors.ts';
import { systemContext, type ChangeContext } from '../../lib/context.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../../db/audit.ts';
import { CUSTOMER_COLUMNS, type CustomerRow } from '../customers/customers.repository.ts';
import { present as presentCustomer } from '../customers/customers.service.ts';
import { eventRow, insertEvents } from '../../db/outbox.ts';
import { openCareTickets } from '../tickets/care-tickets.ts';
import { lifecycleOf, scoreCustomer, type ChurnModel, type Signals } from './churn-score.ts';

export interface ChurnDeps {
  db: Db;
  clock: Clock;
}

async function loadModel(db: Db | Tx) {
  return db.selectFrom('churn_model').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

const presentModel = (m: Awaited<ReturnType<typeof loadModel>>) => ({
  window_days: m.window_days,
  weights: m.weights as ChurnModel['weights'],
  thresholds: m.thresholds,
  updated_at: m.updated_at.toISOString(),
  version: m.version,
});

export async function getModel(deps: ChurnDeps) {
  return presentModel(await loadModel(deps.db));
}

export async function putModel(deps: ChurnDeps, ctx: ChangeContext, input: Omit<ChurnModel, never>, expectedVersion: number | undefined) {
  if (input.thresholds.medium >= input.thresholds.high) {
    throw ruleViolated('churn-thresholds', 'thresholds.medium must be below thresholds.high.', [{ path: '/body/thresholds/medium', message: 'must be below high' }]);
  }
  if (Object.values(input.weights).every((w) => w === 0)) {
    throw ruleViolated('churn-weights', 'At least one weight must be above zero.', [{ path: '/body/weights', message: 'all zero' }]);
  }
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const current = await tx.selectFrom('churn_model').select('version').where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
    assertVersion('Churn model', 'current', current, expectedVersion);
    const row = await tx
      .updateTable('churn_model')
      .set((eb) => ({ window_days: input.window_days, weights: JSON.stringify(input.weights), thresholds: JSON.stringify(input.thresholds), updated_at: now, version: eb('version', '+', 1) }))
      .where('id', '=', 1)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, now, [{ action: 'updated', resource_type: 'churn_model', resource_id: '00000000-0000-0000-0000-000000000001', fields: ['window_days', 'weights', 'thresholds'] }]);
    return presentModel(row);
  });
}

/** GET /v1/customers/{id}/churn-risk: the latest score with its factors, and how it moved. */
export async function churnRisk(deps: ChurnDeps, customerId: string) {
  const customer = await deps.db.selectFrom('customers').select(['id', 'status', 'churn_risk']).where('id', '=', customerId).executeTakeFirst();
  if (!customer) throw notFound('Customer', customerId);
  const history = await deps.db
    .selectFrom('churn_scores')
    .select(['scored_at', 'score', 'level'])
    .where('customer_id', '=', customerId)
    .orderBy('scored_at', 'desc')
    .limit(100)
    .execute();
  const risk = customer.churn_risk as { score: number; level: 'low' | 'medium' | 'high'; factors: never[]; scored_at: string } | null;
  return {
    customer_id: customer.id,
    score: risk?.score ?? null,
    level: risk?.level ?? null,
    lifecycle_status: customer.status,
    scored_at: risk?.scored_at ?? null,
    factors: risk?.factors ?? [],
    history: history.map((h) => ({ scored_at: h.scored_at.toISOString(), score: h.score, level: h.level })),
  };
}

/** A customer's signals as the scan's statement returns them (times, not yet days). */
interface SignalRow extends Omit<Signals, 'days_since_contact' | 'oldest_open_days'> {
  id: string;
  status: CustomerRow['status'];
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
async function signalsOf(db: Db, afterId: string | null, limit: number, from: Date, recentFrom: Date) {
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

const SCAN_PAGE = 2_000;
const DAY = 86_400_000;

/**
 * churn-scan: scores every customer page by page (memory stays at one page), and per page in
 * one transaction writes the customers whose score, level or lifecycle changed, their score
 * history, a `customer.churn_risk_changed` event when the level changed, and one retention
 * care ticket for each customer entering `high` (a second open one is impossible: unique index).
 */
export async function scanChurn(deps: { db: Db; clock: Clock; log: Logger }) {
  const now = deps.clock.now();
  const row = await loadModel(deps.db);
  const model: ChurnModel = { window_days: row.window_days, weights: row.weights as ChurnModel['weights'], thresholds: row.thresholds };
  const from = new Date(now.getTime() - model.window_days * DAY);
  const recentFrom = new Date(now.getTime() - (model.window_days * DAY) / 3);
  const ctx = systemContext();
  const counts = { customers_scored: 0, changed: 0, level_changed: 0, entered_high: 0, care_tickets_opened: 0 };
  let after: string | null = null;
  for (;;) {
    const page = await signalsOf(deps.db, after, SCAN_PAGE, from, recentFrom);
    if (page.length === 0) break;
    after = page.at(-1)!.id;
    counts.customers_scored += page.length;
    const changes = page.flatMap((r) => {
      const signals: Signals = {
        ...r,
        days_since_contact: Math.max(0, Math.floor((now.getTime() - r.last_contact.getTime()) / DAY)),
        oldest_open_days: r.oldest_open ? Math.max(0, Math.floor((now.getTime() - r.oldest_open.getTime()) / DAY)) : 0,
      };
      const scored = scoreCustomer(signals, model);
      const status = lifecycleOf(signals, scored.level, model);
      const prev = r.churn_risk;
      if (prev && prev.score === scored.score && prev.level === scored.level && r.status === status) return [];
      return [{ id: r.id, status, previousLevel: prev?.level ?? null, risk: { ...scored, scored_at: now.toISOString() } }];
    });
    if (changes.length === 0) continue;
    await deps.db.transaction().execute(async (tx) => {
      const updated = await sql<CustomerRow>`
        update customers c set churn_risk = v.risk, status = v.status, updated_at = ${now}, version = c.version + 1
        from jsonb_to_recordset(${JSON.stringify(changes.map((x) => ({ id: x.id, status: x.status, risk: x.risk })))}::jsonb) as v(id uuid, status text, risk jsonb)
        where c.id = v.id and c.status <> 'erased'
        returning ${sql.join(CUSTOMER_COLUMNS.map((col) => sql.ref(`c.${col}`)))}`.execute(tx);
      const byId = new Map(updated.rows.map((row) => [row.id, row]));
      const kept = changes.filter((x) => byId.has(x.id));
      counts.changed += kept.length;
      await tx
        .insertInto('churn_scores')
        .values(kept.map((x) => ({ id: newId(), customer_id: x.id, scored_at: now, score: x.risk.score, level: x.risk.level, factors: JSON.stringify(x.risk.factors) })))
        .execute();
      // A first score of low is no change of risk worth telling anyone about.
      const levelChanged = kept.filter((x) => (x.previousLevel ?? 'low') !== x.risk.level);
      counts.level_changed += levelChanged.length;
      await insertEvents(tx, levelChanged.map((x) => eventRow(ctx, now, 'customer.churn_risk_changed', { type: 'customer', id: x.id }, presentCustomer(byId.get(x.id)!))));
      const enteredHigh = levelChanged.filter((x) => x.risk.level === 'high');
      counts.entered_high += enteredHigh.length;
      const care = await openCareTickets(
        tx,
        ctx,
        enteredHigh.map((x) => {
          const top = [...x.risk.factors].sort((a, b) => b.contribution - a.contribution).slice(0, 3);
          return {
            customer_id: x.id,
            region: byId.get(x.id)!.region,
            category: 'retention' as const,
            linked_ticket_id: null,
            priority: 'high' as const,
            subject: `Retention: churn risk high (score ${x.risk.score})`,
            description: `Churn risk entered high with score ${x.risk.score}. Main factors: ${top.map((f) => `${f.factor} (+${f.contribution})`).join(', ')}. Call the customer.`,
          };
        }),
        now,
      );
      counts.care_tickets_opened += care.length;
    });
  }
  return counts;
}
