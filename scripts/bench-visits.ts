// Field visits (part of `npm run bench`; alone with BENCH_ONLY=visits), on the seeded tickets
// and technicians:
//   1. booking: POST /v1/tickets/{id}/visits beside a bare fastify route doing the one INSERT
//      into visits (same exclusion constraint, same indexes), each request a free slot;
//   2. a technician's day: GET /v1/visits?technician_id&from&to over 200,000 seeded visits (p99);
//   3. completion with two parts: POST /v1/visits/{id}/complete, each on its own checked-in
//      visit (stock leaves two parts, the record is built, hashed and stored).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { v7 } from 'uuid';
import { freePort } from '../src/db/embedded.ts';
import type { Db } from '../src/db/types.ts';
import { startService, stopAll, waitReady } from './bench-service.ts';

const HOUR = 3_600_000;
const SEEDED_VISITS = 200_000;
const COMPLETIONS = 20_000;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(name: string, opts: autocannon.Options, seconds: number, connections: number): Promise<Load> {
  const r = await autocannon({ connections, duration: seconds, ...opts });
  const out = { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx };
  console.log(`  ${name.padEnd(44)} ${out.rps.toFixed(0).padStart(7)} req/s  p50 ${String(out.p50).padStart(4)} ms  p99 ${String(out.p99).padStart(4)} ms${out.non2xx ? `  (non-2xx ${out.non2xx})` : ''}`);
  return out;
}

