import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { systemClock } from '../../src/clock.ts';
import { createDatabase, type Database } from '../../src/db/database.ts';
import { ensureStartupKey } from '../../src/modules/api-keys/api-keys.service.ts';
import { TEST_CONFIG, createTestDatabase } from '../helpers/app.ts';
import { client, coreFlows, newKey, type Call } from '../helpers/core-flows.ts';
import { DISTRIBUTED, classify, normalise } from '../helpers/distribution.ts';

/**
 * The Citus plan (docs/SCALING.md), checked against what the service really sends: every
 * statement the repositories issue while the main flows run is captured at the pg client, and
 * each one on a distributed table must name the distribution column (customer_id) or be a
 * known fan-out with its reason.
 */
const captured = new Set<string>();
let database: Database;
let app: FastifyInstance;
let call: Call;

beforeAll(async () => {
  const { url } = await createTestDatabase();
  database = createDatabase(url, { poolSize: 5 });
  database.pool.on('connect', (c) => {
    const query = c.query.bind(c) as (...args: unknown[]) => unknown;
    (c as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text;
      if (text) captured.add(normalise(text));
      return query(...args);
    };
  });
  const key = newKey('citus');
  await ensureStartupKey({ db: database.db, clock: systemClock }, key);
  app = await buildApp({ config: { ...TEST_CONFIG }, db: database.db, pool: database.pool, clock: systemClock, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  call = client(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, key);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe('distribution by customer_id (the Citus plan)', () => {
  it('every statement on a distributed table stays on the customer\'s shard or is a known fan-out', async () => {
    const { customerId, ticketId } = await coreFlows(call, 'citus');
    const ok = (r: { status: number; text: string }) => expect(r.status, r.text).toBeLessThan(300);
    ok(await call('GET', `/v1/customers/${customerId}`));
    ok(await call('PATCH', `/v1/customers/${customerId}`, { tier: 'vip' }));
    ok(await call('GET', '/v1/customers?region=rcitus'));
    const asset = (await call('POST', `/v1/customers/${customerId}/assets`, { product_model: 'Oven', category: 'oven', serial_number: 'CIT-1' })).body;
    ok(await call('GET', `/v1/assets?customer_id=${customerId}`));
    ok(await call('GET', `/v1/assets/${asset.id}`));
    ok(await call('GET', `/v1/tickets/${ticketId}/timeline`));
    ok(await call('GET', `/v1/tickets/${ticketId}/sla`));
    ok(await call('GET', `/v1/tickets?customer_id=${customerId}&status=resolved`));
    ok(await call('GET', '/v1/tickets?status=new&priority=urgent'));
    const survey = (await call('POST', `/v1/tickets/${ticketId}/surveys`)).body;
    ok(await call('POST', `/v1/public/surveys/${survey.token}/response`, { csat: 5, nps: 9 }, { authorization: '' }));
    ok(await call('GET', `/v1/surveys?customer_id=${customerId}`));
    ok(await call('GET', `/v1/customers/${customerId}/churn-risk`));
    ok(await call('GET', `/v1/customers/${customerId}/export`));
    ok(await call('GET', '/v1/sla-breaches?limit=5'));
    ok(await call('GET', '/v1/follow-ups'));
    ok(await call('GET', '/v1/events?limit=50'));
    ok(await call('GET', '/v1/reports/kpis?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&group_by=technician'));
    for (const job of ['sla-sweep', 'sla-recompute', 'survey-dispatch', 'follow-up-reminders', 'visit-reminders', 'churn-scan', 'qa-sampling', 'housekeeping']) {
      ok(await call('POST', `/v1/jobs/${job}/run`));
    }
    // A second churn scan scores only the customers whose signals moved: its own statements.
    ok(await call('POST', '/v1/jobs/churn-scan/run'));

    const results = [...captured].map((sql) => ({ sql, ...classify(sql) }));
    const onDistributed = results.filter((r) => r.tables.length > 0);
    const unexplained = onDistributed.filter((r) => r.verdict === 'unexplained');
    if (process.env.DUMP_SQL) for (const r of unexplained) console.log(`UNEXPLAINED ${r.tables.join(",")} :: ${r.sql.slice(0, 400)}`);
    expect(unexplained.map((r) => `${r.tables.join(',')}: ${r.sql.slice(0, 300)}`)).toEqual([]);
    // The capture saw the service's work: statements on most distributed tables.
    const touched = new Set(onDistributed.flatMap((r) => r.tables));
    expect([...touched].sort()).toEqual(expect.arrayContaining(['customers', 'tickets', 'ticket_sla', 'ticket_timeline', 'surveys', 'assets']));
    const byKind = Object.groupBy(onDistributed, (r) => (r.reason ? r.reason.slice(0, r.reason.indexOf(':')) : r.verdict));
    console.log(`distribution: ${captured.size} distinct statements, ${onDistributed.length} on distributed tables (${DISTRIBUTED.length}): ${Object.entries(byKind).map(([k, v]) => `${k} ${v!.length}`).join('; ')}`);
  }, 120_000);
});
