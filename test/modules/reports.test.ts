import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { v7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/*
 * Four tickets on Monday 2026-03-02 (Shanghai business hours 09:00–18:00 = 01:00–10:00 UTC),
 * every figure worked out by hand below:
 *   T1 repair   A  first response 30 min (met)        resolved 120 min      follow-up done
 *   T2 repair   A  first response 120 min (breached)  resolved 240 min      two completed visits
 *   T3 complaint B first response 60 min (24×7, met)   resolved 180 + 60 min (reopened once)
 *   T4 repair   B  still waiting for a first response (not yet judged: no breach recorded)
 * Surveys: T1 csat 5 nps 10, T2 csat 3 nps 7, T3 csat 4 nps 4.
 */
let t: TestApp;
const ids = {} as Record<"customer" | "A" | "B" | "C" | "T1" | "T2" | "T3" | "T4", string>;
const at = (iso: string) => t.clock.set(iso);

async function ok(method: 'POST' | 'GET', url: string, payload?: object, key?: string) {
  const res = await t.request({ method, url, ...(payload ? { payload } : {}), ...(key ? { key } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}

async function ticket(name: "T1" | "T2" | "T3" | "T4", tech: "A" | "B", type: string, channel: string, category: string) {
  const created = await ok('POST', '/v1/tickets', { customer_id: ids.customer, type, channel, category, subject: `${name} subject` });
  ids[name] = created.id;
  await ok('POST', `/v1/tickets/${created.id}/assign`, { technician_id: ids[tech] });
  return created.id as string;
}
const respond = (id: string) => ok('POST', `/v1/tickets/${id}/notes`, { kind: 'call', visibility: 'customer', body: 'Called the customer back' });
const resolve = (id: string) => ok('POST', `/v1/tickets/${id}/resolve`, { method: 'repair', summary: 'Fixed', root_cause: 'Loose drum bearing' });

async function survey(id: string, csat: number, nps: number) {
  const s = await ok('POST', `/v1/tickets/${id}/surveys`);
  const res = await t.request({ method: 'POST', url: `/v1/public/surveys/${s.token}/response`, payload: { csat, nps }, key: null });
  expect(res.statusCode, res.body).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp({ clock: new ManualClock('2026-03-02T01:00:00Z') });
  ids.customer = (await ok('POST', '/v1/customers', { name: '赵敏', phone: '13800000009', region: 'east' })).id;
  const tech = async (name: string, tier: number, region: string) =>
    (await ok('POST', '/v1/technicians', { name, tier, regions: [region], skills: ['fridge', 'washer'], max_open_tickets: 50 })).id as string;
  ids.A = await tech('王师傅, 东区 "一组"', 1, 'east');
  ids.B = await tech('Bai Lin', 1, 'east');
  ids.C = await tech('陈新', 2, 'west');

  at('2026-03-02T01:00:00Z');
  const t1 = await ticket('T1', 'A', 'repair', 'phone', 'fridge');
  const t2 = await ticket('T2', 'A', 'repair', 'email', 'fridge');
  const t3 = await ticket('T3', 'B', 'complaint', 'phone', 'washer');
  await ticket('T4', 'B', 'repair', 'web', 'washer');
  for (const id of [t1, t2, t3]) await ok('POST', `/v1/tickets/${id}/start`);
  at('2026-03-02T01:30:00Z');
  await respond(t1);
  at('2026-03-02T02:00:00Z');
  await respond(t3);
  at('2026-03-02T03:00:00Z');
  await respond(t2);
  await resolve(t1);
  at('2026-03-02T04:00:00Z');
  await resolve(t3);
  at('2026-03-02T05:00:00Z');
  await resolve(t2);
  await ok('POST', `/v1/tickets/${t3}/reopen`, { reason: 'Still noisy' });
  at('2026-03-02T06:00:00Z');
  await resolve(t3);
  // Two completed visits on T2: not a first-time fix.
  for (const hour of [2, 4]) {
    await sql`insert into visits (id, ticket_id, customer_id, technician_id, status, window_start, window_end, holds_until, checked_in_at, completed_at, created_at, updated_at)
      values (${v7()}, ${t2}, ${ids.customer}, ${ids.A}, 'completed', ${new Date(Date.UTC(2026, 2, 2, hour))}, ${new Date(Date.UTC(2026, 2, 2, hour, 30))},
        ${new Date(Date.UTC(2026, 2, 2, hour, 30))}, ${new Date(Date.UTC(2026, 2, 2, hour))}, ${new Date(Date.UTC(2026, 2, 2, hour, 30))}, now(), now())`.execute(t.database.db);
  }
  at('2026-03-02T07:00:00Z');
  await survey(t1, 5, 10);
  await survey(t2, 3, 7);
  await survey(t3, 4, 4);
  await ok('POST', `/v1/tickets/${t1}/follow-up`, { outcome: 'satisfied' });
  at('2026-03-02T08:00:00Z');
});
afterAll(async () => t.close());

const period = 'from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z';
const report = async (query: string, key?: string) => ok('GET', `/v1/reports/kpis?${period}&${query}`, undefined, key);

describe('KPI report', () => {
  it('computes every figure per technician and in total, exactly as worked out by hand', async () => {
    const r = await report('group_by=technician');
    expect(r).toMatchObject({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z', tz: 'Asia/Shanghai', group_by: 'technician' });
    const byKey = Object.fromEntries(r.rows.map((row: { key: string }) => [row.key, row]));
    expect(Object.keys(byKey).sort()).toEqual([ids.A, ids.B].sort());
    expect(byKey[ids.A]).toEqual({
      key: ids.A,
      label: '王师傅, 东区 "一组"',
      tickets_created: 2,
      tickets_resolved: 2,
      first_response_minutes: { p50: 75, p90: 111 },
      resolution_minutes: { p50: 180, p90: 228 },
      first_response_sla_met_pct: 50,
      resolution_sla_met_pct: 100,
      follow_up_done_pct: 100,
      first_time_fix_pct: 50,
      reopen_pct: 0,
      complaints: 0,
      csat_avg: 4,
      csat_responses: 2,
      nps: 50,
      nps_responses: 2,
      qa_score_avg: null,
      qa_reviews: 0,
    });
    expect(byKey[ids.B]).toEqual({
      key: ids.B,
      label: 'Bai Lin',
      tickets_created: 2,
      tickets_resolved: 1,
      first_response_minutes: { p50: 60, p90: 60 },
      resolution_minutes: { p50: 240, p90: 240 },
      first_response_sla_met_pct: 100,
      resolution_sla_met_pct: 100,
      follow_up_done_pct: null,
      first_time_fix_pct: 0,
      reopen_pct: 100,
      complaints: 1,
      csat_avg: 4,
      csat_responses: 1,
      nps: -100,
      nps_responses: 1,
      qa_score_avg: null,
      qa_reviews: 0,
    });
    expect(r.total).toEqual({
      tickets_created: 4,
      tickets_resolved: 3,
      first_response_minutes: { p50: 60, p90: 108 },
      resolution_minutes: { p50: 240, p90: 240 },
      first_response_sla_met_pct: 66.67,
      resolution_sla_met_pct: 100,
      follow_up_done_pct: 100,
      first_time_fix_pct: 33.33,
      reopen_pct: 33.33,
      complaints: 1,
      csat_avg: 4,
      csat_responses: 3,
      nps: 0,
      nps_responses: 3,
      qa_score_avg: null,
      qa_reviews: 0,
    });
  });

  it('counts a follow-up once it is due: after T3’s (3 days on 24×7) passes undone, B is at 0%', async () => {
    at('2026-03-06T10:00:00Z');
    try {
      const r = await report('group_by=technician');
      const b = r.rows.find((row: { key: string }) => row.key === ids.B);
      expect(b.follow_up_done_pct).toBe(0);
      expect(r.total.follow_up_done_pct).toBe(50);
    } finally {
      at('2026-03-02T08:00:00Z');
    }
  });

  it('groups by type, channel and category, by the local day in the timezone asked for, and by week', async () => {
    const types = await report('group_by=type');
    expect(types.rows.map((r: { key: string; tickets_created: number; complaints: number }) => [r.key, r.tickets_created, r.complaints])).toEqual([
      ['complaint', 1, 1],
      ['repair', 3, 0],
    ]);
    const channels = await report('group_by=channel');
    expect(channels.rows.map((r: { key: string; tickets_created: number }) => [r.key, r.tickets_created])).toEqual([
      ['email', 1],
      ['phone', 2],
      ['web', 1],
    ]);
    const categories = await report('group_by=category');
    expect(categories.rows.map((r: { key: string; tickets_resolved: number }) => [r.key, r.tickets_resolved])).toEqual([
      ['fridge', 2],
      ['washer', 1],
    ]);
    // 01:00 UTC on 2 March is 09:00 in Shanghai and 17:00 on 1 March in Los Angeles.
    expect((await report('group_by=day')).rows.map((r: { key: string }) => r.key)).toEqual(['2026-03-02']);
    expect((await report('group_by=day&tz=America/Los_Angeles')).rows.map((r: { key: string }) => r.key)).toEqual(['2026-03-01']);
    const week = await report('group_by=week&tz=UTC');
    expect(week.rows).toHaveLength(1);
    expect(week.rows[0]).toMatchObject({ key: '2026-03-02', label: '2026-03-02', tickets_created: 4, tickets_resolved: 3 });
    const tiers = await report('group_by=tier');
    expect(tiers.rows.map((r: { key: string }) => r.key)).toEqual(['1']);
    const regions = await report('group_by=region');
    expect(regions.rows.map((r: { key: string }) => r.key)).toEqual(['east']);
  });

  it('gives the same rows as CSV, quoted so names with commas and quotes come back whole', async () => {
    const json = await report('group_by=technician');
    const res = await t.request({ method: 'GET', url: `/v1/reports/kpis?${period}&group_by=technician`, headers: { accept: 'text/csv' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="kpis-technician-2026-03-02-2026-03-03.csv"');
    expect(res.body.startsWith('\uFEFFrow,group_by,key,label,tickets_created')).toBe(true);
    const records = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(json.rows.length + 1);
    for (const [i, row] of json.rows.entries()) {
      const rec = records[i]!;
      expect(rec).toMatchObject({ row: 'group', group_by: 'technician', key: row.key, label: row.label });
      expect(Number(rec.tickets_created)).toBe(row.tickets_created);
      expect(Number(rec.first_response_minutes_p90)).toBe(row.first_response_minutes.p90);
      expect(rec.follow_up_done_pct).toBe(row.follow_up_done_pct === null ? '' : String(row.follow_up_done_pct));
      expect(Number(rec.nps)).toBe(row.nps);
    }
    expect(records.at(-1)).toMatchObject({ row: 'total', key: '', label: 'Total', tickets_created: '4', first_time_fix_pct: '33.33', qa_score_avg: '' });
  });

  it('answers 400 for a period that ends before it starts, a year too long, or an unknown timezone; analysts may read, agents may not', async () => {
    const bad = async (query: string, path: string) => {
      const res = await t.request({ method: 'GET', url: `/v1/reports/kpis?${query}` });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0].path).toBe(path);
    };
    await bad('from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z', '/query/from');
    await bad('from=2020-01-01T00:00:00Z&to=2026-03-02T00:00:00Z', '/query/from');
    await bad(`${period}&tz=Mars/Olympus`, '/query/tz');
    await bad(`${period}&group_by=planet`, '/query/group_by');
    expect((await t.request({ method: 'GET', url: `/v1/reports/kpis?${period}`, key: await t.key('analyst') })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/v1/reports/kpis?${period}`, key: await t.key('agent') })).statusCode).toBe(403);
  });
});

describe('appraisal card', () => {
  it('sets a technician’s figures beside the team’s (same tier and region) with ranks', async () => {
    const card = await ok('GET', `/v1/reports/technicians/${ids.A}?${period}`);
    const report = await ok('GET', `/v1/reports/kpis?${period}&group_by=technician`);
    const { key: _k, label: _l, ...mine } = report.rows.find((r: { key: string }) => r.key === ids.A);
    expect(card.technician).toEqual({ id: ids.A, name: '王师傅, 东区 "一组"', tier: 1, regions: ['east'] });
    expect(card.figures).toEqual(mine);
    expect(card.team).toEqual({ technicians: 2, figures: report.total });
    expect(card.rank).toEqual({
      tickets_resolved: { position: 1, of: 2 },
      resolution_sla_met_pct: { position: 1, of: 2 },
      first_time_fix_pct: { position: 1, of: 2 },
      csat_avg: { position: 1, of: 2 },
      qa_score_avg: null,
    });
    const b = await ok('GET', `/v1/reports/technicians/${ids.B}?${period}`);
    expect(b.rank.tickets_resolved).toEqual({ position: 2, of: 2 });
    expect(b.rank.first_time_fix_pct).toEqual({ position: 2, of: 2 });
  });

  it('gives a fresh technician an empty card in a team of one', async () => {
    const card = await ok('GET', `/v1/reports/technicians/${ids.C}?${period}`);
    expect(card.figures).toMatchObject({ tickets_created: 0, tickets_resolved: 0, first_response_minutes: { p50: null, p90: null }, csat_avg: null, nps: null, qa_score_avg: null });
    expect(card.team.technicians).toBe(1);
    expect(card.rank).toEqual({ tickets_resolved: { position: 1, of: 1 }, resolution_sla_met_pct: null, first_time_fix_pct: null, csat_avg: null, qa_score_avg: null });
    expect(card.coaching).toEqual([]);
  });

  it('lets a technician key read its own card only', async () => {
    const secret = (await ok('POST', '/v1/api-keys', { name: 'A', role: 'technician', technician_id: ids.A })).secret;
    expect((await t.request({ method: 'GET', url: `/v1/reports/technicians/${ids.A}?${period}`, key: secret })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/v1/reports/technicians/${ids.B}?${period}`, key: secret })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/v1/reports/kpis?${period}`, key: secret })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: `/v1/reports/technicians/${v7()}?${period}` })).statusCode).toBe(404);
  });
});
