// Webhook delivery (part of `npm run bench`; alone with BENCH_ONLY=webhooks): a service process
// with cron on (webhook-delivery every second) and a local receiver that answers 204 at once;
// tickets are created at a steady rate (BENCH_WEBHOOK_RATE per second, default 100) for the
// load's seconds. Prints the rate events were written, the rate they were delivered while the
// writes went on and until the last arrived, and the lag from an event's commit to its arrival.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { sequenceEvents } from '../src/db/outbox.ts';
import type { Db } from '../src/db/types.ts';
import { startService } from './bench-service.ts';

const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 100);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

export async function benchWebhooks(db: Db, url: string, root: string, seconds: number): Promise<Record<string, number>> {
  console.log('\nWebhook delivery\n');
  await sql`delete from webhooks`.execute(db);
  // Events earlier parts (or runs) wrote but nothing numbered yet would be numbered ahead of
  // this load's and count as its lag: number them first.
  let backlog = 0;
  for (let n = await sequenceEvents(db); n > 0; n = await sequenceEvents(db)) backlog += n;
  if (backlog) console.log(`  numbered ${backlog.toLocaleString('en')} events left unnumbered before the load`);
  const arrivals: { at: number; occurred: number }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c)).on('end', () => {
      const e = JSON.parse(body) as { occurred_at: string };
      arrivals.push({ at: Date.now(), occurred: Date.parse(e.occurred_at) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;
  const secret = `ak_bench_${randomBytes(24).toString('base64url')}`;
  const service = await startService(root, {
    DATABASE_URL: url, BOOTSTRAP_API_KEY: secret, CRON_ENABLED: 'true', RATE_LIMIT_PER_MINUTE: '100000000',
    WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_ALLOW_HTTP_HOSTS: '127.0.0.1', WEBHOOK_DELIVERY_SCHEDULE: '* * * * * *',
    // Only the delivery job matters here: the sweep and the others at their defaults.
  });
  const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  try {
    const res = await fetch(`${service.url}/v1/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ url: hook, events: ['ticket.created'] }) });
    if (res.status !== 201) throw new Error(`webhook: ${res.status} ${await res.text()}`);
    const customers = (await sql<{ id: string }>`select id from customers order by random() limit 1000`.execute(db)).rows.map((r) => r.id);
    let seq = 0;
    const started = Date.now();
    const load = await autocannon({
      url: service.url,
      connections: 10,
      duration: seconds,
      overallRate: RATE,
      requests: [{ method: 'POST', path: '/v1/tickets', headers: auth, setupRequest: (req) => ({ ...req, body: JSON.stringify({ customer_id: customers[seq++ % customers.length], type: 'repair', channel: 'phone', category: 'cat1', subject: `Webhook bench ${seq}` }) }) }],
    });
    const writeEnd = Date.now();
    // Counted in the database: a request the load generator gave up on may still have committed.
    const written = (await sql<{ n: number }>`select count(*)::int as n from events where type = 'ticket.created' and occurred_at >= ${new Date(started - 1000)}`.execute(db)).rows[0]!.n;
    if (load.errors || load.non2xx) console.log(`  (load: ${load.errors} errors, ${load.non2xx} non-2xx answers)`);
    const deadline = Date.now() + 120_000;
    while (arrivals.length < written && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const lags = arrivals.map((a) => a.at - a.occurred).sort((a, b) => a - b);
    const lastArrival = Math.max(...arrivals.map((a) => a.at));
    const out = {
      written,
      delivered: arrivals.length,
      writeRate: written / ((writeEnd - started) / 1000),
      deliverRate: arrivals.length / ((lastArrival - started) / 1000),
      lagP50: pct(lags, 50),
      lagP99: pct(lags, 99),
      drainMs: lastArrival - writeEnd,
    };
    console.log(`  tickets created (ticket.created events)   ${out.written}  at ${out.writeRate.toFixed(0)} /s`);
    console.log(`  delivered to the receiver                 ${out.delivered}  at ${out.deliverRate.toFixed(0)} /s   (ratio ${(out.deliverRate / out.writeRate).toFixed(2)})`);
    console.log(`  lag, commit to arrival                    p50 ${out.lagP50} ms  p99 ${out.lagP99} ms  (the job runs every second)`);
    console.log(`  last arrival after the last write         ${out.drainMs} ms`);
    return out;
  } finally {
    await service.stop();
    // Its receiver goes away: later parts (cron on) must not keep delivering to it.
    await sql`delete from webhooks`.execute(db);
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
}
