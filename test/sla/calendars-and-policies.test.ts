import { ALWAYS_CALENDAR_ID, BUSINESS_CALENDAR_ID } from '../../migrations/2026-11-24T0900_sla.ts';
import { sql } from 'kysely';
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

  it('refuses a calendar or policy under which a clock could never fall due, naming the field', async () => {
    const post = (payload: Record<string, unknown>) => t.request({ method: 'POST', url: '/v1/calendars', payload: { name: 'x', timezone: 'Asia/Shanghai', ...payload } });
    const none = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    // Every day empty but one make-up Saturday: the make-up day runs out.
    const makeUpOnly = await post({ hours: none, workdays: ['2026-03-07'] });
    expect(makeUpOnly.statusCode).toBe(422);
    expect(makeUpOnly.json()).toMatchObject({ type: 'https://aftercare.dev/problems/calendar-invalid', errors: [{ path: '/body/hours' }] });
    // Sunday hours, with the next thousand Sundays as holidays.
    const firstSunday = Date.parse('2026-03-08T00:00:00Z');
    const sundays = Array.from({ length: 1000 }, (_, i) => new Date(firstSunday + i * 7 * 86_400_000).toISOString().slice(0, 10));
    const sundaysOff = await post({ hours: { ...none, sun: [['09:00', '17:00']] }, holidays: sundays });
    expect(sundaysOff.statusCode).toBe(422);
    expect(sundaysOff.json().errors).toEqual([{ path: '/body/holidays', message: 'leave a whole year without working time' }]);
    // One minute a week is a calendar; a 525,600-minute target in it is not a policy.
    const minute = await post({ hours: { ...none, wed: [['09:00', '09:01']] } });
    expect(minute.statusCode, minute.body).toBe(201);
    const policy = { name: 'Never due', position: 999, targets: { first_response: 60, resolution: 525_600, follow_up: 30 }, calendar_id: minute.json().id };
    const unreachable = await t.request({ method: 'POST', url: '/v1/sla-policies', payload: policy });
    expect(unreachable.statusCode).toBe(422);
    expect(unreachable.json()).toMatchObject({ type: 'https://aftercare.dev/problems/sla-target-unreachable' });
    expect(unreachable.json().errors.map((e: { path: string }) => e.path)).toEqual(['/body/targets/first_response', '/body/targets/resolution']);
    // A calendar a policy uses cannot shrink below what the policy needs.
    const office = (await post({ hours: week([['09:00', '18:00']]) })).json();
    const used = await t.request({ method: 'POST', url: '/v1/sla-policies', payload: { ...policy, targets: { first_response: 60, resolution: 2_400, follow_up: 30 }, calendar_id: office.id } });
    expect(used.statusCode, used.body).toBe(201);
    const shrunk = await t.request({ method: 'PATCH', url: `/v1/calendars/${office.id}`, payload: { hours: { ...none, wed: [['09:00', '09:30']] } } });
    expect(shrunk.statusCode).toBe(422);
    expect(shrunk.json().errors[0]).toMatchObject({ path: '/body/hours' });
    const raised = await t.request({ method: 'PATCH', url: `/v1/sla-policies/${used.json().id}`, payload: { targets: { first_response: 60, resolution: 200_000, follow_up: 30 } } });
    expect(raised.statusCode).toBe(422);
    expect(raised.json().errors).toEqual([expect.objectContaining({ path: '/body/targets/resolution' })]);
  });

  it('answers 422 calendar-invalid, never 500, for a calendar stored before these checks existed', async () => {
    // A make-up day alone, with a policy using it: what an earlier version accepted.
    const calendarId = '01900000-0000-7000-8000-0000000000c1';
    const policyId = '01900000-0000-7000-8000-0000000000c2';
    const empty = JSON.stringify({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] });
    await sql`insert into calendars (id, name, timezone, hours, holidays, workdays, created_at, updated_at)
              values (${calendarId}, 'Broken', 'Asia/Shanghai', ${empty}::jsonb, '{}', '{2026-03-07}', now(), now())`.execute(t.database.db);
    await sql`insert into sla_policies (id, name, position, match, targets, calendar_id, warn_at_percent, pause_on, on_breach, active, created_at, updated_at)
              values (${policyId}, 'Broken', 0, '{"channels":["on_site"]}', '{"first_response":60,"resolution":600,"follow_up":60}', ${calendarId}, 80, '{}', '{}', true, now(), now())`.execute(t.database.db);
    // A change through the API tells every instance's policy cache.
    expect((await t.request({ method: 'PATCH', url: `/v1/sla-policies/${policyId}`, payload: { name: 'Broken, stored long ago' } })).statusCode).toBe(200);
    try {
      const customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'On site' } })).json();
      const res = await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'on_site', category: 'oven', subject: 'Cold' } });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ type: 'https://aftercare.dev/problems/calendar-invalid' });
    } finally {
      await sql`update sla_policies set active = false where id = ${policyId}`.execute(t.database.db);
    }
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
