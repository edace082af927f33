import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../src/db/database.ts';
import { freePort } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrator.ts';
import { createEmptyDatabase, createTestDatabase } from '../helpers/app.ts';
import { client, coreFlows, newKey, ready, until } from '../helpers/core-flows.ts';
import { type Bouncer, pgbouncerInstalled, startPgBouncer } from '../helpers/debian-postgres.ts';
import { serverProcesses } from '../helpers/server-process.ts';

const installed = pgbouncerInstalled();
if (!installed) console.warn('skipping the PgBouncer tests: they need Debian\'s pgbouncer package (apt-get install -y pgbouncer; .ci/run installs it)');

describe.skipIf(!installed)('through PgBouncer in transaction pooling mode', () => {
  const processes = serverProcesses();
  let bouncer: Bouncer;
  beforeAll(async () => {
    bouncer = await startPgBouncer(new URL(inject('pgAdminUrl')), 6);
  });
  afterAll(async () => {
    processes.killAll();
    await bouncer?.stop();
  });
  const viaBouncer = (url: string) => bouncer.url(new URL(url).pathname.slice(1));

  it('migrates a fresh database once when two instances migrate at the same moment, and leaves no lock behind', async () => {
    const { url } = await createEmptyDatabase();
    const a = createDatabase(viaBouncer(url), { poolSize: 3 });
    const b = createDatabase(viaBouncer(url), { poolSize: 3 });
    const direct = createDatabase(url, { poolSize: 1 });
    try {
      const [ra, rb] = await Promise.all([migrateToLatest(a.db as never), migrateToLatest(b.db as never)]);
      const applied = [ra, rb].map((r) => (r.results ?? []).length);
      expect(applied.filter((n) => n > 0)).toHaveLength(1);
      expect(applied.filter((n) => n === 0)).toHaveLength(1);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory'`.execute(direct.db);
      expect(rows[0]!.n).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close(), direct.close()]);
    }
  });

  it('runs the core flows, the sweeps and key revocation through PgBouncer, with LISTEN on DATABASE_DIRECT_URL', async () => {
    const { url } = await createTestDatabase();
    const key = newKey('bouncer');
    const port = await freePort();
    const proc = processes.start(
      { DATABASE_URL: viaBouncer(url), DATABASE_DIRECT_URL: url, PORT: String(port), BOOTSTRAP_API_KEY: key, CRON_ENABLED: 'true', SLA_SWEEP_SCHEDULE: '* * * * * *', DB_POOL_SIZE: '12' },
      'info',
    );
    const base = `http://127.0.0.1:${port}`;
    await ready(base);
    const call = client(base, key);
    // Many requests at once through a pool of six server connections.
    const flows = await Promise.all(Array.from({ length: 6 }, (_, i) => coreFlows(call, `b${i}`)));
    // An overdue ticket nobody answers: the sweep, through PgBouncer, records its breach once.
    const overdue = await call('POST', '/v1/tickets', {
      customer_id: flows[0]!.customerId, type: 'repair', channel: 'phone', priority: 'urgent', category: 'x', subject: 'Nobody answers',
      reported_at: new Date(Date.now() - 3 * 3_600_000).toISOString(),
    });
    expect(overdue.status, overdue.text).toBe(201);
    await until('the breach recorded', async () => {
      const res = await call('GET', `/v1/sla-breaches?ticket_id=${overdue.body.id}`);
      return res.body.data?.some((b: { metric: string }) => b.metric === 'first_response') ? true : undefined;
    }, 30_000);
    // A revoked key is refused on the very next request: the revocation's NOTIFY reached this
    // instance's LISTEN connection (direct), so its cache forgot the key.
    const made = await call('POST', '/v1/api-keys', { name: 'short-lived', role: 'agent' });
    expect(made.status, made.text).toBe(201);
    const other = client(base, made.body.secret);
    expect((await other('GET', '/v1/customers?limit=1')).status).toBe(200);
    expect((await call('DELETE', `/v1/api-keys/${made.body.id}`)).status).toBe(200);
    expect((await other('GET', '/v1/customers?limit=1')).status).toBe(401);
    expect(proc.output()).not.toContain('LISTEN receives no notifications');
    const direct = createDatabase(url, { poolSize: 1 });
    try {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from sla_breaches where ticket_id = ${overdue.body.id}::uuid and metric = 'first_response' and kind = 'breach'`.execute(direct.db);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await direct.close();
    }
  });

  it('says so when LISTEN goes through PgBouncer, and keeps its caches off so a revoked key is refused at once', async () => {
    const { url } = await createTestDatabase();
    const key = newKey('nodirect');
    const port = await freePort();
    const proc = processes.start({ DATABASE_URL: viaBouncer(url), PORT: String(port), BOOTSTRAP_API_KEY: key, CRON_ENABLED: 'false' }, 'info');
    const base = `http://127.0.0.1:${port}`;
    await ready(base);
    await until('the warning', async () => (proc.output().includes('LISTEN receives no notifications') ? true : undefined), 15_000);
    const call = client(base, key);
    const made = await call('POST', '/v1/api-keys', { name: 'short-lived', role: 'agent' });
    const other = client(base, made.body.secret);
    expect((await other('GET', '/v1/customers?limit=1')).status).toBe(200);
    expect((await call('DELETE', `/v1/api-keys/${made.body.id}`)).status).toBe(200);
    expect((await other('GET', '/v1/customers?limit=1')).status).toBe(401);
    await coreFlows(call, 'nodirect');
  });
});

