import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const create = async (payload: Record<string, unknown>) => {
  const res = await t.request({ method: 'POST', url: '/v1/customers', payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};
const list = async (qs: string) => {
  const res = await t.request({ method: 'GET', url: `/v1/customers?${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().data as { name: string }[]).map((c) => c.name).sort();
};

describe('customers', () => {
  it('creates with defaults and every field of the contract', async () => {
    const c = await create({ name: 'Li Na', phone: '+86 138 0013 8000', email: 'li.na@example.cn', region: 'east', address: '1 Nanjing Rd', external_ref: 'CRM-1' });
    expect(c).toMatchObject({
      name: 'Li Na',
      kind: 'person',
      tier: 'standard',
      tags: [],
      status: 'active',
      churn_risk: null,
      version: 1,
      external_ref: 'CRM-1',
    });
    expect(c.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(c.created_at).toBe(t.clock.now().toISOString());
    const got = await t.request({ method: 'GET', url: `/v1/customers/${c.id}` });
    expect(got.json()).toEqual(c);
  });

  it('refuses a second customer with the same external_ref', async () => {
    await create({ name: 'First', external_ref: 'CRM-DUP' });
    const res = await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Second', external_ref: 'CRM-DUP' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('CRM-DUP');
  });

  it('changes fields with PATCH, clears them with null, and refuses an empty patch', async () => {
    const c = await create({ name: 'Patchy', email: 'p@example.com', tags: ['a'] });
    const res = await t.request({ method: 'PATCH', url: `/v1/customers/${c.id}`, payload: { email: null, tier: 'vip', tags: ['b', 'c'] } });
    expect(res.json()).toMatchObject({ email: null, tier: 'vip', tags: ['b', 'c'], version: 2, name: 'Patchy' });
    expect((await t.request({ method: 'PATCH', url: `/v1/customers/${c.id}`, payload: {} })).statusCode).toBe(400);
    expect((await t.request({ method: 'PATCH', url: `/v1/customers/${c.id}`, payload: { status: 'lost' } })).statusCode).toBe(400);
  });

  it('filters by tier, region, status and churn risk level', async () => {
    await create({ name: 'F vip east', tier: 'vip', region: 'f-east' });
    await create({ name: 'F key east', tier: 'key', region: 'f-east' });
    const west = await create({ name: 'F std west', region: 'f-west' });
    await sql`update customers set churn_risk = ${JSON.stringify({ score: 81, level: 'high', factors: [], scored_at: '2026-03-01T00:00:00.000Z' })}::jsonb, status = 'at_risk' where id = ${west.id}`.execute(t.database.db);
    expect(await list('region=f-east')).toEqual(['F key east', 'F vip east']);
    expect(await list('region=f-east&tier=vip')).toEqual(['F vip east']);
    expect(await list('churn_risk_level=high')).toEqual(['F std west']);
    expect(await list('status=at_risk')).toEqual(['F std west']);
    const got = await t.request({ method: 'GET', url: `/v1/customers/${west.id}` });
    expect(got.json().churn_risk).toMatchObject({ score: 81, level: 'high' });
  });

  it('finds Chinese and Latin names, phones and emails with q', async () => {
    await create({ name: '张伟', phone: '13900001111', region: 'q' });
    await create({ name: '张伟民', region: 'q' });
    await create({ name: '王芳', email: 'fang.wang@example.cn', region: 'q' });
    await create({ name: 'Zoë Schmidt-Müller', email: 'zoe@example.de', region: 'q' });
    await create({ name: 'Anna Smith', phone: '+44 20 7946 0958', region: 'q' });
    expect(await list('region=q&q=张伟')).toEqual(['张伟', '张伟民']);
    expect(await list('region=q&q=伟民')).toEqual(['张伟民']);
    expect(await list('region=q&q=王')).toEqual(['王芳']);
    expect(await list('region=q&q=SMITH')).toEqual(['Anna Smith']);
    expect(await list('region=q&q=müller')).toEqual(['Zoë Schmidt-Müller']);
    expect(await list('region=q&q=fang.wang%40example')).toEqual(['王芳']);
    expect(await list('region=q&q=7946')).toEqual(['Anna Smith']);
    expect(await list('region=q&q=0000111')).toEqual(['张伟']);
    expect(await list('region=q&q=anna%20smith')).toEqual(['Anna Smith']);
    // Both words must occur: bigrams shared by chance are not enough.
    expect(await list('region=q&q=anna%20fang')).toEqual([]);
    expect(await list('region=q&q=%25')).toEqual([]);
    expect(await list('region=q&q=_')).toEqual([]);
  });

  describe('PUT by external ref', () => {
    it('creates (201) then replaces (200) the record, resetting fields left out', async () => {
      const created = await t.request({ method: 'PUT', url: '/v1/customers/by-external-ref/SF-0001', payload: { name: 'Acme', kind: 'company', tier: 'key', email: 'ops@acme.test' } });
      expect(created.statusCode).toBe(201);
      expect(created.headers.location).toBe(`/v1/customers/${created.json().id}`);
      expect(created.json()).toMatchObject({ external_ref: 'SF-0001', kind: 'company', tier: 'key', version: 1 });
      const replaced = await t.request({ method: 'PUT', url: '/v1/customers/by-external-ref/SF-0001', payload: { name: 'Acme Ltd', kind: 'company' } });
      expect(replaced.statusCode).toBe(200);
      expect(replaced.json()).toMatchObject({ id: created.json().id, name: 'Acme Ltd', tier: 'standard', email: null, version: 2 });
    });

    it('creates one record when a CRM sends the same new customer twice at once', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => t.request({ method: 'PUT', url: '/v1/customers/by-external-ref/SF-RACE', payload: { name: `Racer ${i}` } })),
      );
      expect(results.every((r) => r.statusCode === 200 || r.statusCode === 201)).toBe(true);
      expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
      expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
      const count = await sql<{ n: number }>`select count(*)::int as n from customers where external_ref = 'SF-RACE'`.execute(t.database.db);
      expect(count.rows[0]!.n).toBe(1);
    });

    it('rejects refs with slashes or spaces', async () => {
      expect((await t.request({ method: 'PUT', url: '/v1/customers/by-external-ref/a%20b', payload: { name: 'x' } })).statusCode).toBe(400);
      expect((await t.request({ method: 'PUT', url: '/v1/customers/by-external-ref/a%2Fb', payload: { name: 'x' } })).statusCode).toBe(400);
    });
  });

  describe('erasure', () => {
    it('scrubs personal data, keeps the record and its products, and is final', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/v1/customers',
        headers: { 'idempotency-key': 'erase-me' },
        payload: { name: '李娜', phone: '13811112222', email: 'lina@example.cn', address: '北京市', tags: ['vip-line'], region: 'north', external_ref: 'CRM-ERASE', tier: 'vip' },
      });
      const c = created.json();
      const asset = await t.request({ method: 'POST', url: `/v1/customers/${c.id}/assets`, payload: { product_model: 'Fridge X', category: 'appliance' } });
      const manager = await t.key('manager');
      const res = await t.request({ method: 'DELETE', url: `/v1/customers/${c.id}`, key: manager });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: c.id,
        name: 'erased',
        phone: null,
        email: null,
        address: null,
        external_ref: null,
        tags: [],
        status: 'erased',
        region: 'north',
        tier: 'vip',
        version: 2,
      });
      const raw = await sql<Record<string, unknown>>`select * from customers where id = ${c.id}`.execute(t.database.db);
      expect(JSON.stringify(raw.rows[0])).not.toMatch(/李娜|13811112222|lina@|北京|CRM-ERASE/);
      const feed = await t.request({ method: 'GET', url: '/v1/events?limit=1000&types=customer.created,customer.updated' });
      const mine = feed.json().data.filter((e: { resource: { id: string } }) => e.resource.id === c.id);
      expect(mine.map((e: { type: string }) => e.type)).toEqual(['customer.created', 'customer.updated']);
      expect(JSON.stringify(mine)).not.toMatch(/李娜|13811112222|lina@|北京|CRM-ERASE/);
      const stored = await sql<{ n: number }>`select count(*)::int as n from idempotency_keys where key = 'erase-me'`.execute(t.database.db);
      expect(stored.rows[0]!.n).toBe(0);
      expect((await t.request({ method: 'GET', url: `/v1/assets/${asset.json().id}` })).statusCode).toBe(200);
      expect(await list('q=李娜')).toEqual([]);
      // Erasing again changes nothing; changing an erased customer is refused.
      const again = await t.request({ method: 'DELETE', url: `/v1/customers/${c.id}`, key: manager });
      expect(again.json().version).toBe(2);
      expect((await t.request({ method: 'PATCH', url: `/v1/customers/${c.id}`, payload: { name: 'Back' } })).statusCode).toBe(409);
      expect((await t.request({ method: 'POST', url: `/v1/customers/${c.id}/assets`, payload: { product_model: 'M', category: 'c' } })).statusCode).toBe(409);
      // The CRM id is free again.
      expect((await t.request({ method: 'PUT', url: '/v1/customers/by-external-ref/CRM-ERASE', payload: { name: 'New' } })).statusCode).toBe(201);
    });
  });

  it('records every change in the audit trail with its actor and no personal data', async () => {
    const agent = await t.key('agent');
    const agentId = (await t.request({ method: 'GET', url: '/v1/api-keys?role=agent' })).json().data[0].id;
    const c = (await t.request({ method: 'POST', url: '/v1/customers', key: agent, payload: { name: 'Audited', email: 'audit@example.com' } })).json();
    await t.request({ method: 'PATCH', url: `/v1/customers/${c.id}`, key: agent, payload: { email: 'new@example.com' } });
    await t.request({ method: 'DELETE', url: `/v1/customers/${c.id}` });
    const res = await t.request({ method: 'GET', url: `/v1/audit?resource=customer/${c.id}` });
    const entries = res.json().data as { action: string; actor: { id: string; role: string }; fields: string[] }[];
    expect(entries.map((e) => e.action)).toEqual(['erased', 'updated', 'created']);
    expect(entries[1]).toMatchObject({ actor: { kind: 'api_key', id: agentId, role: 'agent' }, fields: ['email'] });
    expect(entries[0]!.actor.role).toBe('admin');
    expect(JSON.stringify(entries)).not.toContain('example.com');
    const byActor = await t.request({ method: 'GET', url: `/v1/audit?actor=${agentId}&resource=customer` });
    expect(byActor.json().data).toHaveLength(2);
  });
});
