import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loggerOptions } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { createEmptyDatabase, createTestApp, createTestDatabase, openInstance, type TestApp } from '../helpers/app.ts';
import { ensureStartupKey } from '../../src/modules/api-keys/api-keys.service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('operations endpoints and cross-cutting HTTP', () => {
  it('answers /healthz and /readyz without a key', async () => {
    expect((await t.request({ method: 'GET', url: '/healthz', key: null })).json()).toEqual({ status: 'ok' });
    expect((await t.request({ method: 'GET', url: '/readyz', key: null })).json()).toEqual({ status: 'ready' });
  });

  it('serves /openapi.json and the /docs reference page', async () => {
    const doc = await t.request({ method: 'GET', url: '/openapi.json', key: null });
    expect(doc.json().openapi).toBe('3.1.0');
    const docs = await t.request({ method: 'GET', url: '/docs/', key: null });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
    // The document's version is the package's; the page offers no buttons that lead outside the project.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(doc.json().info.version).toBe(pkg.version);
    const config = JSON.parse(/createApiReference\('#app', (\{[\s\S]*?\})\)\s*<\/script>/.exec(docs.body)![1]!);
    expect(config).toMatchObject({ agent: { disabled: true }, mcp: { disabled: true }, hideClientButton: true, showDeveloperTools: 'never' });
    expect(docs.body).toContain('<title>Aftercare API reference</title>');
  });

  it('serves Prometheus metrics to admins, managers and analysts only', async () => {
    await t.request({ method: 'GET', url: '/v1/customers' });
    expect((await t.request({ method: 'GET', url: '/metrics', key: null })).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: '/metrics', key: await t.key('agent') })).statusCode).toBe(403);
    const res = await t.request({ method: 'GET', url: '/metrics', key: await t.key('analyst') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toContain('http_request_duration_seconds_bucket{le="0.002",method="GET",route="/v1/customers",status="200"}');
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('serves what operations teams watch: open tickets, clocks, the outbox backlog, job runs and their counts, the pool', async () => {
    const customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Metrics' } })).json();
    for (const priority of ['high', 'high', 'low']) {
      const res = await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'phone', priority, category: 'metrics', subject: 'Counted' } });
      expect(res.statusCode).toBe(201);
    }
    expect((await t.request({ method: 'POST', url: '/v1/jobs/sla-sweep/run' })).statusCode).toBe(200);
    // A reading is shared by the scrapes of half a second; this one is fresh.
    await new Promise((r) => setTimeout(r, 600));
    const text = (await t.request({ method: 'GET', url: '/metrics' })).body;
    const value = (sample: string) => Number(text.split('\n').find((l) => l.startsWith(`${sample} `))?.split(' ').at(-1));
    expect(value('aftercare_tickets_open{status="new",priority="high"}')).toBeGreaterThanOrEqual(2);
    expect(value('aftercare_tickets_open{status="new",priority="low"}')).toBeGreaterThanOrEqual(1);
    expect(value('aftercare_sla_clocks{metric="first_response",state="running"}')).toBeGreaterThanOrEqual(3);
    expect(value('aftercare_outbox_backlog')).toBeGreaterThanOrEqual(0);
    expect(value('aftercare_job_duration_seconds_count{job="sla-sweep",status="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('aftercare_job_items_total');
    expect(value('aftercare_db_pool_connections{state="idle"}')).toBeGreaterThanOrEqual(0);
    expect(value('aftercare_db_pool_max')).toBeGreaterThan(0);
    expect(text).toContain('aftercare_webhook_delivery_lag_seconds');
  });

  it('sets security headers and echoes or creates a request id', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/customers', headers: { 'x-request-id': 'crm-trace-42' } });
    expect(res.headers['x-request-id']).toBe('crm-trace-42');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const docs = await t.request({ method: 'GET', url: '/docs/', key: null });
    expect(docs.headers['content-security-policy']).toBeUndefined();
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    const generated = await t.request({ method: 'GET', url: '/v1/customers', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rate limits per key with 429 problem+json and Retry-After', async () => {
    const limited = await createTestApp({ rateLimitPerMinute: 3 });
    try {
      const codes: number[] = [];
      let last;
      for (let i = 0; i < 5; i++) {
        last = await limited.request({ method: 'GET', url: '/v1/customers' });
        codes.push(last.statusCode);
      }
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      expect(last!.headers['retry-after']).toMatch(/^\d+$/);
      expect(last!.headers['content-type']).toMatch(/problem\+json/);
      // Another key has its own budget; health probes are never limited.
      const other = await limited.request({ method: 'GET', url: '/v1/customers', key: 'ak_someone_else_entirely_000000000' });
      expect(other.statusCode).toBe(401);
      expect((await limited.request({ method: 'GET', url: '/healthz', key: null })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('counts guessed keys against the guesser\'s address, not against working keys', async () => {
    const limited = await createTestApp({ rateLimitPerMinute: 3 });
    try {
      const guesses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await limited.request({ method: 'GET', url: '/v1/customers', key: `ak_guess_${i}_000000000000000000000000000000000` });
        guesses.push(res.statusCode);
        expect(res.headers['x-ratelimit-limit']).toBe('3');
      }
      expect(guesses).toEqual([401, 401, 401, 429, 429]);
      // The working key has its own budget, untouched by the guesses from the same address.
      expect((await limited.request({ method: 'GET', url: '/v1/customers' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers CORS like a bearer-token API: any origin, no credentials, its headers readable', async () => {
    const preflight = await t.request({
      method: 'OPTIONS',
      url: '/v1/tickets',
      key: null,
      headers: { origin: 'https://crm.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('idempotency-key');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const res = await t.request({ method: 'GET', url: '/v1/customers', headers: { origin: 'https://crm.example.com' } });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-expose-headers'])).toContain('ETag');
  });

  it('keeps personal data and secrets out of the logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { url } = await createTestDatabase();
    const clock = new ManualClock();
    const secret = 'ak_log_test_secret_0123456789abcdef';
    const { app, database, close } = await openInstance(url, clock, { ...(loggerOptions('info') as object), stream: sink } as never);
    await ensureStartupKey({ db: database.db, clock }, secret);
    const headers = { authorization: `Bearer ${secret}` };
    const created = await app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers,
      payload: { name: '王秀英', email: 'wang.xiuying@example.cn', phone: '+86 139 1234 5678', address: '上海市浦东新区', external_ref: 'CRM-PII-1' },
    });
    expect(created.statusCode).toBe(201);
    await app.inject({ method: 'GET', url: '/v1/customers?q=wang.xiuying%40example.cn', headers });
    await app.inject({ method: 'PUT', url: '/v1/customers/by-external-ref/CRM-PII-1', headers, payload: { name: '王秀英' } });
    await app.inject({ method: 'GET', url: '/v1/customers?q=王秀英', headers: { authorization: 'Bearer wrong_secret_value_xyz' } });
    await close();
    const log = lines.join('');
    expect(log).toContain('/v1/customers');
    for (const pii of ['王秀英', 'wang.xiuying', '139 1234', '浦东', 'CRM-PII-1', secret, 'wrong_secret_value_xyz']) {
      expect(log, pii).not.toContain(pii);
    }
  });

  it('answers /readyz 503 while the database is unreachable and recovers by itself', async () => {
    const { url, name } = await createTestDatabase();
    const { app, database, close } = await openInstance(url);
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    try {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      // The outage: no new connections, and the open ones are cut.
      await admin.query(`alter database ${name} allow_connections false`);
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [name]);
      const down = await app.inject({ method: 'GET', url: '/readyz' });
      expect(down.statusCode).toBe(503);
      expect(down.headers['content-type']).toMatch(/problem\+json/);
      const apiDown = await app.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: 'Bearer whatever_key_0000000000000' } });
      expect(apiDown.statusCode).toBe(503);
      await admin.query(`alter database ${name} allow_connections true`);
      await expect.poll(async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode, { timeout: 10_000 }).toBe(200);
      expect(Number((await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows[0]!.one)).toBe(1);
    } finally {
      await admin.query(`alter database ${name} allow_connections true`).catch(() => undefined);
      await admin.end();
      await close();
    }
  });

  it('answers /readyz 503 until the schema is migrated', async () => {
    const { url } = await createEmptyDatabase();
    const { app, close } = await openInstance(url);
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
    } finally {
      await close();
    }
  });
});
