import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFingerprint } from '../../src/http/idempotency.ts';
import { createTestApp, openInstance, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const post = (key: string, payload: unknown, apiKey?: string) =>
  t.request({ method: 'POST', url: '/v1/customers', payload: payload as object, headers: { 'idempotency-key': key }, ...(apiKey ? { key: apiKey } : {}) });

const countByName = async (name: string) =>
  Number((await sql<{ n: number }>`select count(*)::int as n from customers where name = ${name}`.execute(t.database.db)).rows[0]!.n);

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, with Idempotent-Replayed', async () => {
    const first = await post('k-replay', { name: 'Replay', tags: ['a'] });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The same body with its keys in another order is the same request.
    const again = await post('k-replay', { tags: ['a'], name: 'Replay' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await countByName('Replay')).toBe(1);
  });

  it('answers 422 for the same key with a different body', async () => {
    await post('k-diff', { name: 'Diff one' });
    const res = await post('k-diff', { name: 'Diff two' });
    expect(res.statusCode).toBe(422);
    expect(res.json().type).toContain('idempotency-key-reused');
    expect(await countByName('Diff two')).toBe(0);
  });

  it('answers 409 while the first request is still in flight', async () => {
    // A claim that another request holds right now.
    await sql`insert into idempotency_keys (api_key_id, key, method, path, request_hash, state, locked_until, created_at, expires_at)
      select id, 'k-busy', 'POST', '/v1/customers', ${requestFingerprint('POST', '/v1/customers', { name: 'Busy' })}, 'in_flight', ${new Date(t.clock.now().getTime() + 30_000)}, ${t.clock.now()}, ${new Date(t.clock.now().getTime() + 86_400_000)}
      from api_keys where name = 'bootstrap'`.execute(t.database.db);
    const res = await post('k-busy', { name: 'Busy' });
    expect(res.statusCode).toBe(409);
    expect(res.headers['retry-after']).toBe('1');
    // A claim abandoned by a crashed request is taken over once its lease runs out.
    t.clock.advance(31_000);
    expect((await post('k-busy', { name: 'Busy' })).statusCode).toBe(201);
  });

  it('creates exactly once when the same key races', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => post('k-race', { name: 'Racer' })));
    const codes = results.map((r) => r.statusCode);
    expect(codes.every((c) => c === 201 || c === 409)).toBe(true);
    const created = results.filter((r) => r.statusCode === 201);
    expect(new Set(created.map((r) => r.json().id)).size).toBe(1);
    expect(await countByName('Racer')).toBe(1);
  });

  it('scopes keys to the API key that sent them', async () => {
    const other = await t.key('agent');
    const a = await post('k-scope', { name: 'Scoped' });
    const b = await post('k-scope', { name: 'Scoped' }, other);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.json().id).not.toBe(a.json().id);
  });

  it('replays a rule violation as it was answered', async () => {
    await post('k-dupe-1', { name: 'Ref one', external_ref: 'CRM-IDEM' });
    const first = await post('k-dupe-2', { name: 'Ref two', external_ref: 'CRM-IDEM' });
    expect(first.statusCode).toBe(409);
    const again = await post('k-dupe-2', { name: 'Ref two', external_ref: 'CRM-IDEM' });
    expect(again.statusCode).toBe(409);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toMatch(/problem\+json/);
  });

  it('holds across instances and restarts: the record is in Postgres', async () => {
    const first = await post('k-restart', { name: 'Restart' });
    const second = await openInstance(t.url, t.clock);
    const res = await second.app.inject({
      method: 'POST',
      url: '/v1/customers',
      payload: { name: 'Restart' },
      headers: { authorization: `Bearer ${t.adminKey}`, 'idempotency-key': 'k-restart' },
    });
    await second.close();
    expect(res.headers['idempotent-replayed']).toBe('true');
    expect(res.json().id).toBe(first.json().id);
  });

  it('keeps keys 24 hours, then a key may be used afresh', async () => {
    const first = await post('k-ttl', { name: 'TTL' });
    t.clock.advance(23 * 3_600_000);
    expect((await post('k-ttl', { name: 'TTL' })).json().id).toBe(first.json().id);
    t.clock.advance(2 * 3_600_000);
    const fresh = await post('k-ttl', { name: 'TTL' });
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.json().id).not.toBe(first.json().id);
  });

  it('never stores or replays an API key secret', async () => {
    const req = () => t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'once', role: 'agent' }, headers: { 'idempotency-key': 'k-secret' } });
    const first = await req();
    expect(first.json().secret).toMatch(/^ak_/);
    const again = await req();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().secret).toBeNull();
    expect(again.json().id).toBe(first.json().id);
    const stored = await sql<{ response_body: string }>`select response_body from idempotency_keys where key = 'k-secret'`.execute(t.database.db);
    expect(stored.rows[0]!.response_body).not.toContain(first.json().secret);
  });

  it('rejects a malformed key', async () => {
    const res = await post('with spaces and ünïcode', { name: 'Bad key' });
    expect(res.statusCode).toBe(400);
    expect((await post('x'.repeat(256), { name: 'Bad key' })).statusCode).toBe(400);
  });
});
