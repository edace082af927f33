import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.ts';
import { ensureStartupKey } from '../../src/modules/api-keys/api-keys.service.ts';
import { ManualClock } from '../../src/clock.ts';
import { createTestApp, createTestDatabase, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('API keys', () => {
  it('shows the secret once, stores only its hash, and never lists it', async () => {
    const res = await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'CRM sync', role: 'integration' } });
    expect(res.statusCode).toBe(201);
    const key = res.json();
    expect(key.secret).toMatch(/^ak_[A-Za-z0-9_-]{43}$/);
    expect(key.prefix).toBe(key.secret.slice(0, 11));
    const stored = await sql<Record<string, unknown>>`select * from api_keys where id = ${key.id}`.execute(t.database.db);
    expect(JSON.stringify(stored.rows[0])).not.toContain(key.secret.slice(11));
    const listed = await t.request({ method: 'GET', url: '/v1/api-keys' });
    expect(listed.body).not.toContain(key.secret);
    expect(listed.json().data[0]).not.toHaveProperty('secret');
    const one = await t.request({ method: 'GET', url: `/v1/api-keys/${key.id}` });
    expect(one.json()).not.toHaveProperty('secret');
  });

  it('revokes with If-Match like every DELETE: a stale version is 412 and the key keeps working', async () => {
    const key = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'to revoke', role: 'agent' } })).json();
    const stale = await t.request({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: { 'if-match': `"${key.version + 1}"` } });
    expect(stale.statusCode).toBe(412);
    expect((await t.request({ method: 'GET', url: '/v1/customers', key: key.secret })).statusCode).toBe(200);
    const revoked = await t.request({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: { 'if-match': `"${key.version}"` } });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).not.toBeNull();
    expect((await t.request({ method: 'GET', url: '/v1/customers', key: key.secret })).statusCode).toBe(401);
  });

  it('filters by role and by revoked', async () => {
    const { id } = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'analyst', role: 'analyst' } })).json();
    await t.request({ method: 'DELETE', url: `/v1/api-keys/${id}` });
    const revoked = (await t.request({ method: 'GET', url: '/v1/api-keys?revoked=true&limit=200' })).json().data as { id: string; role: string; revoked_at: string | null }[];
    expect(revoked.map((k) => k.id)).toContain(id);
    expect(revoked.every((k) => k.revoked_at !== null)).toBe(true);
    const analysts = (await t.request({ method: 'GET', url: '/v1/api-keys?role=analyst&revoked=false&limit=200' })).json().data as { id: string; role: string; revoked_at: string | null }[];
    expect(analysts.map((k) => k.id)).not.toContain(id);
    expect(analysts.every((k) => k.role === 'analyst' && k.revoked_at === null)).toBe(true);
    // Another analyst key, not revoked, is listed.
    const active = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'analyst 2', role: 'analyst' } })).json();
    const again = (await t.request({ method: 'GET', url: '/v1/api-keys?role=analyst&revoked=false&limit=200' })).json().data as { id: string }[];
    expect(again.map((k) => k.id)).toContain(active.id);
  });

  it('binds technician keys to a technician and no other role', async () => {
    const missing = await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'tech', role: 'technician' } });
    expect(missing.statusCode).toBe(422);
    const stray = await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'a', role: 'agent', technician_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' } });
    expect(stray.statusCode).toBe(422);
    const unknown = await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'tech', role: 'technician', technician_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' } }); // no such technician
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors).toEqual([{ path: '/body/technician_id', message: 'does not exist' }]);
  });

  it('refuses an expiry in the past', async () => {
    const res = await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'old', role: 'agent', expires_at: '2020-01-01T00:00:00Z' } });
    expect(res.statusCode).toBe(422);
  });

  it('never revokes the last working admin key, even when two revocations race', async () => {
    const second = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'admin 2', role: 'admin' } })).json();
    const admins = (await t.request({ method: 'GET', url: '/v1/api-keys?role=admin&revoked=false' })).json().data as { id: string }[];
    expect(admins).toHaveLength(2);
    // Each admin revokes the other at the same moment: one must be refused.
    const [a, b] = await Promise.all([
      t.request({ method: 'DELETE', url: `/v1/api-keys/${second.id}` }),
      t.request({ method: 'DELETE', url: `/v1/api-keys/${admins.find((k) => k.id !== second.id)!.id}`, key: second.secret }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409].sort());
    const left = (await t.request({ method: 'GET', url: '/v1/api-keys?role=admin&revoked=false', key: a.statusCode === 200 ? t.adminKey : second.secret })).json().data;
    expect(left).toHaveLength(1);
  });

  it('revoking twice returns the revoked key unchanged; unknown ids are 404', async () => {
    const { id } = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'twice', role: 'agent' } })).json();
    const first = await t.request({ method: 'DELETE', url: `/v1/api-keys/${id}` });
    const second = await t.request({ method: 'DELETE', url: `/v1/api-keys/${id}` });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect((await t.request({ method: 'DELETE', url: '/v1/api-keys/01a20c20-bb81-70a7-8e07-0eb4f830d29b' })).statusCode).toBe(404);
  });
});

describe('start-up keys', () => {
  it('ensures BOOTSTRAP_API_KEY once, however many instances start together', async () => {
    const { url } = await createTestDatabase();
    const database = createDatabase(url, { poolSize: 6 });
    const clock = new ManualClock();
    const secret = 'ak_bootstrap_for_scripts_0123456789';
    await Promise.all(Array.from({ length: 5 }, () => ensureStartupKey({ db: database.db, clock }, secret)));
    const keys = await sql<{ n: number }>`select count(*)::int as n from api_keys`.execute(database.db);
    expect(keys.rows[0]!.n).toBe(1);
    await database.close();
  });

  it('generates one first admin key when none exists, and none after that', async () => {
    const { url } = await createTestDatabase();
    const database = createDatabase(url, { poolSize: 6 });
    const clock = new ManualClock();
    const results = await Promise.all(Array.from({ length: 4 }, () => ensureStartupKey({ db: database.db, clock }, undefined)));
    const generated = results.filter((r) => r.generated);
    expect(generated).toHaveLength(1);
    expect(generated[0]!.generated).toMatch(/^ak_/);
    expect((await ensureStartupKey({ db: database.db, clock }, undefined)).generated).toBeUndefined();
    const audit = await sql<{ actor_kind: string }>`select actor_kind from audit_log where resource_type = 'api_key'`.execute(database.db);
    expect(audit.rows).toEqual([{ actor_kind: 'system' }]);
    await database.close();
  });
});
