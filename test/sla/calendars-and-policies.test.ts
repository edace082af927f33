import { ALWAYS_CALENDAR_ID, BUSINESS_CALENDAR_ID } from '../../migrations/2026-11-24T0900_sla.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstMatch } from '../../src/domain/policy-match.ts';
import { createTestApp, openInstance, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const week = (span: string[][]) => ({ mon: span, tue: span, wed: span, thu: span, fri: span, sat: [], sun: [] });

describe('calendars', () => {
  it('ships a business-hours and a 24×7 calendar', async () => {
    const all = (await t.request({ method: 'GET', url: '/v1/calendars?limit=200' })).json().data as { id: string; name: string; hours: Record<string, string[][]> }[];
    // The two the migration ships, whatever other tests of this file have added.
    const list = all.filter((c) => c.id === BUSINESS_CALENDAR_ID || c.id === ALWAYS_CALENDAR_ID);
    expect(list.map((c) => c.name).sort()).toEqual(['Around the clock (24×7)', 'Business hours (Mon–Fri 09:00–18:00, Shanghai)']);
    expect(list.find((c) => c.name.startsWith('Around'))!.hours.sun).toEqual([['00:00', '24:00']]);
  });

  it('creates a calendar with lunch breaks, holidays and make-up days, and audits it', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/calendars',
      payload: { name: 'Beijing office', timezone: 'Asia/Shanghai', hours: week([['09:00', '12:00'], ['13:00', '18:00']]), holidays: ['2026-10-01'], workdays: ['2026-10-10'] },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ timezone: 'Asia/Shanghai', holidays: ['2026-10-01'], workdays: ['2026-10-10'], version: 1 });
    const patched = await t.request({ method: 'PATCH', url: `/v1/calendars/${res.json().id}`, payload: { holidays: ['2026-10-01', '2026-10-02'] }, headers: { 'if-match': '"1"' } });
    expect(patched.json()).toMatchObject({ holidays: ['2026-10-01', '2026-10-02'], version: 2 });
    const audit = (await t.request({ method: 'GET', url: `/v1/audit?resource=calendar/${res.json().id}` })).json().data;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['updated', 'created']);
  });

  it('refuses calendars that cannot be computed with', async () => {
    const bad = async (payload: Record<string, unknown>) => t.request({ method: 'POST', url: '/v1/calendars', payload: { name: 'x', timezone: 'Asia/Shanghai', hours: week([['09:00', '18:00']]), ...payload } });
    expect((await bad({ timezone: 'Mars/Olympus' })).statusCode).toBe(422);
    expect((await bad({ hours: week([['18:00', '09:00']]) })).statusCode).toBe(422);
    expect((await bad({ hours: week([['09:00', '13:00'], ['12:00', '18:00']]) })).statusCode).toBe(422);
    expect((await bad({ hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } })).statusCode).toBe(422);
    expect((await bad({ workdays: ['2026-10-12'] })).json().errors).toEqual([{ path: '/body/workdays', message: '2026-10-12 is not a Saturday or Sunday' }]);
    expect((await bad({ hours: week([['9:00', '18:00']]) })).statusCode).toBe(400);
    expect((await bad({ hours: week([['09:00', '24:30']]) })).statusCode).toBe(400);
    expect((await bad({ hours: { mon: [] } })).statusCode).toBe(400);
    expect((await bad({ holidays: ['2026-13-01'] })).statusCode).toBe(400);
  });
});

