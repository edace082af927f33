// npm run bench: seeds 100,000 customers, 500 technicians and 1,000,000 tickets, then loads
// the service's customer and ticket routes and, in the same run against the same database,
// a bare fastify route that does the same single INSERT / SELECT with no auth, idempotency,
// audit, timeline, events or validation. Prints req/s, p50, p99 and the ratio to the bare
// route. Not a test: figures go in BENCHMARKS.md.
//
//   BENCH_SECONDS   seconds per load (default 15)     BENCH_CONNECTIONS   (default 50)
//   BENCH_CUSTOMERS (default 100000)                   BENCH_TICKETS       (default 1000000)
//   BENCH_TECHNICIANS (default 500)                    BENCH_ONLY          customers | tickets | sla | churn | visits | webhooks | reports | history | mixed (default all)
//   BENCH_MIXED_MINUTES  length of the mixed load (default 25)
//   BENCH_SURVEYS   answered surveys for the churn scan (default 300000)
//   DATABASE_URL    else an embedded Postgres in .bench/ (BENCH_REUSE=1: keep the last run's, seeded)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql } from 'kysely';
import pino from 'pino';
import { v7 } from 'uuid';
import { createDatabase } from '../src/db/database.ts';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrator.ts';
import { encodeCursor } from '../src/db/pagination.ts';
import { signedCursor } from '../src/http/cursors.ts';
import { benchChurn } from './bench-churn.ts';
import { rssMb, startService, stopAll, waitReady } from './bench-service.ts';
import { benchSla } from './bench-sla.ts';
import { benchVisits } from './bench-visits.ts';
import { benchReports } from './bench-reports.ts';
import { benchWebhooks } from './bench-webhooks.ts';
import { printAims } from './bench-aims.ts';
import { benchHistory } from './bench-history.ts';
import { benchMixed } from './bench-mixed.ts';
import { seedCustomers, seedTechnicians, seedTickets } from './bench-seed.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const TECHNICIANS = Number(process.env.BENCH_TECHNICIANS ?? 500);
const ONLY = process.env.BENCH_ONLY;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// ---------------------------------------------------------------------------------------
// The bare ceiling: one pg query per request, no framework features. Runs as a child
// process of this script (`--bare <url> <port>`), so it gets a process of its own like the service.
async function bareServer(url: string, port: number): Promise<void> {
  const { pool } = createDatabase(url, { poolSize: 20 });
  const app = Fastify({ logger: false });
  const cols = 'id, external_ref, name, kind, phone, email, region, address, tier, tags, status, churn_risk, created_at, updated_at, version';
  app.post('/bare/customers', async (request, reply) => {
    const body = request.body as { name: string; region?: string };
    const now = new Date();
    const r = await pool.query(
      `insert into customers (id, name, kind, region, created_at, updated_at) values ($1, $2, 'person', $3, $4, $4) returning ${cols}`,
      [v7(), body.name, body.region ?? null, now],
    );
    return reply.code(201).send(r.rows[0]);
  });
  app.get('/bare/customers/:id', async (request) => {
    const r = await pool.query(`select ${cols} from customers where id = $1`, [(request.params as { id: string }).id]);
    return r.rows[0];
  });
  const ticketCols = 'id, number, customer_id, asset_id, type, channel, priority, category, subject, description, external_ref, region, reported_at, status, tier, technician_id, assignment, hold_reason, complaint_major, linked_ticket_id, first_responded_at, resolved_at, closed_at, cancelled_at, resolution, warranty_decision, follow_up, reopen_count, created_at, updated_at, version';
  app.post('/bare/tickets', async (request, reply) => {
    const b = request.body as { customer_id: string; subject: string; category: string };
    const now = new Date();
    const r = await pool.query(
      `insert into tickets (id, number, customer_id, type, channel, priority, category, subject, reported_at, created_at, updated_at)
       values ($1, 'B-' || nextval('ticket_number_seq'), $2, 'repair', 'phone', 'normal', $3, $4, $5, $5, $5) returning ${ticketCols}`,
      [v7(), b.customer_id, b.category, b.subject, now],
    );
    return reply.code(201).send(r.rows[0]);
  });
  app.get('/bare/tickets/:id', async (request) => {
    const r = await pool.query(`select ${ticketCols} from tickets where id = $1`, [(request.params as { id: string }).id]);
    return r.rows[0];
  });
  // One INSERT into visits, under the same exclusion constraint and indexes as a booking.
  app.post('/bare/visits', async (request, reply) => {
    const b = request.body as { ticket_id: string; customer_id: string; technician_id: string; window_start: string; window_end: string };
    const now = new Date();
    const r = await pool.query(
      `insert into visits (id, ticket_id, customer_id, technician_id, window_start, window_end, holds_until, outside_hours, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $6, false, $7, $7) returning *`,
      [v7(), b.ticket_id, b.customer_id, b.technician_id, b.window_start, b.window_end, now],
    );
    return reply.code(201).send(r.rows[0]);
  });
  // The same filtered page as GET /v1/tickets?status&technician_id&limit=50, as plain JSON.
  app.get('/bare/tickets', async (request) => {
    const q = request.query as { status: string; technician_id: string };
    const r = await pool.query(`select ${ticketCols} from tickets where status = $1 and technician_id = $2 order by id desc limit 51`, [q.status, q.technician_id]);
    return { data: r.rows.slice(0, 50) };
  });
  app.get('/bare/customers', async () => {
    const r = await pool.query(`select ${cols} from customers order by id desc limit 51`);
    return { data: r.rows.slice(0, 50) };
  });
  await app.listen({ port, host: '127.0.0.1' });
}

