import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const create = async (payload: Record<string, unknown>) => {
  const res = await t.request({ method: 'POST', url: '/v1/technicians', payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};

describe('technicians', () => {
  it('creates with tier, regions, skills and capacity', async () => {
    const tech = await create({ name: 'Wang Lei', tier: 1, regions: ['east'], skills: ['smart-lock'], max_open_tickets: 5, phone: '13900000000' });
    expect(tech).toMatchObject({ tier: 1, regions: ['east'], skills: ['smart-lock'], max_open_tickets: 5, open_tickets: 0, active: true, calendar_id: null, version: 1 });
    expect((await t.request({ method: 'GET', url: `/v1/technicians/${tech.id}` })).json()).toEqual(tech);
  });

  it('refuses a tier outside 1 to 3 and a negative capacity', async () => {
    for (const payload of [{ name: 'X', tier: 4, max_open_tickets: 1 }, { name: 'X', tier: 0, max_open_tickets: 1 }, { name: 'X', tier: 1, max_open_tickets: -1 }, { name: 'X', tier: '1', max_open_tickets: 1 }]) {
      expect((await t.request({ method: 'POST', url: '/v1/technicians', payload })).statusCode).toBe(400);
    }
  });

  it('filters by tier, region, skill and active', async () => {
    await create({ name: 'F1', tier: 2, regions: ['f-north', 'f-south'], skills: ['sofa'], max_open_tickets: 3 });
    const off = await create({ name: 'F2', tier: 2, regions: ['f-north'], skills: ['fridge'], max_open_tickets: 3 });
    await t.request({ method: 'PATCH', url: `/v1/technicians/${off.id}`, payload: { active: false } });
    const names = async (qs: string) => ((await t.request({ method: 'GET', url: `/v1/technicians?${qs}` })).json().data as { name: string }[]).map((x) => x.name).sort();
    expect(await names('region=f-north')).toEqual(['F1', 'F2']);
    expect(await names('region=f-north&active=true')).toEqual(['F1']);
    expect(await names('skill=fridge')).toEqual(['F2']);
    expect(await names('tier=2&region=f-south')).toEqual(['F1']);
  });

  it('lets managers change a technician with If-Match, and audits it', async () => {
    const tech = await create({ name: 'Patch', tier: 1, max_open_tickets: 2 });
    const manager = await t.key('manager');
    const res = await t.request({ method: 'PATCH', url: `/v1/technicians/${tech.id}`, key: manager, payload: { tier: 2, skills: ['tv'] }, headers: { 'if-match': '"1"' } });
    expect(res.json()).toMatchObject({ tier: 2, skills: ['tv'], version: 2 });
    expect((await t.request({ method: 'PATCH', url: `/v1/technicians/${tech.id}`, key: manager, payload: { tier: 3 }, headers: { 'if-match': '"1"' } })).statusCode).toBe(412);
    const agent = await t.key('agent');
    expect((await t.request({ method: 'PATCH', url: `/v1/technicians/${tech.id}`, key: agent, payload: { tier: 3 } })).statusCode).toBe(403);
    const audit = (await t.request({ method: 'GET', url: `/v1/audit?resource=technician/${tech.id}` })).json().data;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['updated', 'created']);
  });

  it('binds technician keys to a technician, which then sees only itself', async () => {
    const me = await create({ name: 'Me', tier: 1, max_open_tickets: 2 });
    const other = await create({ name: 'Other', tier: 1, max_open_tickets: 2 });
    const res = await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'me', role: 'technician', technician_id: me.id } });
    expect(res.statusCode).toBe(201);
    const key = res.json().secret;
    expect((await t.request({ method: 'GET', url: `/v1/technicians/${me.id}`, key })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/v1/technicians/${other.id}`, key })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/v1/technicians', key })).json().data.map((x: { id: string }) => x.id)).toEqual([me.id]);
    expect((await t.request({ method: 'GET', url: '/v1/customers', key })).statusCode).toBe(403);
  });
});
