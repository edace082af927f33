import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, openInstance, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('made-up keys', () => {
  it('cost one lookup: a secret that matched no key is refused from memory, until any key changes', async () => {
    const secret = 'ak_made_up_then_real_00000000000000000000000';
    expect((await t.request({ method: 'GET', url: '/v1/customers', key: secret })).statusCode).toBe(401);
    // The secret now exists in the database, written behind the service's back (no NOTIFY):
    // the remembered miss still refuses it, so a flood of the same made-up key asks once.
    const hash = createHash('sha256').update(secret).digest();
    await sql`insert into api_keys (id, name, role, prefix, secret_hash, created_at, updated_at)
              values ('01900000-0000-7000-8000-00000000a001', 'behind', 'admin', 'ak_made_up', ${hash}, now(), now())`.execute(t.database.db);
    expect((await t.request({ method: 'GET', url: '/v1/customers', key: secret })).statusCode).toBe(401);
    // Any change to keys (here: one revoked, through the API) forgets the misses on every instance.
    const other = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'to revoke', role: 'analyst' } })).json();
    expect((await t.request({ method: 'DELETE', url: `/v1/api-keys/${other.id}` })).statusCode).toBe(200);
    await expect.poll(async () => (await t.request({ method: 'GET', url: '/v1/customers', key: secret })).statusCode, { timeout: 5_000 }).toBe(200);
  });
});

describe('API keys and roles on every route', () => {
  it('answers 401 problem+json without a key, with a Bearer challenge', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/customers', key: null });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorized', type: expect.stringContaining('unauthorized') });
  });

  it('answers 401 for a malformed header and for an unknown key', async () => {
    for (const authorization of ['Basic abc', 'Bearer', 'Bearer a b', 'token x']) {
      const res = await t.request({ method: 'GET', url: '/v1/customers', key: null, headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
    }
    const unknown = await t.request({ method: 'GET', url: '/v1/customers', key: 'ak_not_a_real_key_at_all_000000000000' });
    expect(unknown.statusCode).toBe(401);
  });

  it('requires a key on every /v1 route of the OpenAPI document but the public survey ones', async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json', key: null })).json();
    const paths = Object.entries(doc.paths as Record<string, Record<string, unknown>>).filter(([p]) => p.startsWith('/v1/') && !p.startsWith('/v1/public/'));
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/v1/public/'))).toEqual(['/v1/public/surveys/{token}', '/v1/public/surveys/{token}/response']);
    expect(paths.length).toBeGreaterThan(5);
    for (const [path, ops] of paths) {
      for (const method of Object.keys(ops)) {
        const url = path.replace(/\{[^}]+\}/g, '01a20c20-bb81-70a7-8e07-0eb4f830d29b');
        const res = await t.request({ method: method.toUpperCase() as 'GET', url, key: null, payload: method === 'get' || method === 'delete' ? undefined : {} });
        expect(res.statusCode, `${method} ${path}`).toBe(401);
      }
    }
  });

  it('answers 403 when the role may not do it, and says which roles may', async () => {
    const analyst = await t.key('analyst');
    const read = await t.request({ method: 'GET', url: '/v1/customers', key: analyst });
    expect(read.statusCode).toBe(200);
    const write = await t.request({ method: 'POST', url: '/v1/customers', key: analyst, payload: { name: 'X' } });
    expect(write.statusCode).toBe(403);
    expect(write.json().detail).toContain('allowed roles');
    const agent = await t.key('agent');
    expect((await t.request({ method: 'GET', url: '/v1/api-keys', key: agent })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/v1/audit', key: agent })).statusCode).toBe(403);
    expect((await t.request({ method: 'DELETE', url: '/v1/customers/01a20c20-bb81-70a7-8e07-0eb4f830d29b', key: agent })).statusCode).toBe(403);
    const integration = await t.key('integration');
    expect((await t.request({ method: 'POST', url: '/v1/customers', key: integration, payload: { name: 'CRM' } })).statusCode).toBe(201);
  });

  it('stops accepting a key the moment it is revoked', async () => {
    const create = await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'temp', role: 'agent' } });
    const { id, secret } = create.json();
    expect((await t.request({ method: 'GET', url: '/v1/customers', key: secret })).statusCode).toBe(200);
    const revoke = await t.request({ method: 'DELETE', url: `/v1/api-keys/${id}` });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().revoked_at).not.toBeNull();
    expect((await t.request({ method: 'GET', url: '/v1/customers', key: secret })).statusCode).toBe(401);
  });

  it('refuses an expired key', async () => {
    const expires_at = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const { secret } = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'short', role: 'agent', expires_at } })).json();
    expect((await t.request({ method: 'GET', url: '/v1/customers', key: secret })).statusCode).toBe(200);
    t.clock.advance(3_600_001);
    expect((await t.request({ method: 'GET', url: '/v1/customers', key: secret })).statusCode).toBe(401);
  });

  it('keeps the last use time of a key', async () => {
    const { id, secret } = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'used', role: 'agent' } })).json();
    expect((await t.request({ method: 'GET', url: `/v1/api-keys/${id}` })).json().last_used_at).toBeNull();
    await t.request({ method: 'GET', url: '/v1/customers', key: secret });
    await expect
      .poll(async () => (await t.request({ method: 'GET', url: `/v1/api-keys/${id}` })).json().last_used_at)
      .toBe(t.clock.now().toISOString());
  });

  it('makes a revocation on one instance reach the key cache of another', async () => {
    const { app: other, close } = await openInstance(t.url, t.clock);
    try {
      const { id, secret } = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'shared', role: 'agent' } })).json();
      const onOther = () => other.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: `Bearer ${secret}` } });
      expect((await onOther()).statusCode).toBe(200);
      expect((await onOther()).statusCode).toBe(200);
      await t.request({ method: 'DELETE', url: `/v1/api-keys/${id}` });
      // NOTIFY is delivered on commit; the other instance forgets the key within milliseconds.
      await expect.poll(async () => (await onOther()).statusCode, { timeout: 2_000, interval: 5 }).toBe(401);
    } finally {
      await close();
    }
  });

  it('bypasses the key cache while its LISTEN connection is down', async () => {
    const { app: other, close } = await openInstance(t.url, t.clock);
    try {
      const { id, secret } = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'listener', role: 'agent' } })).json();
      const onOther = () => other.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: `Bearer ${secret}` } });
      expect((await onOther()).statusCode).toBe(200);
      // Cut the listener's connection, then revoke behind its back with a plain UPDATE (no NOTIFY).
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'listen %' and datname = current_database()`.execute(t.database.db);
      await sql`update api_keys set revoked_at = now() where id = ${id}`.execute(t.database.db);
      await expect.poll(async () => (await onOther()).statusCode, { timeout: 2_000, interval: 5 }).toBe(401);
    } finally {
      await close();
    }
  });
});
