import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.ts';
import { freePort } from '../../src/db/embedded.ts';
import { createTestDatabase } from '../helpers/app.ts';
import { client, newKey, ready, until } from '../helpers/core-flows.ts';
import { serverProcesses } from '../helpers/server-process.ts';

const processes = serverProcesses();
const servers: { close(): void }[] = [];
afterAll(() => {
  processes.killAll();
  for (const s of servers) s.close();
});

const ALWAYS_CALENDAR_ID = '01900000-0000-7000-8000-000000000002';

/**
 * Three service processes, cron on in all three, one database, behind a round-robin client: a
 * mixed load of creates, assignments, notes, resolutions, sweeps, survey dispatch, answers,
 * reminders and webhook deliveries. Every side effect must happen exactly once.
 */
describe('three instances behind a round-robin client, cron on in all of them', () => {
  it('record each breach, survey, care ticket, reminder and delivery once, keep technicians within capacity and the feed gap-free', async () => {
    const { url } = await createTestDatabase();
    const key = newKey('three');
    // The webhook receiver: every delivery, by event id.
    const received: { eventId: string; type: string; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ eventId: String(req.headers['aftercare-event-id']), type: String(req.headers['aftercare-event-type']), body });
        res.writeHead(204).end();
      });
    });
    servers.push(receiver);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const ports = [await freePort(), await freePort(), await freePort()];
    const procs = ports.map((port) =>
      processes.start(
        {
          DATABASE_URL: url, PORT: String(port), BOOTSTRAP_API_KEY: key, CRON_ENABLED: 'true', DB_POOL_SIZE: '8',
          SLA_SWEEP_SCHEDULE: '* * * * * *', SLA_SWEEP_BATCH_SIZE: '5', WEBHOOK_DELIVERY_SCHEDULE: '* * * * * *',
          SURVEY_DELAY_MINUTES: '0', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_ALLOW_HTTP_HOSTS: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '100000',
        },
        'warn',
      ),
    );
    for (const port of ports) await ready(`http://127.0.0.1:${port}`);
    let turn = 0;
    const call = client(() => `http://127.0.0.1:${ports[turn++ % 3]}`, key);
    const onEach = (method: string, path: string, body?: unknown) => Promise.all(ports.map((p) => client(`http://127.0.0.1:${p}`, key)(method, path, body)));
    const ok = <R extends { status: number; text: string }>(res: R): R => {
      expect(res.status, res.text).toBeLessThan(300);
      return res;
    };
    let requests = 0;
    const counted = async <T>(p: Promise<T>) => {
      requests++;
      return p;
    };

    ok(await call('POST', '/v1/webhooks', { url: hook, events: ['*'], description: 'three instances' }));
    // Chat tickets: a follow-up call an hour after resolution, around the clock.
    ok(await call('POST', '/v1/sla-policies', { name: 'Chat', position: 1, match: { channels: ['chat'] }, targets: { first_response: 600, resolution: 1440, follow_up: 60 }, calendar_id: ALWAYS_CALENDAR_ID }));
    const customer = ok(await call('POST', '/v1/customers', { name: 'Three', region: 'three' })).body;
    const techs = await Promise.all([1, 2, 3].map(async (i) => ok(await call('POST', '/v1/technicians', { name: `T${i}`, tier: 1, regions: ['three'], skills: ['lock'], max_open_tickets: 3 })).body.id as string));

    const started = performance.now();
    // Overdue urgent tickets nobody answers: the sweeps of three instances record each first-response breach once.
    const overdue = await Promise.all(
      Array.from({ length: 30 }, async (_, i) =>
        ok(await counted(call('POST', '/v1/tickets', { customer_id: customer.id, type: 'repair', channel: 'phone', priority: 'urgent', category: 'lock', subject: `Overdue ${i}`, reported_at: new Date(Date.now() - 3 * 3_600_000).toISOString() }))).body.id as string,
      ),
    );
    // Thirty chat tickets asking for three technicians with three places each, all at once through three instances.
    const chats = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => ok(await counted(call('POST', '/v1/tickets', { customer_id: customer.id, type: 'repair', channel: 'chat', priority: 'normal', category: 'lock', subject: `Chat ${i}` }))).body.id as string),
    );
    const assigned = await Promise.all(chats.map(async (id) => {
      const res = await counted(call('POST', `/v1/tickets/${id}/assign`, { auto: true }));
      expect(res.status, res.text).toBeLessThan(500);
      return res.body.technician_id ? id : undefined;
    }));
    const got = assigned.filter((id): id is string => id !== undefined);
    expect(got).toHaveLength(9);
    await Promise.all(got.map(async (id) => {
      ok(await counted(call('POST', `/v1/tickets/${id}/notes`, { kind: 'call', visibility: 'customer', body: 'On it' })));
      ok(await counted(call('POST', `/v1/tickets/${id}/start`)));
      ok(await counted(call('POST', `/v1/tickets/${id}/resolve`, { method: 'repair', summary: 'Fixed', warranty: 'misuse' })));
    }));
    const flowSeconds = (performance.now() - started) / 1000;
    const flowRequests = requests;

    // Throughput: 300 creates and 300 reads at 24 in flight, spread over the three instances.
    const burstStarted = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 24 }, async () => {
      while (next < 300) {
        next++;
        const made = ok(await call('POST', '/v1/tickets', { customer_id: customer.id, type: 'inquiry', channel: 'email', priority: 'low', category: 'burst', subject: 'Burst' }));
        ok(await call('GET', `/v1/tickets/${made.body.id}`));
      }
    }));
    const burstSeconds = (performance.now() - burstStarted) / 1000;

    // Each job, run by hand on all three instances at the same moment, does its work once: a
    // second start in the same second is a 409, later runs find nothing left to do.
    for (const job of ['survey-dispatch', 'follow-up-reminders', 'survey-dispatch', 'follow-up-reminders']) {
      const runs = await onEach('POST', `/v1/jobs/${job}/run`);
      expect(runs.filter((r) => r.status < 300).length, runs.map((r) => r.text).join('\n')).toBeGreaterThanOrEqual(1);
      for (const res of runs) expect([200, 201, 202, 409], res.text).toContain(res.status);
    }
    // The survey links arrive by webhook (survey.sent carries the token); three instances answer each at once.
    const sent = await until('nine survey.sent deliveries', async () => {
      const s = received.filter((r) => r.type === 'survey.sent');
      return s.length >= 9 ? s : undefined;
    }, 30_000);
    const tokens = [...new Set(sent.map((s) => /sv_[A-Za-z0-9_-]{43}/.exec(s.body)![0]))];
    expect(tokens).toHaveLength(9);
    for (const token of tokens) {
      const answers = await Promise.all(ports.map((p) => fetch(`http://127.0.0.1:${p}/v1/public/surveys/${token}/response`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ csat: 1, comment: 'Slow' }) })));
      expect(answers.filter((a) => a.status < 300)).toHaveLength(1);
      expect(answers.filter((a) => a.status >= 500)).toHaveLength(0);
    }

    const db = createDatabase(url, { poolSize: 1 });
    try {
      await until('every first-response breach recorded', async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from sla_breaches where ticket_id = any(${overdue}::uuid[]) and kind = 'breach' and metric = 'first_response'`.execute(db.db);
        return rows[0]!.n === overdue.length ? true : undefined;
      }, 60_000);
      // Let the schedulers of three instances run a few more ticks, then let deliveries drain.
      await new Promise((r) => setTimeout(r, 3_000));
      await until('every delivery made', async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where status in ('pending', 'delivering')`.execute(db.db);
        return rows[0]!.n === 0 ? true : undefined;
      }, 60_000);
      const { rows } = await sql<Record<string, number>>`
        select
          (select count(*)::int from sla_breaches where ticket_id = any(${overdue}::uuid[])) as breach_records,
          (select count(distinct (ticket_id, metric, kind))::int from sla_breaches where ticket_id = any(${overdue}::uuid[])) as distinct_breaches,
          (select count(*)::int from sla_breaches where ticket_id = any(${overdue}::uuid[]) and kind = 'breach') as breaches,
          (select count(*)::int from events where type = 'ticket.sla_breached' and resource_id = any(${overdue}::uuid[])) as breach_events,
          (select count(*)::int from surveys where ticket_id = any(${got}::uuid[])) as surveys,
          (select count(distinct ticket_id)::int from surveys where ticket_id = any(${got}::uuid[])) as surveyed_tickets,
          (select count(*)::int from surveys where status = 'answered') as answered,
          (select count(*)::int from tickets where type = 'care') as care_tickets,
          (select count(*)::int from events where type = 'ticket.follow_up_due' and resource_id = any(${got}::uuid[])) as reminders,
          (select count(*)::int from events where position is not null) as sequenced,
          (select max(position)::int from events) as last_position,
          (select count(*)::int from webhook_deliveries where kind = 'event') as deliveries,
          (select count(distinct event_id)::int from webhook_deliveries where kind = 'event') as delivered_events,
          (select count(*)::int from events) as events`.execute(db.db);
      const r = rows[0]!;
      expect(r.breach_records).toBe(r.distinct_breaches);
      expect(r.breaches).toBe(30);
      expect(r.breach_events).toBe(r.breaches);
      expect(r.surveys).toBe(9);
      expect(r.surveyed_tickets).toBe(9);
      expect(r.answered).toBe(9);
      expect(r.care_tickets).toBe(9);
      expect(r.reminders).toBe(9);
      // The feed: every event numbered, 1..N without a gap.
      expect(r.sequenced).toBe(r.events);
      expect(r.last_position).toBe(r.events);
      // One delivery per event, and the receiver got each event once.
      expect(r.deliveries).toBe(r.delivered_events);
      const byEvent = new Map<string, number>();
      for (const d of received) byEvent.set(d.eventId, (byEvent.get(d.eventId) ?? 0) + 1);
      expect([...byEvent.values()].filter((n) => n > 1)).toEqual([]);
      expect(byEvent.size).toBe(r.delivered_events);
      // No technician ever had more than three open tickets: the care tickets went to the queue or a free technician.
      const { rows: load } = await sql<{ technician_id: string; open: number }>`
        select technician_id, count(*)::int as open from tickets where technician_id = any(${techs}::uuid[]) and status not in ('resolved', 'closed', 'cancelled') group by 1`.execute(db.db);
      for (const l of load) expect(l.open).toBeLessThanOrEqual(3);
      // Each scheduled tick ran on one instance only.
      const { rows: ticks } = await sql<{ n: number }>`select count(*)::int as n from (select job_name, tick from job_runs where trigger = 'schedule' group by 1, 2 having count(*) > 1) d`.execute(db.db);
      expect(ticks[0]!.n).toBe(0);
      console.log(
        `three instances: mixed flows ${flowRequests} requests in ${flowSeconds.toFixed(2)} s; burst 600 requests (300 creates + 300 gets, 24 in flight) in ${burstSeconds.toFixed(2)} s = ${(600 / burstSeconds).toFixed(0)} req/s; checked ${JSON.stringify(r)}`,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${procs.map((p) => p.output().slice(-2000)).join('\n')}`, { cause: err });
    } finally {
      await db.close();
    }
  }, 240_000);
});
