// npm run bench:compare -- <other checkout>: the ticket routes of this checkout and of another
// (an earlier commit, say, in a git worktree with its dependencies installed) served side by
// side from the same database, loaded in turns (A B, B A, A B ...), so both meet the same data, the
// same autovacuum and the same neighbours on a shared machine. Prints req/s per round and
// the ratio of the medians. Uses the database `npm run bench` seeded (.bench, kept), or
// DATABASE_URL.
//
//   BENCH_SECONDS per round (default 10)   BENCH_ROUNDS rounds per side (default 3)   BENCH_CONNECTIONS (default 50)
//   BENCH_LOAD   only the loads whose name contains this (e.g. 'GET /v1/tickets/{id}')
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pino from 'pino';
import { createDatabase } from '../src/db/database.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { startService, stopAll } from './bench-service.ts';
import { commandLine } from './cli.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ONLY = process.env.BENCH_LOAD;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const usage = `
usage: npm run bench:compare -- <path of another checkout>

Serves the ticket routes of this checkout and of the other from the same database (.bench,
seeded by npm run bench, or DATABASE_URL), loads them in turns and prints req/s per round and
the ratio of the medians. BENCH_SECONDS per round (10), BENCH_ROUNDS per side (3),
BENCH_CONNECTIONS (50), BENCH_LOAD: only the loads whose name contains it.`;
const other = commandLine(usage, {}, true).positionals[0];
if (!other) {
  console.error(usage.trim());
  process.exit(2);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  let url = process.env.DATABASE_URL;
  const pg = url ? undefined : await startEmbeddedPostgres(path.join(ROOT, '.bench'), pino({ level: 'warn' }));
  url ??= pg!.url;
  const database = createDatabase(url, { poolSize: 2 });
  const secret = `ak_bench_${randomBytes(24).toString('base64url')}`;
  const env = { DATABASE_URL: url, BOOTSTRAP_API_KEY: secret, CRON_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '100000000' };
  const here = await startService(ROOT, env);
  const there = await startService(path.resolve(other!), env);
  try {
    const ids = (await sql<{ id: string }>`select id from tickets order by random() limit 5000`.execute(database.db)).rows.map((r) => r.id);
    const customers = (await sql<{ id: string }>`select id from customers order by random() limit 5000`.execute(database.db)).rows.map((r) => r.id);
    if (ids.length === 0) throw new Error('no tickets: seed with `BENCH_ONLY=tickets npm run bench` first (BENCH_REUSE=1 keeps it)');
    const busiest = (await sql<{ technician_id: string }>`select technician_id from tickets where status = 'closed' group by technician_id order by count(*) desc limit 1`.execute(database.db)).rows[0]!.technician_id;
    const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
    const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    let seq = 0;
    const loads: Record<string, (base: string) => autocannon.Options> = {
      'GET /v1/tickets/{id}': (base) => ({ url: base, requests: [{ method: 'GET', headers: auth, setupRequest: (r) => ({ ...r, path: `/v1/tickets/${pick(ids)}` }) }] }),
      'GET /v1/tickets?status&technician_id': (base) => ({ url: base, requests: [{ method: 'GET', headers: auth, path: `/v1/tickets?status=closed&technician_id=${busiest}&limit=50` }] }),
      'POST /v1/tickets': (base) => ({
        url: base,
        requests: [{
          method: 'POST', path: '/v1/tickets', headers: auth,
          setupRequest: (r) => ({ ...r, body: JSON.stringify({ customer_id: pick(customers), type: 'repair', channel: 'phone', category: `cat${seq % 20}`, subject: `Compare ${++seq}` }) }),
        }],
      }),
    };
    console.log(`\nthis checkout (A) and ${other} (B), ${ROUNDS} rounds of ${SECONDS} s each, ${CONNECTIONS} connections\n`);
    for (const [name, opts] of Object.entries(loads).filter(([n]) => !ONLY || n.includes(ONLY))) {
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        // A B, then B A: neither side always runs first (warmer caches, a quieter neighbour).
        const sides = [['A', here, a], ['B', there, b]] as const;
        for (const [side, svc, out] of i % 2 === 0 ? sides : [...sides].reverse()) {
          const r = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts(svc.url) });
          out.push(r.requests.average);
          console.log(`  ${name.padEnd(38)} ${side} round ${i + 1}: ${r.requests.average.toFixed(0).padStart(6)} req/s  p99 ${r.latency.p99} ms${r.non2xx ? `  (non-2xx ${r.non2xx})` : ''}`);
        }
      }
      console.log(`  ${name.padEnd(38)} median A ${median(a).toFixed(0)}, B ${median(b).toFixed(0)} req/s: A/B ${(median(a) / median(b)).toFixed(2)}\n`);
    }
  } finally {
    await stopAll([here.child, there.child]);
    await database.close();
    await pg?.stop();
  }
}

await main();
