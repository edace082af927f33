import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { sampleForReview, weekStart } from '../../src/modules/qa/qa.service.ts';
import { createTestApp, openInstance, type TestApp } from '../helpers/app.ts';

let t: TestApp;
const log = pino({ level: 'silent' });
const ids = {} as Record<'customer' | 'A' | 'B' | 'card', string>;
const resolvedOf: Record<'A' | 'B', string[]> = { A: [], B: [] };

async function ok(method: 'POST' | 'GET', url: string, payload?: object, key?: string) {
  const res = await t.request({ method, url, ...(payload ? { payload } : {}), ...(key ? { key } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}

async function resolveTickets(tech: 'A' | 'B', n: number) {
  for (let i = 0; i < n; i++) {
    const ticket = await ok('POST', '/v1/tickets', { customer_id: ids.customer, type: 'repair', channel: 'phone', category: 'fridge', subject: `Fridge ${tech}${i}` });
    await ok('POST', `/v1/tickets/${ticket.id}/assign`, { technician_id: ids[tech] });
    await ok('POST', `/v1/tickets/${ticket.id}/start`);
    await ok('POST', `/v1/tickets/${ticket.id}/resolve`, { method: 'repair', summary: 'Compressor relay replaced' });
    resolvedOf[tech].push(ticket.id);
  }
}

const reviewsOf = async (technicianId: string) =>
  (await t.database.db.selectFrom('qa_reviews').select(['ticket_id', 'week_start', 'state']).where('technician_id', '=', technicianId).orderBy('ticket_id').execute());
/** The deterministic choice: the tickets with the smallest MD5 of their id. */
const firstByHash = (ticketIds: string[], n: number) =>
  [...ticketIds].sort((a, b) => createHash('md5').update(a).digest('hex').localeCompare(createHash('md5').update(b).digest('hex'))).slice(0, n);

beforeAll(async () => {
  // Monday 9 March 2026, 09:00 in Shanghai.
  t = await createTestApp({ clock: new ManualClock('2026-03-09T01:00:00Z') });
  ids.customer = (await ok('POST', '/v1/customers', { name: '周芷若', phone: '13800000010', region: 'east' })).id;
  for (const name of ['A', 'B'] as const) {
    ids[name] = (await ok('POST', '/v1/technicians', { name: `QA ${name}`, tier: 1, regions: ['east'], skills: ['fridge'], max_open_tickets: 100 })).id;
  }
  await resolveTickets('A', 10);
  await resolveTickets('B', 3);
});
afterAll(async () => t.close());

const CRITERIA = [
  { key: 'timely', name: '响应及时', weight: 30 },
  { key: 'courtesy', name: '沟通规范', weight: 20 },
  { key: 'solved', name: '问题彻底解决', weight: 30 },
  { key: 'records', name: '记录完整', weight: 20 },
];

describe('quality inspection (质检)', () => {
  it('refuses a scorecard whose weights do not sum to 100 or whose keys repeat, and keeps the newest as current', async () => {
    const bad = await t.request({ method: 'POST', url: '/v1/qa/scorecards', payload: { name: 'x', criteria: CRITERIA.map((c) => ({ ...c, weight: 20 })) } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().type).toContain('qa-scorecard-criteria');
    const twice = await t.request({ method: 'POST', url: '/v1/qa/scorecards', payload: { name: 'x', criteria: [{ key: 'a', name: 'A', weight: 50 }, { key: 'a', name: 'B', weight: 50 }] } });
    expect(twice.statusCode).toBe(422);
    expect(twice.json().errors[0].path).toBe('/body/criteria/1/key');
    const old = await ok('POST', '/v1/qa/scorecards', { name: 'Old', criteria: [{ key: 'all', name: 'All', weight: 100 }] });
    const card = await ok('POST', '/v1/qa/scorecards', { name: '售后质检 2026', criteria: CRITERIA, sample_percent: 20, min_per_technician: 1, pass_score: 80 });
    ids.card = card.id;
    expect(card).toMatchObject({ current: true, pass_score: 80, sample_percent: 20, min_per_technician: 1, criteria: CRITERIA.map((c) => ({ ...c, description: null })) });
    expect((await ok('GET', `/v1/qa/scorecards/${old.id}`)).current).toBe(false);
    const list = await ok('GET', '/v1/qa/scorecards', undefined, await t.key('analyst'));
    expect(list.data.map((c: { id: string }) => c.id)).toEqual([card.id, old.id]);
  });

  it('samples each technician’s share of the week once, the same tickets whoever runs it, with two instances racing', async () => {
    const other = await openInstance(t.url, t.clock);
    try {
      const results = await Promise.all([
        sampleForReview({ db: t.database.db, clock: t.clock, log }),
        sampleForReview({ db: other.database.db, clock: t.clock, log }),
      ]);
      // A: ⌈10 × 20%⌉ = 2; B: ⌈3 × 20%⌉ = 1 (and at least min_per_technician).
      expect(results.map((r) => r.reviews_queued).sort()).toEqual([0, 3]);
    } finally {
      await other.close();
    }
    expect((await reviewsOf(ids.A)).map((r) => r.ticket_id)).toEqual(firstByHash(resolvedOf.A, 2).sort());
    expect((await reviewsOf(ids.B)).map((r) => r.ticket_id)).toEqual(firstByHash(resolvedOf.B, 1).sort());
    expect((await reviewsOf(ids.A)).every((r) => r.week_start === '2026-03-09' && r.state === 'pending')).toBe(true);
    expect((await sampleForReview({ db: t.database.db, clock: t.clock, log })).reviews_queued).toBe(0);
  });

  it('tops up the current week as tickets resolve, and an earlier week not yet closed at the next run', async () => {
    await resolveTickets('A', 5);
    // ⌈15 × 20%⌉ = 3: one more.
    expect((await sampleForReview({ db: t.database.db, clock: t.clock, log })).reviews_queued).toBe(1);
    t.clock.set('2026-03-13T03:00:00Z');
    await resolveTickets('A', 5);
    // The job did not run again that week; on Tuesday of the next it closes the week: ⌈20 × 20%⌉ = 4.
    t.clock.set('2026-03-17T01:00:00Z');
    expect((await sampleForReview({ db: t.database.db, clock: t.clock, log })).reviews_queued).toBe(1);
    const a = await reviewsOf(ids.A);
    expect(a).toHaveLength(4);
    expect(new Set(a.map((r) => r.ticket_id)).size).toBe(4);
    expect(a.every((r) => resolvedOf.A.includes(r.ticket_id) && r.week_start === '2026-03-09')).toBe(true);
    expect((await t.database.db.selectFrom('qa_sampling').select('open_week').executeTakeFirstOrThrow()).open_week).toBe('2026-03-16');
    expect(weekStart(new Date('2026-03-15T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-16');
    expect(weekStart(new Date('2026-03-15T15:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-09');
  });

  it('scores a review once, by the scorecard’s weights; a failure keeps its coaching note for the appraisal card', async () => {
    const qa = await t.key('qa');
    const pending = await ok('GET', `/v1/qa/reviews?state=pending&technician_id=${ids.A}`, undefined, qa);
    expect(pending.data).toHaveLength(4);
    const [first, second] = pending.data as { id: string; version: number; ticket_id: string }[];
    const missing = await t.request({ method: 'POST', url: `/v1/qa/reviews/${first!.id}`, key: qa, payload: { scores: { timely: 5, courtesy: 4, solved: 2 } } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors).toEqual([{ path: '/body/scores/records', message: 'is required by the scorecard' }]);
    const unknown = await t.request({ method: 'POST', url: `/v1/qa/reviews/${first!.id}`, key: qa, payload: { scores: { timely: 5, courtesy: 4, solved: 2, records: 5, smile: 5 } } });
    expect(unknown.statusCode).toBe(422);
    const stale = await t.request({ method: 'POST', url: `/v1/qa/reviews/${first!.id}`, key: qa, headers: { 'if-match': '"7"' }, payload: { scores: { timely: 5, courtesy: 4, solved: 2, records: 5 } } });
    expect(stale.statusCode).toBe(412);
    // 30×5/5 + 20×4/5 + 30×2/5 + 20×5/5 = 30 + 16 + 12 + 20 = 78 < 80.
    const failed = await ok('POST', `/v1/qa/reviews/${first!.id}`, { scores: { timely: 5, courtesy: 4, solved: 2, records: 5 }, comment: '故障未彻底排除', coaching_note: '复查压缩机启动电流后再结单' }, qa);
    expect(failed).toMatchObject({ state: 'done', score: 78, passed: false, coaching_note: '复查压缩机启动电流后再结单', comment: '故障未彻底排除', version: 2 });
    const passed = await ok('POST', `/v1/qa/reviews/${second!.id}`, { scores: { timely: 5, courtesy: 5, solved: 5, records: 5 }, coaching_note: 'ignored on a pass' });
    expect(passed).toMatchObject({ score: 100, passed: true, coaching_note: null });
    const again = await t.request({ method: 'POST', url: `/v1/qa/reviews/${first!.id}`, key: qa, payload: { scores: { timely: 5, courtesy: 5, solved: 5, records: 5 } } });
    expect(again.statusCode).toBe(409);
    await expect(sql`update qa_reviews set score = 100 where id = ${first!.id}`.execute(t.database.db)).rejects.toThrow(/append-only/);
    expect((await ok('GET', '/v1/qa/reviews?passed=false', undefined, qa)).data.map((r: { id: string }) => r.id)).toEqual([first!.id]);
    expect((await ok('GET', '/v1/qa/reviews?state=done')).data).toHaveLength(2);

    const period = 'from=2026-03-16T00:00:00Z&to=2026-03-18T00:00:00Z';
    const report = await ok('GET', `/v1/reports/kpis?${period}&group_by=technician`);
    expect(report.rows.find((r: { key: string }) => r.key === ids.A)).toMatchObject({ qa_score_avg: 89, qa_reviews: 2 });
    const card = await ok('GET', `/v1/reports/technicians/${ids.A}?${period}`);
    expect(card.figures).toMatchObject({ qa_score_avg: 89, qa_reviews: 2 });
    expect(card.rank.qa_score_avg).toEqual({ position: 1, of: 1 });
    expect(card.coaching).toEqual([{ review_id: first!.id, ticket_id: first!.ticket_id, score: 78, note: '复查压缩机启动电流后再结单', reviewed_at: '2026-03-17T01:00:00.000Z' }]);
  });

  it('lets managers and qa keys review; analysts read scorecards only; agents and technicians neither', async () => {
    const agent = await t.key('agent');
    const analyst = await t.key('analyst');
    expect((await t.request({ method: 'GET', url: '/v1/qa/reviews', key: agent })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/v1/qa/reviews', key: analyst })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/v1/qa/reviews', key: await t.key('manager') })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: '/v1/qa/scorecards', key: analyst, payload: { name: 'x', criteria: CRITERIA } })).statusCode).toBe(403);
    // A qa key reads tickets but changes none.
    const qa = await t.key('qa');
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${resolvedOf.A[0]}`, key: qa })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: `/v1/tickets/${resolvedOf.A[0]}/reopen`, key: qa, payload: { reason: 'x' } })).statusCode).toBe(403);
  });
});