describe('SLA policies', () => {
  it('ships the handbook defaults, first match by position', async () => {
    const list = (await t.request({ method: 'GET', url: '/v1/sla-policies' })).json().data as { name: string; position: number; targets: Record<string, number> }[];
    const byName = Object.fromEntries(list.map((p) => [p.name, p]));
    expect(byName['Standard']!.targets).toMatchObject({ first_response: 60, resolution: 1440, follow_up: 4320 });
    expect(byName['Urgent, around the clock']!.position).toBeLessThan(byName['Standard']!.position);
    expect(byName['Complaints']!.targets.first_response).toBe(1440);
  });

  it('creates, changes and validates a policy', async () => {
    const calendar = (await t.request({ method: 'GET', url: '/v1/calendars' })).json().data[0].id;
    const res = await t.request({
      method: 'POST',
      url: '/v1/sla-policies',
      payload: { name: 'VIP', position: 5, match: { customer_tiers: ['vip'] }, targets: { first_response: 30, resolution: 480, follow_up: 1440 }, calendar_id: calendar, pause_on: ['waiting_customer', 'waiting_parts'], on_breach: { escalate: true } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ warn_at_percent: 80, active: true, pause_on: ['waiting_customer', 'waiting_parts'] });
    const off = await t.request({ method: 'PATCH', url: `/v1/sla-policies/${res.json().id}`, payload: { active: false } });
    expect(off.json()).toMatchObject({ active: false, version: 2 });
    const bad = (payload: Record<string, unknown>) => t.request({ method: 'POST', url: '/v1/sla-policies', payload: { name: 'x', position: 1, targets: { first_response: 1, resolution: 1, follow_up: 1 }, calendar_id: calendar, ...payload } });
    expect((await bad({ calendar_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' })).statusCode).toBe(422);
    expect((await bad({ match: { priorities: ['whenever'] } })).statusCode).toBe(400);
    expect((await bad({ targets: { first_response: 0, resolution: 1, follow_up: 1 } })).statusCode).toBe(400);
    expect((await bad({ warn_at_percent: 100 })).statusCode).toBe(400);
    expect((await t.request({ method: 'POST', url: '/v1/sla-policies', key: await t.key('agent'), payload: {} })).statusCode).toBe(403);
  });

  it('reaches the tickets of every instance as soon as a policy changes', async () => {
    const other = await openInstance(t.url, t.clock);
    try {
      const customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Cache', tier: 'key' } })).json();
      const openOnOther = async () =>
        (
          await other.app.inject({
            method: 'POST',
            url: '/v1/tickets',
            headers: { authorization: `Bearer ${t.adminKey}` },
            payload: { customer_id: customer.id, type: 'repair', channel: 'web', category: 'c', subject: 's' },
          })
        ).json();
      const before = await openOnOther();
      const calendar = (await t.request({ method: 'GET', url: '/v1/calendars' })).json().data.find((c: { name: string }) => c.name.startsWith('Around')).id;
      await t.request({
        method: 'POST',
        url: '/v1/sla-policies',
        payload: { name: 'Key accounts', position: 1, match: { customer_tiers: ['key'] }, targets: { first_response: 15, resolution: 120, follow_up: 1440 }, calendar_id: calendar },
      });
      await expect
        .poll(async () => (await openOnOther()).sla.first_response.due_at, { timeout: 2_000, interval: 10 })
        .toBe(new Date(t.clock.now().getTime() + 15 * 60_000).toISOString());
      expect(before.sla.first_response.due_at).not.toBe(new Date(t.clock.now().getTime() + 15 * 60_000).toISOString());
    } finally {
      await other.close();
    }
  });

  it('picks the first active policy whose every list holds the ticket', () => {
    const policies = [
      { id: 'b', position: 100, active: true, match: {} },
      { id: 'a', position: 10, active: true, match: { priorities: ['urgent'] } },
      { id: 'c', position: 5, active: false, match: {} },
      { id: 'd', position: 20, active: true, match: { types: ['complaint'], channels: ['email', 'web'] } },
    ];
    const ticket = { type: 'repair', priority: 'normal', customer_tier: 'standard', channel: 'phone' };
    expect(firstMatch(policies, ticket)?.id).toBe('b');
    expect(firstMatch(policies, { ...ticket, priority: 'urgent' })?.id).toBe('a');
    expect(firstMatch(policies, { ...ticket, type: 'complaint', channel: 'email' })?.id).toBe('d');
    expect(firstMatch(policies, { ...ticket, type: 'complaint', channel: 'phone' })?.id).toBe('b');
    expect(firstMatch(policies.filter((p) => p.id !== 'b'), ticket)).toBeUndefined();
  });
});
