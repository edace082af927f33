import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.ts';
import { freePort } from '../../src/db/embedded.ts';
import { createTestDatabase } from '../helpers/app.ts';
import { until } from '../helpers/core-flows.ts';
import { serverProcesses } from '../helpers/server-process.ts';

const processes = serverProcesses();
afterAll(() => processes.killAll());


describe('three service processes with cron on, one database', () => {
  it('record each breach once, each tick run by one of them', async () => {
    const { url } = await createTestDatabase();
    const key = `ak_multi_${randomBytes(24).toString('base64url')}`;
    const ports = [await freePort(), await freePort(), await freePort()];
    const procs = ports.map((port) =>
      processes.start({ DATABASE_URL: url, PORT: String(port), BOOTSTRAP_API_KEY: key, CRON_ENABLED: 'true', SLA_SWEEP_SCHEDULE: '* * * * * *', SLA_SWEEP_BATCH_SIZE: '7' }, 'warn'),
    );
    const call = (port: number, method: string, p: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}${p}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    for (const port of ports) await until(`instance on ${port}`, async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined), 30_000);

    const customer = (await (await call(ports[0]!, 'POST', '/v1/customers', { name: 'Three', region: 'multi' })).json()) as { id: string };
    // Urgent tickets run around the clock with a 60-minute first response: reported just under
    // an hour ago, each falls due a few seconds from now, while the three schedulers run; every
    // third is overdue already.
    const now = Date.now();
    const tickets: string[] = [];
    for (let i = 0; i < 30; i++) {
      const reported = new Date(now - 60 * 60_000 + (i % 3 === 0 ? -120_000 : 5_000 + i * 100)).toISOString();
      const res = await call(ports[i % 3]!, 'POST', '/v1/tickets', {
        customer_id: customer.id, type: 'repair', channel: 'phone', priority: 'urgent', category: 'multi', subject: `Due ${i}`, reported_at: reported,
      });
      expect(res.status, await res.clone().text()).toBe(201);
      tickets.push(((await res.json()) as { id: string }).id);
    }

    const db = createDatabase(url, { poolSize: 1 });
    try {
      const recorded = await until(
        'every first response breach recorded',
        async () => {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from sla_breaches where ticket_id = any(${tickets}::uuid[]) and kind = 'breach' and metric = 'first_response'`.execute(db.db);
          return rows[0]!.n === tickets.length ? rows[0]!.n : undefined;
        },
        60_000,
      ).catch(async (err: Error) => {
        const runs = await sql`select instance, status, error, counts from job_runs order by started_at desc limit 5`.execute(db.db);
        const sla = await sql`select metric, due_at, state, warned_at, breached_at, paused, completed_at from ticket_sla where ticket_id = ${tickets[0]}`.execute(db.db);
        throw new Error(`${err.message}\n${JSON.stringify(runs.rows)}\n${JSON.stringify(sla.rows)}\n${procs.map((p) => p.output()).join('\n')}`);
      });
      expect(recorded).toBe(30);
      // Two more seconds of ticks by three schedulers change nothing.
      await new Promise((r) => setTimeout(r, 2_000));
      const { rows } = await sql<{ records: number; distinct_records: number; events: number; timeline: number }>`
        select (select count(*)::int from sla_breaches where ticket_id = any(${tickets}::uuid[])) as records,
               (select count(distinct (ticket_id, metric, kind))::int from sla_breaches where ticket_id = any(${tickets}::uuid[])) as distinct_records,
               (select count(*)::int from events where resource_id = any(${tickets}::uuid[]) and type in ('ticket.sla_breached', 'ticket.sla_warning')) as events,
               (select count(*)::int from ticket_timeline where ticket_id = any(${tickets}::uuid[]) and entry = 'sla') as timeline`.execute(db.db);
      const r = rows[0]!;
      expect(r.records).toBe(r.distinct_records);
      expect(r.events).toBe(r.records);
      expect(r.timeline).toBe(r.records);
      // Escalated once each (urgent breaches escalate): tier 2, never 3 for one breach.
      const tiers = await sql<{ tier: number; n: number }>`select tier, count(*)::int as n from tickets where id = any(${tickets}::uuid[]) group by tier`.execute(db.db);
      expect(tiers.rows).toEqual([{ tier: 2, n: 30 }]);
      const runs = await sql<{ ticks: number; distinct_ticks: number; instances: number }>`
        select count(*)::int as ticks, count(distinct tick)::int as distinct_ticks, count(distinct instance)::int as instances
        from job_runs where job_name = 'sla-sweep' and trigger = 'schedule'`.execute(db.db);
      expect(runs.rows[0]!.ticks).toBe(runs.rows[0]!.distinct_ticks);
      expect(runs.rows[0]!.ticks).toBeGreaterThan(2);

      // A cursor one instance gave out is good on every other: the signing key is the database's.
      const first = (await (await call(ports[0]!, 'GET', '/v1/tickets?limit=10')).json()) as { data: { id: string }[]; next_cursor: string };
      const second = (await (await call(ports[1]!, 'GET', `/v1/tickets?limit=10&cursor=${first.next_cursor}`)).json()) as { data: { id: string }[]; next_cursor: string };
      const third = (await (await call(ports[2]!, 'GET', `/v1/tickets?limit=10&cursor=${second.next_cursor}`)).json()) as { data: { id: string }[] };
      expect(new Set([...first.data, ...second.data, ...third.data].map((x) => x.id))).toEqual(new Set(tickets));
    } finally {
      await db.close();
      for (const p of procs) p.child.kill('SIGTERM');
      for (const p of procs) expect(await p.exited, p.output()).toBe(0);
    }
  }, 120_000);

  it('deliver each event to each webhook once, in order per resource, with cron on in all three', async () => {
    const { url } = await createTestDatabase();
    const key = `ak_multi_${randomBytes(24).toString('base64url')}`;
    const received: { path: string; id: string; resource: string; name: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c)).on('end', () => {
        const e = JSON.parse(body) as { id: string; resource: { id: string }; data: { name?: string } };
        received.push({ path: req.url ?? '', id: e.id, resource: e.resource.id, name: e.data.name ?? '' });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hookPort = (receiver.address() as AddressInfo).port;
    const ports = [await freePort(), await freePort(), await freePort()];
    const env = { DATABASE_URL: url, BOOTSTRAP_API_KEY: key, CRON_ENABLED: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_ALLOW_HTTP_HOSTS: '127.0.0.1', WEBHOOK_DELIVERY_SCHEDULE: '* * * * * *' };
    const procs = ports.map((port) => processes.start({ ...env, PORT: String(port) }, 'warn'));
    const call = (port: number, method: string, p: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}${p}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    try {
      for (const port of ports) await until(`instance on ${port}`, async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined), 30_000);
      for (const path of ['/a', '/b']) {
        const res = await call(ports[0]!, 'POST', '/v1/webhooks', { url: `http://127.0.0.1:${hookPort}${path}`, events: ['customer.*'] });
        expect(res.status, await res.clone().text()).toBe(201);
      }
      // 20 customers, each created and renamed three times, spread over the three instances.
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(((await (await call(ports[i % 3]!, 'POST', '/v1/customers', { name: `c${i} v0` })).json()) as { id: string }).id);
      for (let v = 1; v <= 3; v++) {
        for (let i = 0; i < 20; i++) expect((await call(ports[(i + v) % 3]!, 'PATCH', `/v1/customers/${ids[i]}`, { name: `c${i} v${v}` })).status).toBe(200);
      }
      const expected = 2 * 20 * 4;
      await until('every event at both webhooks', async () => (received.length >= expected ? true : undefined), 60_000);
      await new Promise((r) => setTimeout(r, 2_000));
      expect(received).toHaveLength(expected);
      for (const path of ['/a', '/b']) {
        const mine = received.filter((r) => r.path === path);
        expect(new Set(mine.map((r) => r.id)).size).toBe(mine.length);
        for (let i = 0; i < 20; i++) expect(mine.filter((r) => r.resource === ids[i]).map((r) => r.name)).toEqual([0, 1, 2, 3].map((v) => `c${i} v${v}`));
      }
    } finally {
      for (const p of procs) p.child.kill('SIGTERM');
      for (const p of procs) expect(await p.exited, p.output()).toBe(0);
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
    }
  }, 120_000);
});