if (process.argv[2] === '--help' || process.argv[2] === '-h') {
  console.log(`usage: npm run bench

Seeds 100,000 customers, 500 technicians and 1,000,000 tickets (an embedded Postgres in .bench/,
or DATABASE_URL), loads the service's routes and a bare fastify route in the same run, and
prints req/s, p50, p99 and the ratio to the bare route. Settings by environment:
  BENCH_SECONDS (15) BENCH_CONNECTIONS (50) BENCH_CUSTOMERS (100000) BENCH_TICKETS (1000000)
  BENCH_TECHNICIANS (500) BENCH_SURVEYS (300000) BENCH_ONLY customers|tickets|sla|churn|visits|webhooks|reports|history|mixed
  BENCH_HISTORY_CHANGES (200) changes on each ticket of the history part
  BENCH_REPORT_TICKETS (1000000) tickets of the report year
  BENCH_REUSE=1 keeps the last seeded database`);
  process.exit(0);
}
if (process.argv[2] === '--bare') {
  await bareServer(process.argv[3]!, Number(process.argv[4]));
} else {
  await main();
}

// ---------------------------------------------------------------------------------------
interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(name: string, opts: autocannon.Options, watchPid?: number, peak?: { mb: number }): Promise<Result> {
  let phasePeak = 0;
  const sampler = watchPid ? setInterval(() => (phasePeak = Math.max(phasePeak, rssMb(watchPid))), 250) : undefined;
  const r = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts });
  if (sampler) clearInterval(sampler);
  if (peak) peak.mb = Math.max(peak.mb, phasePeak);
  const result = { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
  console.log(
    `  ${name.padEnd(38)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${String(result.p50).padStart(4)} ms  p99 ${String(result.p99).padStart(4)} ms` +
      (watchPid ? `  rss ${phasePeak.toFixed(0)} MB` : '') +
      (result.non2xx || result.errors ? `  (non-2xx ${result.non2xx}, errors ${result.errors})` : ''),
  );
  return result;
}

