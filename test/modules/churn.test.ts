import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHURN_MODEL } from '../../migrations/2026-11-24T1200_surveys_churn.ts';
import { ManualClock } from '../../src/clock.ts';
import { scanChurn } from '../../src/modules/churn/churn.service.ts';
import * as repo from '../../src/modules/churn/churn.repository.ts';
import { lifecycleOf, scoreCustomer, type ChurnModel, type Signals } from '../../src/domain/churn-score.ts';
import { remindFollowUps } from '../../src/jobs/follow-up-reminders.ts';
import { sweepSla } from '../../src/jobs/sla-sweep.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

const model = DEFAULT_CHURN_MODEL as ChurnModel;
const quiet: Signals = {
  answers: 0, avg_csat: null, recent_avg_csat: null, earlier_avg_csat: null, low_scores: 0, complaints: 0, sla_breaches: 0, reopened: 0, repeat_faults: 0,
  days_since_contact: 0, oldest_open_days: 0,
};

describe('the churn score, by hand', () => {
  it('weights each normalised factor: an unhappy customer with breaches and an old open ticket scores 58 (medium)', () => {
    // Weights add up to 110. Weighted factors: satisfaction 25×0.75, trend 10×1, low scores 15×0.5,
    // complaints 15×0.5, breaches 10×1, reopened 0, repeat faults 10×0.5, silence 5×0.1,
    // open ticket age 10×0.5 = 64.25; × 100 / 110 = 58.4.
    const s = scoreCustomer(
      { ...quiet, answers: 2, avg_csat: 2, recent_avg_csat: 1, earlier_avg_csat: 3, low_scores: 1, complaints: 1, sla_breaches: 3, repeat_faults: 1, days_since_contact: 18, oldest_open_days: 15 },
      model,
    );
    expect(s.score).toBe(58);
    expect(s.level).toBe('medium');
    const by = Object.fromEntries(s.factors.map((f) => [f.factor, f.contribution]));
    expect(by).toEqual({ satisfaction: 17, satisfaction_trend: 9.1, low_scores: 6.8, complaints: 6.8, sla_breaches: 9.1, reopened: 0, repeat_faults: 4.5, silence: 0.5, open_ticket_age: 4.5 });
    expect(s.factors.find((f) => f.factor === 'satisfaction')).toMatchObject({ value: 2, normalized: 0.75, weight: 25 });
  });

  it('is 0 for a quiet, recently seen customer with no answers, and 100 when every factor is at its worst', () => {
    expect(scoreCustomer(quiet, model)).toMatchObject({ score: 0, level: 'low' });
    const worst = scoreCustomer(
      { answers: 9, avg_csat: 1, recent_avg_csat: 1, earlier_avg_csat: 5, low_scores: 9, complaints: 9, sla_breaches: 9, reopened: 9, repeat_faults: 9, days_since_contact: 999, oldest_open_days: 99 },
      model,
    );
    expect(worst).toMatchObject({ score: 100, level: 'high' });
  });

  it('levels by thresholds and keeps the lifecycle', () => {
    const m = { ...model, thresholds: { medium: 10, high: 20, lost_after_days: 365 } };
    expect(scoreCustomer({ ...quiet, complaints: 2 }, m)).toMatchObject({ score: 14, level: 'medium' }); // 15 / 110
    expect(lifecycleOf({ days_since_contact: 400 }, 'low', m)).toBe('lost');
    expect(lifecycleOf({ days_since_contact: 4 }, 'high', m)).toBe('at_risk');
    expect(lifecycleOf({ days_since_contact: 4 }, 'medium', m)).toBe('active');
  });
});