async function seedVisits(db: Db) {
  const started = Date.now();
  await sql`truncate visit_records, visits cascade`.execute(db);
  // 200,000 visits of the last and next 200 days, on tickets with a technician: one per ticket,
  // a technician's visits an hour apart in turn (never overlapping).
  await sql`
    insert into visits (id, ticket_id, customer_id, technician_id, status, window_start, window_end, holds_until, outside_hours, created_at, updated_at)
    select gen_random_uuid(), t.id, t.customer_id, t.technician_id, case when n % 3 = 0 then 'completed' else 'scheduled' end,
      w.s, w.s + interval '1 hour', w.s + interval '1 hour', false, now(), now()
    from (select id, customer_id, technician_id, row_number() over (partition by technician_id order by id) as n
          from tickets where technician_id is not null order by id limit ${SEEDED_VISITS}) t
    cross join lateral (select date_trunc('day', now()) - interval '200 days' + t.n * interval '2 hours' as s) w`.execute(db);
  await sql`analyze visits`.execute(db);
  console.log(`  seeded ${SEEDED_VISITS.toLocaleString('en')} visits in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export async function benchVisits(db: Db, url: string, root: string, seconds: number, connections: number): Promise<Record<string, number>> {
  console.log('\nField visits\n');
  await seedVisits(db);
  const open = (await sql<{ id: string; customer_id: string }>`select id, customer_id from tickets where status in ('new','assigned','in_progress','on_hold') order by random() limit 5000`.execute(db)).rows;
  const techs = (await sql<{ id: string }>`select id from technicians where active order by id`.execute(db)).rows.map((r) => r.id);
  const busiest = (await sql<{ technician_id: string; day: Date }>`
    select technician_id, date_trunc('day', window_start) as day from visits group by 1, 2 order by count(*) desc limit 1`.execute(db)).rows[0]!;

  // Checked-in visits to complete, each in a slot of its own (year 2032), and two parts with stock for all.
  const [p1, p2] = [v7(), v7()];
  await sql`insert into parts (id, sku, name, unit_price, currency, stock, reorder_level, active, created_at, updated_at)
    values (${p1}, ${`BENCH-A-${p1.slice(-6)}`}, '主板 board', 12000, 'CNY', 1000000, 0, true, now(), now()),
           (${p2}, ${`BENCH-B-${p2.slice(-6)}`}, '螺丝 screw', 50, 'CNY', 1000000, 0, true, now(), now())`.execute(db);
  const toComplete = (await sql<{ id: string }>`
    insert into visits (id, ticket_id, customer_id, technician_id, status, window_start, window_end, holds_until, outside_hours, checked_in_at, created_at, updated_at)
    select gen_random_uuid(), t.id, t.customer_id, ${techs[0]!}::uuid, 'checked_in', w.s, w.s + interval '1 hour', w.s + interval '1 hour', false, now() - interval '1 hour', now(), now()
    from (select id, customer_id, row_number() over (order by id) as n from tickets where status in ('new','assigned','in_progress','on_hold') limit ${COMPLETIONS}) t
    cross join lateral (select timestamptz '2032-01-01' + t.n * interval '2 hours' as s) w
    returning id`.execute(db)).rows.map((r) => r.id);

  const secret = `ak_bench_${randomBytes(24).toString('base64url')}`;
  const barePort = await freePort();
  const bare = spawn(process.execPath, [fileURLToPath(new URL('./bench.ts', import.meta.url)), '--bare', url, String(barePort)], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const service = await startService(root, { DATABASE_URL: url, BOOTSTRAP_API_KEY: secret, CRON_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '100000000' });
  const out: Record<string, number> = {};
  try {
    await waitReady(`http://127.0.0.1:${barePort}/bare/customers`);
    const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    // A free slot per request: technician by turn, one hour each, a year apart for the bare route and the service.
    const slot = (base: string, n: number) => {
      const start = new Date(Date.parse(base) + Math.floor(n / techs.length) * 2 * HOUR);
      return { technician_id: techs[n % techs.length]!, window_start: start.toISOString(), window_end: new Date(start.getTime() + HOUR).toISOString() };
    };
    let bareSeq = 0;
    let seq = 0;
    const bareBook = await load('bare INSERT visit', {
      url: `http://127.0.0.1:${barePort}`,
      requests: [{ method: 'POST', path: '/bare/visits', headers: { 'content-type': 'application/json' }, setupRequest: (req) => {
        const t = open[bareSeq % open.length]!;
        return { ...req, body: JSON.stringify({ ticket_id: t.id, customer_id: t.customer_id, ...slot('2030-01-01T00:00:00Z', bareSeq++) }) };
      } }],
    }, seconds, connections);
    const book = await load('POST /v1/tickets/{id}/visits', {
      url: service.url,
      requests: [{ method: 'POST', headers: auth, setupRequest: (req) => {
        const t = open[seq % open.length]!;
        return { ...req, path: `/v1/tickets/${t.id}/visits`, body: JSON.stringify(slot('2031-01-01T00:00:00Z', seq++)) };
      } }],
    }, seconds, connections);
    const day = busiest.day.toISOString();
    const to = new Date(busiest.day.getTime() + 24 * HOUR).toISOString();
    const list = await load('GET /v1/visits (a technician\'s day)', {
      url: service.url,
      requests: [{ method: 'GET', headers: auth, path: `/v1/visits?technician_id=${busiest.technician_id}&from=${encodeURIComponent(day)}&to=${encodeURIComponent(to)}&limit=50` }],
    }, seconds, connections);
    let next = 0;
    const signature = 'M 20 100 C 60 20, 120 20, 160 100 S 260 180, 300 100';
    const complete = await load('POST /v1/visits/{id}/complete (two parts)', {
      url: service.url,
      requests: [{ method: 'POST', headers: auth, setupRequest: (req) => ({
        ...req,
        path: `/v1/visits/${toComplete[next++ % toComplete.length]}/complete`,
        body: JSON.stringify({
          work_summary: '更换主板 replaced the board', test_passed: true,
          parts_used: [{ part_id: p1, quantity: 1 }, { part_id: p2, quantity: 4 }],
          signoff: { signed_by: '王芳', signature, signed_at: new Date().toISOString() },
        }),
      }) }],
    }, seconds, Math.min(connections, 20));
    if (next > toComplete.length) console.log(`  (completion ran out of checked-in visits after ${toComplete.length}: later requests were 409)`);
    Object.assign(out, { bareBook: bareBook.rps, book: book.rps, listP99: list.p99, completeRps: complete.rps, completeP99: complete.p99 });
    console.log('\nratios:');
    console.log(`  visit booking / bare insert       ${(book.rps / bareBook.rps).toFixed(2)}`);
    console.log(`  technician day list p99           ${list.p99} ms   (aim < 50 ms)`);
    console.log(`  completion with two parts         ${complete.rps.toFixed(0)} req/s, p99 ${complete.p99} ms`);
  } finally {
    await service.stop();
    await stopAll([bare]);
  }
  return out;
}