async function main(): Promise<void> {
  const log = pino({ level: 'warn' });
  let url = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  const benchDir = path.join(ROOT, '.bench');
  // BENCH_REUSE=1 keeps .bench from the last run (same seed sizes) and skips the seeding.
  const reuse = process.env.BENCH_REUSE === '1' && !url;
  if (!url) {
    if (!reuse) await rm(benchDir, { recursive: true, force: true });
    await mkdir(benchDir, { recursive: true });
    const pg = await startEmbeddedPostgres(benchDir, log);
    url = pg.url;
    stopEmbedded = pg.stop;
  }
  const database = createDatabase(url, { poolSize: 4, log });
  await migrateToLatest(database.db as never);
  const children: ChildProcess[] = [];
  // Ctrl-C must not leave the service, the bare server or the embedded Postgres behind.
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await stopAll(children);
      await database.close();
      await stopEmbedded?.();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }
  try {
    const seeded = reuse ? (await sql<{ n: number }>`select count(*)::int as n from customers`.execute(database.db)).rows[0]!.n > 0 : false;
    const customerIds = seeded
      ? (await sql<{ id: string }>`select id from customers order by id`.execute(database.db)).rows.map((r) => r.id)
      : await seedCustomers(database.db, CUSTOMERS);
    if (!seeded) {
      const technicianIds = ONLY === 'customers' ? [] : await seedTechnicians(database.db, TECHNICIANS);
      if (ONLY !== 'customers') await seedTickets(database.db, TICKETS, customerIds, technicianIds);
    }
    await sql`analyze`.execute(database.db);
    // The figures the aims table reads, from whichever parts run.
    const measured: Partial<Record<string, number>> = {};
    const parts = {
      sla: async () => {
        const o = await benchSla(database.db, url, ROOT);
        Object.assign(measured, { sweep10k: o.sweep10k, breachLatencyP99: o.latencyP99, idleTickP99: o.idleTickP99 });
      },
      churn: async () => {
        const o = await benchChurn(database.db, url, ROOT, SECONDS, CONNECTIONS);
        // Per 100,000 customers in the database, whichever of them a scan scores.
        const per100k = (ms?: number) => (ms === undefined || !o.customers ? undefined : (ms / o.customers) * 100_000);
        Object.assign(measured, { churnFirstPer100k: per100k(o.scan_first_ms), churnLaterPer100k: per100k(o.scan_second_ms) });
      },
      visits: async () => {
        const o = await benchVisits(database.db, url, ROOT, SECONDS, CONNECTIONS);
        if (o.book && o.bareBook) measured.visitBooking = o.book / o.bareBook;
      },
      webhooks: async () => {
        measured.webhookLagP99 = (await benchWebhooks(database.db, url, ROOT, SECONDS)).lagP99!;
      },
      history: async () => {
        const o = await benchHistory(database.db, url, ROOT);
        measured.historyRatio = o.longMs! / o.freshMs!;
      },
      reports: async () => {
        measured.kpiYear = (await benchReports(database.db, url, ROOT, SECONDS, CONNECTIONS)).yearByTechnician!;
      },
      mixed: async () => {
        const o = await benchMixed(database.db, url, ROOT);
        measured.mixedLoadRatio = o.ratio!;
        // Peak RSS is over the whole bench: the longest-running service is this one.
        measured.peakRss = Math.max(measured.peakRss ?? 0, o.peakRss!);
      },
    };
    if (ONLY && ONLY in parts) {
      await parts[ONLY as keyof typeof parts]();
      printAims(measured);
      return;
    }
    const sampleIds = (await sql<{ id: string }>`select id from customers order by random() limit 5000`.execute(database.db)).rows.map((r) => r.id);
    // Page 1,000 of 50 (or the last full page of a smaller seed): its cursor is the row before it.
    const deepPage = Math.min(1000, Math.floor(CUSTOMERS / 50));
    const page1000 = (await sql<{ id: string }>`select id from customers order by id desc offset ${(deepPage - 1) * 50 - 1} limit 1`.execute(database.db)).rows[0]!.id;
    // Cursors are signed for their list with the database's key, as the API gives them out.
    const cursorKey = (await sql<{ secret: Buffer }>`select secret from server_secrets where name = 'cursor'`.execute(database.db)).rows[0]!.secret;
    const cursor1000 = signedCursor(cursorKey, 'GET /v1/customers', encodeCursor({ s: 'id', id: page1000 }));

    const secret = `ak_bench_${randomBytes(24).toString('base64url')}`;
    const barePort = await freePort();
    const bare = spawn(process.execPath, [fileURLToPath(import.meta.url), '--bare', url, String(barePort)], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(bare);
    // Exactly what `npm start` runs, flags included.
    const { child: service, url: svc } = await startService(ROOT, {
      DATABASE_URL: url, BOOTSTRAP_API_KEY: secret, CRON_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '100000000',
    });
    children.push(service);
    await waitReady(`http://127.0.0.1:${barePort}/bare/customers`);
    const ceiling = `http://127.0.0.1:${barePort}`;
    const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    const json = { 'content-type': 'application/json' };
    const randomId = () => sampleIds[Math.floor(Math.random() * sampleIds.length)]!;
    const peak = { mb: rssMb(service.pid!) };
    let seq = 0;
    const body = () => JSON.stringify({ name: `Bench ${++seq}`, region: 'r1' });

    console.log(`\n${CONNECTIONS} connections, ${SECONDS} s each, ${CUSTOMERS} customers seeded\n`);
    const r: Record<string, Result> = {};
    if (ONLY !== 'tickets') {
      // Reads first, on the seeded data as it is; then the writes, which grow the table.
      r.bareSelect = await load('bare SELECT by id', { url: ceiling, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/bare/customers/${randomId()}` }) }] });
      r.get = await load('GET /v1/customers/{id}', { url: svc, requests: [{ method: 'GET', headers: auth, setupRequest: (req) => ({ ...req, path: `/v1/customers/${randomId()}` }) }] }, service.pid, peak);
      r.bareList = await load('bare SELECT page', { url: ceiling, requests: [{ method: 'GET', path: '/bare/customers' }] });
      r.list1 = await load('GET /v1/customers (page 1)', { url: svc, requests: [{ method: 'GET', path: '/v1/customers?limit=50', headers: auth }] }, service.pid, peak);
      r.list1000 = await load(`GET /v1/customers (page ${deepPage.toLocaleString('en')})`, { url: svc, requests: [{ method: 'GET', path: `/v1/customers?limit=50&cursor=${cursor1000}`, headers: auth }] }, service.pid, peak);
      // A selective search (one customer) and a broad one (one customer in seven has 王 in the name).
      r.qOne = await load('GET /v1/customers?q=<email>', { url: svc, requests: [{ method: 'GET', headers: auth, setupRequest: (req) => ({ ...req, path: `/v1/customers?q=seed${Math.floor(Math.random() * CUSTOMERS)}%40example` }) }] }, service.pid, peak);
      r.qBroad = await load('GET /v1/customers?q=王', { url: svc, requests: [{ method: 'GET', path: `/v1/customers?limit=50&q=${encodeURIComponent('王')}`, headers: auth }] }, service.pid, peak);
      r.bareInsert = await load('bare INSERT', { url: ceiling, requests: [{ method: 'POST', path: '/bare/customers', headers: json, setupRequest: (req) => ({ ...req, body: body() }) }] });
      r.create = await load('POST /v1/customers', { url: svc, requests: [{ method: 'POST', path: '/v1/customers', headers: auth, setupRequest: (req) => ({ ...req, body: body() }) }] }, service.pid, peak);
      r.createIdem = await load('POST /v1/customers + Idempotency-Key', {
        url: svc,
        requests: [{ method: 'POST', path: '/v1/customers', setupRequest: (req) => ({ ...req, headers: { ...auth, 'idempotency-key': `bench-${++seq}` }, body: body() }) }],
      }, service.pid, peak);
    }
    if (ONLY !== 'customers') {
      const ticketIds = (await sql<{ id: string }>`select id from tickets order by random() limit 5000`.execute(database.db)).rows.map((x) => x.id);
      const newTickets = (await sql<{ id: string }>`select id from tickets where status = 'new' order by id`.execute(database.db)).rows.map((x) => x.id);
      const busiest = (await sql<{ technician_id: string }>`select technician_id from tickets where status = 'closed' group by technician_id order by count(*) desc limit 1`.execute(database.db)).rows[0]!.technician_id;
      const deepTicket = (await sql<{ id: string }>`select id from tickets where status = 'closed' and technician_id = ${busiest} order by id desc offset ${20 * 50 - 1} limit 1`.execute(database.db)).rows[0]?.id;
      const deepCursor = deepTicket ? signedCursor(cursorKey, 'GET /v1/tickets', encodeCursor({ s: 'id', id: deepTicket })) : undefined;
      const randomTicket = () => ticketIds[Math.floor(Math.random() * ticketIds.length)]!;
      const ticketBody = () => JSON.stringify({ customer_id: randomId(), type: 'repair', channel: 'phone', category: `cat${seq % 20}`, subject: `Bench ticket ${++seq}` });
      console.log(`\n${TICKETS.toLocaleString('en')} tickets, ${TECHNICIANS} technicians\n`);
      r.bareTicketSelect = await load('bare SELECT ticket by id', { url: ceiling, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/bare/tickets/${randomTicket()}` }) }] });
      r.ticketGet = await load('GET /v1/tickets/{id}', { url: svc, requests: [{ method: 'GET', headers: auth, setupRequest: (req) => ({ ...req, path: `/v1/tickets/${randomTicket()}` }) }] }, service.pid, peak);
      r.bareTicketList = await load('bare ticket page (same 50 rows)', { url: ceiling, requests: [{ method: 'GET', path: `/bare/tickets?status=closed&technician_id=${busiest}` }] });
      r.ticketList = await load('GET /v1/tickets?status&technician_id', { url: svc, requests: [{ method: 'GET', headers: auth, path: `/v1/tickets?status=closed&technician_id=${busiest}&limit=50` }] }, service.pid, peak);
      if (deepCursor) {
        r.ticketListDeep = await load('  same, page 20', { url: svc, requests: [{ method: 'GET', headers: auth, path: `/v1/tickets?status=closed&technician_id=${busiest}&limit=50&cursor=${deepCursor}` }] }, service.pid, peak);
      }
      r.ticketQ = await load('GET /v1/tickets?q=制冷', { url: svc, requests: [{ method: 'GET', headers: auth, path: `/v1/tickets?limit=50&q=${encodeURIComponent('制冷')}` }] }, service.pid, peak);
      r.bareTicketInsert = await load('bare INSERT ticket', { url: ceiling, requests: [{ method: 'POST', path: '/bare/tickets', headers: json, setupRequest: (req) => ({ ...req, body: ticketBody() }) }] });
      r.ticketCreate = await load('POST /v1/tickets', { url: svc, requests: [{ method: 'POST', path: '/v1/tickets', headers: auth, setupRequest: (req) => ({ ...req, body: ticketBody() }) }] }, service.pid, peak);
      let next = 0;
      r.assign = await load('POST /v1/tickets/{id}/assign auto', {
        url: svc,
        requests: [{ method: 'POST', headers: auth, body: JSON.stringify({ auto: true }), setupRequest: (req) => ({ ...req, path: `/v1/tickets/${newTickets[next++ % newTickets.length]}/assign` }) }],
      }, service.pid, peak);
    }

    const ratio = (a?: Result, b?: Result) => (a && b ? (a.rps / b.rps).toFixed(2) : 'n/a');
    console.log('\nratios (service / bare, req/s):');
    if (ONLY !== 'tickets') {
      console.log(`  customer create / bare insert     ${ratio(r.create, r.bareInsert)}   (aim >= 0.5)`);
      console.log(`  create+idempotency / bare insert  ${ratio(r.createIdem, r.bareInsert)}`);
      console.log(`  customer get / bare select        ${ratio(r.get, r.bareSelect)}   (aim >= 0.7)`);
      console.log(`  customer list page 1 / bare page  ${ratio(r.list1, r.bareList)}`);
      console.log(`  list page ${String(deepPage).padEnd(5)} / page 1           ${ratio(r.list1000, r.list1)}   (aim >= 0.80)`);
    }
    if (ONLY !== 'customers') {
      console.log(`  ticket create / bare insert       ${ratio(r.ticketCreate, r.bareTicketInsert)}   (aim >= 0.4)`);
      console.log(`  ticket get / bare select          ${ratio(r.ticketGet, r.bareTicketSelect)}   (aim >= 0.7)`);
      console.log(`  ticket list page / bare page      ${ratio(r.ticketList, r.bareTicketList)}   (aim >= 0.7)`);
      console.log(`  filtered list p99                 ${r.ticketList?.p99} ms, page 20: ${r.ticketListDeep?.p99 ?? 'n/a'} ms   (aim < 50 ms)`);
    }
    console.log(`  service peak RSS                  ${peak.mb.toFixed(0)} MB   (aim < 250 MB)`);
    const of = (a?: Result, b?: Result) => (a && b ? a.rps / b.rps : undefined);
    Object.assign(measured, {
      ticketCreate: of(r.ticketCreate, r.bareTicketInsert),
      ticketGet: of(r.ticketGet, r.bareTicketSelect),
      customerGet: of(r.get, r.bareSelect),
      ticketList: of(r.ticketList, r.bareTicketList),
      peakRss: Math.max(measured.peakRss ?? 0, peak.mb),
    });
    if (ONLY === undefined) {
      // The HTTP loads are over: their service and the bare server stop first, so nothing of
      // theirs still runs while the next parts truncate and reseed tables.
      await stopAll(children);
      for (const part of Object.values(parts)) await part();
    }
    printAims(measured);
  } finally {
    await cleanup();
  }
}