describe('the churn scan', () => {
  let t: TestApp;
  const log = pino({ level: 'silent' });
  beforeAll(async () => {
    t = await createTestApp({ clock: new ManualClock('2026-03-09T01:00:00Z') });
    await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'C', tier: 1, regions: ['west'], skills: ['tv'], max_open_tickets: 50 } });
  });
  afterAll(async () => t.close());

  const scan = () => scanChurn({ db: t.database.db, clock: t.clock, log });

  async function unhappyCustomer() {
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Unhappy', region: 'west' } })).json();
    const reported = new Date(t.clock.now().getTime() - 20 * 86_400_000).toISOString();
    for (let i = 0; i < 2; i++) {
      const k = (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: c.id, type: 'complaint', channel: 'phone', category: 'tv', subject: 'Bad', reported_at: reported } })).json();
      await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/assign`, payload: { auto: true } });
      await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/start` });
      await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/resolve`, payload: { method: 'repair', summary: 'x', root_cause: 'y' } });
      const s = (await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/surveys` })).json();
      expect((await t.request({ method: 'POST', url: `/v1/public/surveys/${s.token}/response`, payload: { csat: 1 }, key: null })).statusCode).toBe(200);
    }
    // An open repair reported three weeks ago, well past its clocks.
    await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: c.id, type: 'repair', channel: 'phone', category: 'tv', subject: 'Still broken', reported_at: reported } });
    await sweepSla({ db: t.database.db, clock: t.clock, log }, { batchSize: 100 });
    return c as { id: string };
  }

  it('scores every customer with factors, opens one retention ticket on entering high, and a second scan changes nothing', async () => {
    const happy = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Happy', region: 'west' } })).json();
    const c = await unhappyCustomer();
    const first = await scan();
    expect(first.customers_scored).toBeGreaterThanOrEqual(2);
    expect(first.entered_high).toBe(1);
    expect(first.care_tickets_opened).toBe(1);

    const risk = (await t.request({ method: 'GET', url: `/v1/customers/${c.id}/churn-risk` })).json();
    expect(risk).toMatchObject({ customer_id: c.id, level: 'high', lifecycle_status: 'at_risk' });
    expect(risk.score).toBeGreaterThanOrEqual(60);
    const sum = risk.factors.reduce((s: number, f: { contribution: number }) => s + f.contribution, 0);
    expect(Math.abs(sum - risk.score)).toBeLessThan(1);
    expect(risk.factors.find((f: { factor: string }) => f.factor === 'low_scores')).toMatchObject({ value: 2, normalized: 1 });
    expect(risk.history).toEqual([{ scored_at: '2026-03-09T01:00:00.000Z', score: risk.score, level: 'high' }]);
    expect((await t.request({ method: 'GET', url: `/v1/customers/${happy.id}/churn-risk` })).json()).toMatchObject({ score: 0, level: 'low', lifecycle_status: 'active' });

    const care = await t.database.db.selectFrom('tickets').select(['type', 'category', 'status', 'priority']).where('customer_id', '=', c.id).where('category', '=', 'retention').execute();
    expect(care).toEqual([{ type: 'care', category: 'retention', status: 'new', priority: 'high' }]);
    const events = await t.database.db.selectFrom('events').select(['type', 'data']).where('resource_id', '=', c.id).where('type', '=', 'customer.churn_risk_changed').execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ id: c.id, status: 'at_risk', churn_risk: { level: 'high' } });
    // Filterable by lifecycle and level.
    const atRisk = (await t.request({ method: 'GET', url: '/v1/customers?status=at_risk' })).json().data.map((x: { id: string }) => x.id);
    expect(atRisk).toEqual([c.id]);
    expect((await t.request({ method: 'GET', url: '/v1/customers?churn_risk_level=high' })).json().data.map((x: { id: string }) => x.id)).toEqual([c.id]);

    const second = await scan();
    expect(second).toMatchObject({ changed: 0, level_changed: 0, entered_high: 0, care_tickets_opened: 0 });
    expect(await t.database.db.selectFrom('tickets').select('id').where('customer_id', '=', c.id).where('category', '=', 'retention').execute()).toHaveLength(1);

    // Forty days later silence and the open ticket's age move the score: history grows by
    // one, and a customer already high gets no second ticket or event.
    t.clock.advance(40 * 86_400_000);
    const later = await scan();
    expect(later.care_tickets_opened).toBe(0);
    const moved = (await t.request({ method: 'GET', url: `/v1/customers/${c.id}/churn-risk` })).json();
    expect(moved.history).toHaveLength(2);
    expect(moved.history[0].score).not.toBe(moved.history[1].score);
    expect(moved.history[0]).toMatchObject({ scored_at: '2026-04-18T01:00:00.000Z', level: 'high' });
    expect(await t.database.db.selectFrom('events').select('id').where('resource_id', '=', c.id).where('type', '=', 'customer.churn_risk_changed').execute()).toHaveLength(1);
    t.clock.advance(-40 * 86_400_000);
  });

  it('runs through the jobs API, claimed like every job', async () => {
    const res = await t.request({ method: 'POST', url: '/v1/jobs/churn-scan/run' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ job: 'churn-scan', status: 'succeeded', counts: { customers_scored: expect.any(Number) } });
  });

  it('GET|PUT /v1/churn/model validates, versions and audits the model', async () => {
    const current = await t.request({ method: 'GET', url: '/v1/churn/model' });
    expect(current.json()).toMatchObject({ window_days: 180, thresholds: { medium: 30, high: 60, lost_after_days: 365 }, version: 1 });
    const body = { window_days: 90, weights: { ...DEFAULT_CHURN_MODEL.weights, silence: 0 }, thresholds: { medium: 25, high: 50, lost_after_days: 365 } };
    expect((await t.request({ method: 'PUT', url: '/v1/churn/model', payload: { ...body, thresholds: { medium: 60, high: 50, lost_after_days: 365 } } })).statusCode).toBe(422);
    expect((await t.request({ method: 'PUT', url: '/v1/churn/model', payload: { ...body, weights: { satisfaction: 1 } } })).statusCode).toBe(400);
    expect((await t.request({ method: 'PUT', url: '/v1/churn/model', payload: body, headers: { 'if-match': '"7"' } })).statusCode).toBe(412);
    const agent = await t.key('agent');
    expect((await t.request({ method: 'PUT', url: '/v1/churn/model', payload: body, key: agent })).statusCode).toBe(403);
    const put = await t.request({ method: 'PUT', url: '/v1/churn/model', payload: body, headers: { 'if-match': '"1"' } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ window_days: 90, version: 2, thresholds: { high: 50 } });
    const audit = (await t.request({ method: 'GET', url: '/v1/audit?resource=churn_model' })).json().data;
    expect(audit[0]).toMatchObject({ action: 'updated', resource: { type: 'churn_model' } });
    expect((await t.request({ method: 'GET', url: '/v1/customers/01a20c20-bb81-70a7-8e07-0eb4f830d29b/churn-risk' })).statusCode).toBe(404);
  });
});

