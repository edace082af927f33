// Mixed load over time (part of `npm run bench`; alone with BENCH_ONLY=mixed): one service
// process as production runs it (cron on, every job at its default schedule), 20 connections
// each going round create a ticket, read a ticket, read a filtered list page, add a note to a
// ticket, for BENCH_MIXED_MINUTES (default 25). Requests are counted per second as they
// complete; the figure is req/s (and p99) in the last 3 minutes against the first 3: a
// service whose tables, timelines, clocks and event backlog grow under it should not slow.
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import type { Db } from '../src/db/types.ts';
import { rssMb, startService } from './bench-service.ts';

const MINUTES = Number(process.env.BENCH_MIXED_MINUTES ?? 25);
const WINDOW_S = Math.min(180, Math.floor((MINUTES * 60) / 3));

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

export async function benchMixed(db: Db, url: string, root: string): Promise<Record<string, number>> {
  console.log(`\nMixed load for ${MINUTES} minutes (create, get, list, note at 20 connections; cron on)\n`);
  // No webhook subscribers (an earlier part's receiver is gone), and the data as the service
  // keeps it: stopped clocks carry their business minutes (older seeds left them for the backfill).
  await sql`delete from webhooks`.execute(db);
  await sql`update ticket_sla set business_minutes = extract(epoch from completed_at - started_at) / 60 where completed_at is not null and business_minutes is null`.execute(db);
  const secret = `ak_bench_${randomBytes(24).toString('base64url')}`;
  const service = await startService(root, { DATABASE_URL: url, BOOTSTRAP_API_KEY: secret, CRON_ENABLED: 'true', RATE_LIMIT_PER_MINUTE: '100000000' });
  const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  let peak = rssMb(service.child.pid!);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(service.child.pid!))), 1000);
  try {
    const customers = (await sql<{ id: string }>`select id from customers where status <> 'erased' order by random() limit 2000`.execute(db)).rows.map((r) => r.id);
    const busiest = (await sql<{ technician_id: string }>`select technician_id from tickets where status = 'closed' and technician_id is not null group by technician_id order by count(*) desc limit 1`.execute(db)).rows[0]!.technician_id;
    // Tickets the reads and notes pick from: the ones this load creates, after a seeded start.
    const ids = (await sql<{ id: string }>`select id from tickets where status in ('new', 'assigned', 'in_progress') order by random() limit 2000`.execute(db)).rows.map((r) => r.id);
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    let seq = 0;
    const started = Date.now();
    const perSecond: { n: number; latencies: number[] }[] = [];
    let finish!: (r: autocannon.Result) => void;
    let fail!: (e: unknown) => void;
    const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
    const instance = autocannon({
      url: service.url,
      connections: 20,
      duration: MINUTES * 60,
      requests: [
        {
          method: 'POST',
          path: '/v1/tickets',
          headers: auth,
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ customer_id: customers[seq++ % customers.length], type: 'repair', channel: 'phone', category: `cat${seq % 20}`, subject: `Mixed load ${seq}` }) }),
          onResponse: (status, body) => {
            if (status === 201) ids.push((JSON.parse(body) as { id: string }).id);
          },
        },
        { method: 'GET', headers: auth, setupRequest: (req) => ({ ...req, path: `/v1/tickets/${pick()}` }) },
        { method: 'GET', headers: auth, path: `/v1/tickets?status=closed&technician_id=${busiest}&limit=50` },
        { method: 'POST', headers: auth, setupRequest: (req) => ({ ...req, path: `/v1/tickets/${pick()}/notes`, body: JSON.stringify({ kind: 'comment', visibility: 'internal', body: `Mixed load note ${seq}` }) }) },
      ],
    }, (err, r) => (err ? fail(err) : finish(r)));
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      const s = Math.floor((Date.now() - started) / 1000);
      (perSecond[s] ??= { n: 0, latencies: [] }).n++;
      perSecond[s].latencies.push(responseTime);
    });
    const result = await done;
    const window = (from: number, to: number) => {
      const secs = perSecond.slice(from, to);
      const lat = secs.flatMap((s) => s?.latencies ?? []).sort((a, b) => a - b);
      return { rps: lat.length / Math.max(1, to - from), p99: pct(lat, 99) };
    };
    const total = MINUTES * 60;
    const first = window(0, WINDOW_S);
    const last = window(total - WINDOW_S, total);
    const out = { firstRps: first.rps, lastRps: last.rps, firstP99: first.p99, lastP99: last.p99, ratio: last.rps / first.rps, peakRss: peak, non2xx: result.non2xx, errors: result.errors };
    const minute = (m: number) => window(m * 60, (m + 1) * 60).rps.toFixed(0);
    console.log(`  req/s by minute: ${Array.from({ length: MINUTES }, (_, m) => minute(m)).join(' ')}`);
    console.log(`  first ${WINDOW_S} s: ${first.rps.toFixed(0)} req/s, p99 ${first.p99.toFixed(0)} ms;  last ${WINDOW_S} s: ${last.rps.toFixed(0)} req/s, p99 ${last.p99.toFixed(0)} ms`);
    console.log(`  last / first ${out.ratio.toFixed(2)}   (aim >= 0.95);  ${result.non2xx} non-2xx, ${result.errors} errors;  service peak RSS ${peak.toFixed(0)} MB`);
    return out;
  } finally {
    clearInterval(sampler);
    await service.stop();
  }
}
