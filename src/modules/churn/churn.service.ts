import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import { recordAudit } from '../../db/audit.ts';
import { inChange } from '../../db/change.ts';
import { eventRow, insertEvents } from '../../db/outbox.ts';
import type { Db } from '../../db/types.ts';
import { lifecycleOf, nextRescoreAt, scoreCustomer, type ChurnModel, type Signals } from '../../domain/churn-score.ts';
import { assertVersion, notFound, ruleViolated } from '../../domain/errors.ts';
import { systemContext, type ChangeContext } from '../../db/context.ts';
import { newId } from '../../lib/ids.ts';
import { recordChurnRisk } from '../customers/customers.service.ts';
import { openCareTickets } from '../tickets/ticket.commands.ts';
import * as repo from './churn.repository.ts';

export interface ChurnDeps {
  db: Db;
  clock: Clock;
}

const presentModel = (m: repo.ModelRow) => ({
  window_days: m.window_days,
  weights: m.weights as ChurnModel['weights'],
  thresholds: m.thresholds,
  updated_at: m.updated_at.toISOString(),
  version: m.version,
});

export async function getModel(deps: ChurnDeps) {
  return presentModel(await repo.loadModel(deps.db));
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
    const current = await repo.lockModelVersion(tx);
    assertVersion('Churn model', 'current', current, expectedVersion);
    const row = await repo.updateModel(tx, input, now);
    await recordAudit(tx, ctx, now, [{ action: 'updated', resource_type: 'churn_model', resource_id: '00000000-0000-0000-0000-000000000001', fields: ['window_days', 'weights', 'thresholds'] }]);
    return presentModel(row);
  });
}

/** GET /v1/customers/{id}/churn-risk: the latest score with its factors, and how it moved. */
export async function churnRisk(deps: ChurnDeps, customerId: string) {
  const customer = await repo.customerRisk(deps.db, customerId);
  if (!customer) throw notFound('Customer', customerId);
  const history = await repo.scoreHistory(deps.db, customerId, 100);
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

const SCAN_PAGE = 2_000;
const DAY = 86_400_000;

/**
 * How far before the previous scan's start a scan looks for changed tickets, answers and
 * breaches: a change whose transaction began before that scan but committed after its read
 * carries an earlier time, and must still be found.
 */
const CHANGES_MARGIN_MS = 15 * 60_000;

/**
 * churn-scan: scores customers page by page (memory stays at one page), and per page in one
 * transaction writes the customers whose score, level or lifecycle changed, their score
 * history, a `customer.churn_risk_changed` event when the level changed, one retention care
 * ticket for each customer entering `high` (a second open one is impossible: unique index),
 * and when each customer scored must be scored again if nothing happens to it.
 *
 * The first scan, and any scan after the model changed (or with the clock before the last
 * scan), scores everyone. Later scans score only the customers whose signals may have moved
 * (churn.repository.ts customersToRescore: a ticket changed, an answer, a breach since the
 * last scan, or due by their schedule): the others would score exactly what they have.
 */
export async function scanChurn(deps: { db: Db; clock: Clock; log: Logger }) {
  const now = deps.clock.now();
  const row = await repo.loadModel(deps.db);
  const model: ChurnModel = { window_days: row.window_days, weights: row.weights as ChurnModel['weights'], thresholds: row.thresholds };
  const from = new Date(now.getTime() - model.window_days * DAY);
  const recentFrom = new Date(now.getTime() - (model.window_days * DAY) / 3);
  const last = await repo.lastScan(deps.db);
  const everyone = last.scanned_at === null || last.scanned_version !== row.version || last.scanned_at > now;
  const ctx = systemContext();
  const counts = { customers_scored: 0, changed: 0, level_changed: 0, entered_high: 0, care_tickets_opened: 0, everyone: everyone ? 1 : 0 };
  const scorePage = async (page: repo.SignalRow[]) => {
    counts.customers_scored += page.length;
    const due: { customer_id: string; due_at: Date | null }[] = [];
    const changes = page.flatMap((r) => {
      const signals: Signals = {
        ...r,
        days_since_contact: Math.max(0, Math.floor((now.getTime() - r.last_contact.getTime()) / DAY)),
        oldest_open_days: r.oldest_open ? Math.max(0, Math.floor((now.getTime() - r.oldest_open.getTime()) / DAY)) : 0,
      };
      // When an event leaves the window (or an answer its last third), the signals move.
      const leaving = [
        r.first_answer && r.first_answer.getTime() + model.window_days * DAY,
        r.first_recent_answer && r.first_recent_answer.getTime() + (model.window_days * DAY) / 3,
        r.first_ticket && r.first_ticket.getTime() + model.window_days * DAY,
        r.first_breach && r.first_breach.getTime() + model.window_days * DAY,
      ].filter((t): t is number => typeof t === 'number');
      const shift = leaving.length ? new Date(Math.min(...leaving)) : null;
      due.push({ customer_id: r.id, due_at: nextRescoreAt({ signals, model, now, lastContact: r.last_contact, oldestOpen: r.oldest_open, shift }) });
      const scored = scoreCustomer(signals, model);
      const status = lifecycleOf(signals, scored.level, model);
      const prev = r.churn_risk;
      if (prev && prev.score === scored.score && prev.level === scored.level && r.status === status) return [];
      return [{ id: r.id, status, previousLevel: prev?.level ?? null, risk: { ...scored, scored_at: now.toISOString() } }];
    });
    await deps.db.transaction().execute(async (tx) => {
      await repo.scheduleRescores(tx, due);
      if (changes.length === 0) return;
      const updated = await recordChurnRisk(tx, changes.map((x) => ({ id: x.id, status: x.status, risk: x.risk })), now);
      const byId = new Map(updated.map((c) => [c.id, c]));
      const kept = changes.filter((x) => byId.has(x.id));
      counts.changed += kept.length;
      await repo.insertScores(tx, kept.map((x) => ({ id: newId(), customer_id: x.id, scored_at: now, score: x.risk.score, level: x.risk.level, factors: JSON.stringify(x.risk.factors) })));
      // A first score of low is no change of risk worth telling anyone about.
      const levelChanged = kept.filter((x) => (x.previousLevel ?? 'low') !== x.risk.level);
      counts.level_changed += levelChanged.length;
      await insertEvents(tx, levelChanged.map((x) => eventRow(ctx, now, 'customer.churn_risk_changed', { type: 'customer', id: x.id }, byId.get(x.id)!)));
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
  };
  if (everyone) {
    let after: string | null = null;
    for (;;) {
      const page = await repo.signalsOf(deps.db, { after, limit: SCAN_PAGE }, from, recentFrom);
      if (page.length === 0) break;
      after = page.at(-1)!.id;
      await scorePage(page);
    }
  } else {
    const ids = await repo.customersToRescore(deps.db, new Date(last.scanned_at!.getTime() - CHANGES_MARGIN_MS), now);
    for (let i = 0; i < ids.length; i += SCAN_PAGE) await scorePage(await repo.signalsOf(deps.db, { ids: ids.slice(i, i + SCAN_PAGE) }, from, recentFrom));
  }
  await repo.markScanned(deps.db, now, row.version);
  return counts;
}