describe('the churn scan after the first: only customers whose signals may have moved', () => {
  let t: TestApp;
  const log = pino({ level: 'silent' });
  const DAY = 86_400_000;
  beforeAll(async () => {
    t = await createTestApp({ clock: new ManualClock('2026-05-04T01:00:00Z') });
    await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'I', tier: 1, regions: ['inc'], skills: ['tv'], max_open_tickets: 500 } });
  });
  afterAll(async () => t.close());
  const scan = () => scanChurn({ db: t.database.db, clock: t.clock, log });
  const call = async (method: string, url: string, payload?: Record<string, unknown>, key?: null) => {
    const res = await t.request({ method: method as 'POST', url, ...(payload ? { payload } : {}), ...(key === null ? { key: null } : {}) });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };

  /** What a scan of everyone would store now: each customer's score, level and lifecycle from its signals. */
  async function everyoneNow() {
    const now = t.clock.now();
    const m = (await repo.loadModel(t.database.db)) as unknown as ChurnModel;
    const rows = await repo.signalsOf(t.database.db, { after: null, limit: 10_000 }, new Date(now.getTime() - m.window_days * DAY), new Date(now.getTime() - (m.window_days * DAY) / 3));
    return new Map(
      rows.map((r) => {
        const signals = { ...r, days_since_contact: Math.max(0, Math.floor((now.getTime() - r.last_contact.getTime()) / DAY)), oldest_open_days: r.oldest_open ? Math.max(0, Math.floor((now.getTime() - r.oldest_open.getTime()) / DAY)) : 0 };
        const scored = scoreCustomer(signals, m);
        return [r.id, { score: scored.score, level: scored.level, status: lifecycleOf(signals, scored.level, m) }];
      }),
    );
  }
  async function stored() {
    const rows = await t.database.db.selectFrom('customers').select(['id', 'status', 'churn_risk']).where('status', '<>', 'erased').execute();
    return new Map(rows.map((r) => [r.id, { score: (r.churn_risk as { score: number }).score, level: (r.churn_risk as { level: string }).level, status: r.status }]));
  }

  it('keeps every customer’s stored score, level and lifecycle equal to a scan of everyone, day after day, scoring few', async () => {
    // Customers of every kind: silent, with an open ticket ageing, unhappy answers (recent and
    // earlier), complaints, a long-lost one.
    const customers: string[] = [];
    for (let i = 0; i < 12; i++) customers.push((await call('POST', '/v1/customers', { name: `Inc ${i}`, region: 'inc' })).id);
    const open = async (c: string, daysAgo: number, type = 'repair') =>
      (await call('POST', '/v1/tickets', { customer_id: c, type, channel: 'phone', category: 'tv', subject: 'x', reported_at: new Date(t.clock.now().getTime() - daysAgo * DAY).toISOString() })).id as string;
    const answered = async (c: string, csat: number) => {
      const k = await open(c, 0);
      await call('POST', `/v1/tickets/${k}/assign`, { auto: true });
      await call('POST', `/v1/tickets/${k}/start`);
      await call('POST', `/v1/tickets/${k}/resolve`, { method: 'repair', summary: 'x', root_cause: 'y' });
      const s = await call('POST', `/v1/tickets/${k}/surveys`);
      await call('POST', `/v1/public/surveys/${s.token}/response`, { csat }, null);
    };
    await open(customers[1]!, 3);
    await open(customers[2]!, 200, 'complaint');
    await answered(customers[3]!, 1);
    await answered(customers[4]!, 5);
    await open(customers[5]!, 20, 'complaint');
    const first = await scan();
    expect(first).toMatchObject({ everyone: 1, customers_scored: customers.length });
    expect(await stored()).toEqual(await everyoneNow());
    let scored = 0;
    for (let day = 1; day <= 75; day++) {
      t.clock.advance(DAY);
      // Now and then something happens to someone.
      if (day % 9 === 0) await answered(customers[day % customers.length]!, day % 2 ? 1 : 4);
      if (day % 13 === 0) await open(customers[(day * 7) % customers.length]!, 1, day % 2 ? 'complaint' : 'repair');
      if (day === 30) await answered(customers[3]!, 5);
      const r = await scan();
      expect(r.everyone).toBe(0);
      scored += r.customers_scored;
      expect(await stored(), `day ${day}`).toEqual(await everyoneNow());
    }
    // A scan of everyone every day would have scored 75 × 12 customers.
    expect(scored).toBeLessThan((75 * customers.length) / 2);
    // A new model version scores everyone again.
    const current = await call('GET', '/v1/churn/model');
    await call('PUT', '/v1/churn/model', { window_days: 90, weights: current.weights, thresholds: current.thresholds });
    expect(await scan()).toMatchObject({ everyone: 1, customers_scored: customers.length });
    expect(await stored()).toEqual(await everyoneNow());
  }, 120_000);
});

