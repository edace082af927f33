import pino from 'pino';
import { spawn } from 'node:child_process';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { createDatabase } from '../src/db/database.ts';
import { sql } from 'kysely';
import autocannon from 'autocannon';
const pg = await startEmbeddedPostgres('.bench', pino({ level: 'silent' }));
const d = createDatabase(pg.url);
const ids = (await sql<{ id: string }>`select id from tickets order by random() limit 2000`.execute(d.db)).rows.map((r) => r.id);
const busiest = (await sql<{ technician_id: string }>`select technician_id from tickets where status = 'closed' group by technician_id order by count(*) desc limit 1`.execute(d.db)).rows[0]!.technician_id;
const key = 'ak_profiling_key_000000000000000000';
const srv = spawn(process.execPath, ['--max-semi-space-size=8', '--max-old-space-size=160', '--cpu-prof', '--cpu-prof-dir=/tmp/prof', 'src/server.ts'], { env: { ...process.env, DATABASE_URL: pg.url, PORT: '3199', BOOTSTRAP_API_KEY: key, CRON_ENABLED: 'false', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000' }, stdio: 'inherit' });
for (let i = 0; i < 100; i++) { try { if ((await fetch('http://127.0.0.1:3199/readyz')).ok) break; } catch {} await new Promise((r) => setTimeout(r, 100)); }
const mode = process.argv[2];
const r = await autocannon({ url: 'http://127.0.0.1:3199', connections: 50, duration: 8, requests: [{ method: 'GET', headers: { authorization: `Bearer ${key}` }, setupRequest: (req: any) => ({ ...req, path: mode === 'list' ? `/v1/tickets?status=closed&technician_id=${busiest}&limit=50` : `/v1/tickets/${ids[Math.floor(Math.random() * ids.length)]}` }) }] });
console.log(mode, r.requests.average, r.latency.p50, r.latency.p99);
srv.kill('SIGTERM'); await new Promise((res) => srv.once('exit', res));
await d.close(); await pg.stop();