describe('follow-up reminders', () => {
  it('announces each follow-up coming due within a day, once', async () => {
    const t = await createTestApp({ clock: new ManualClock('2026-03-09T01:00:00Z') });
    try {
      await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'F', tier: 1, regions: ['f'], skills: ['tv'], max_open_tickets: 5 } });
      const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'F', region: 'f' } })).json();
      const k = (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: c.id, type: 'repair', channel: 'phone', category: 'tv', subject: 'x' } })).json();
      await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/assign`, payload: { auto: true } });
      await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/start` });
      await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/resolve`, payload: { method: 'repair', summary: 'x' } });
      const due = (await t.request({ method: 'GET', url: `/v1/tickets/${k.id}` })).json().sla.follow_up.due_at;
      const run = () => remindFollowUps({ db: t.database.db, clock: t.clock, log: pino({ level: 'silent' }) });
      expect(await run()).toEqual({ follow_ups_announced: 0 });
      t.clock.set(new Date(Date.parse(due) - 23 * 3_600_000));
      expect(await run()).toEqual({ follow_ups_announced: 1 });
      expect(await run()).toEqual({ follow_ups_announced: 0 });
      const events = await t.database.db.selectFrom('events').select('type').where('resource_id', '=', k.id).where('type', '=', 'ticket.follow_up_due').execute();
      expect(events).toHaveLength(1);

      // The worklist: pending follow-ups by due time, overdue first, paged by keyset.
      const others: string[] = [];
      for (let i = 0; i < 2; i++) {
        t.clock.advance(60_000);
        const o = (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: c.id, type: 'repair', channel: 'phone', category: 'tv', subject: `o${i}` } })).json();
        await t.request({ method: 'POST', url: `/v1/tickets/${o.id}/assign`, payload: { auto: true } });
        await t.request({ method: 'POST', url: `/v1/tickets/${o.id}/start` });
        await t.request({ method: 'POST', url: `/v1/tickets/${o.id}/resolve`, payload: { method: 'repair', summary: 'x' } });
        others.push(o.id);
      }
      const list = async (qs: string) => {
        const res = await t.request({ method: 'GET', url: `/v1/follow-ups?${qs}` });
        expect(res.statusCode, res.body).toBe(200);
        return res.json();
      };
      const all = await list('limit=200');
      expect(all.data.map((f: { ticket_id: string }) => f.ticket_id)).toEqual([k.id, ...others]);
      expect(all.data[0]).toMatchObject({ due_at: due, announced_at: expect.any(String), state: 'warning' });
      const p1 = await list('limit=2');
      const p2 = await list(`limit=2&cursor=${p1.next_cursor}`);
      expect([...p1.data, ...p2.data].map((f: { ticket_id: string }) => f.ticket_id)).toEqual([k.id, ...others]);
      expect(p2.next_cursor).toBeNull();
      expect((await list(`due_before=${encodeURIComponent(new Date(Date.parse(due) + 1).toISOString())}`)).data.map((f: { ticket_id: string }) => f.ticket_id)).toEqual([k.id]);
      await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/follow-up`, payload: { outcome: 'satisfied' } });
      expect((await list('limit=200')).data.map((f: { ticket_id: string }) => f.ticket_id)).toEqual(others);
      expect((await t.request({ method: 'GET', url: '/v1/follow-ups?cursor=nope' })).statusCode).toBe(400);
    } finally {
      await t.close();
    }
  });
});
