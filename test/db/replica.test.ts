import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.ts';
import { freePort } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrator.ts';
import { client, newKey, ready, until } from '../helpers/core-flows.ts';
import { type Cluster, debianPostgresBin, startPrimary, startStandby } from '../helpers/debian-postgres.ts';
import { serverProcesses } from '../helpers/server-process.ts';

const bin = debianPostgresBin();
if (!bin) console.warn('skipping the read replica tests: they need Debian\'s postgresql-15 package (apt-get install -y postgresql-15; .ci/run installs it)');

/** A metric's value in a /metrics text (the first sample whose name and labels start so). */
function metric(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(sample + ' ') || l.startsWith(sample + '{'));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe.skipIf(!bin)('a streaming read replica (DATABASE_REPLICA_URL)', () => {
  const processes = serverProcesses();
  let primary: Cluster;
  let standby: Cluster;
  let standbyDb: Database;
  beforeAll(async () => {
    primary = await startPrimary(bin!);
    const admin = createDatabase(primary.url(), { poolSize: 1 });
    await sql`create database aftercare`.execute(admin.db);
    await admin.close();
    const db = createDatabase(primary.url('aftercare'), { poolSize: 2 });
    await migrateToLatest(db.db as never);
    await db.close();
    standby = await startStandby(bin!, primary);
    standbyDb = createDatabase(standby.url('aftercare'), { poolSize: 1 });
  }, 120_000);
  afterAll(async () => {
    processes.killAll();
    await standbyDb?.close();
    await standby?.destroy();
    await primary?.destroy();
  });

  it('serves lists and reports from the replica, a writer its own writes from the primary, and falls back to the primary when the replica stops', async () => {
    const key = newKey('replica');
    const port = await freePort();
    const proc = processes.start(
      {
        DATABASE_URL: primary.url('aftercare'),
        DATABASE_REPLICA_URL: standby.url('aftercare'),
        REPLICA_MAX_LAG_SECONDS: '3600',
        REPLICA_STICKY_SECONDS: '5',
        PORT: String(port),
        BOOTSTRAP_API_KEY: key,
        CRON_ENABLED: 'false',
      },
      'info',
    );
    const base = `http://127.0.0.1:${port}`;
    await ready(base);
    const admin = client(base, key);
    const made = await admin('POST', '/v1/api-keys', { name: 'dashboard', role: 'analyst' });
    expect(made.status, made.text).toBe(201);
    const reader = client(base, made.body.secret);
    const listed = async (as: typeof reader, region: string) =>
      ((await as('GET', `/v1/customers?region=${region}`)).body.data as { name: string }[] | undefined)?.map((c) => c.name) ?? [];

    // Replication works: what the primary took reaches the reader's list.
    expect((await admin('POST', '/v1/customers', { name: 'First', region: 'replica' })).status).toBe(201);
    await until('the first customer replicated', async () => ((await listed(reader, 'replica')).includes('First') ? true : undefined), 20_000);

    // The standby stops replaying: the primary moves on, the reader's lists do not.
    await sql`select pg_wal_replay_pause()`.execute(standbyDb.db);
    const second = await admin('POST', '/v1/customers', { name: 'Second', region: 'replica' });
    expect(second.status).toBe(201);
    expect(await listed(reader, 'replica')).toEqual(['First']);
    // One resource by id, and everything the writer lists right after its change, come from the primary.
    expect((await reader('GET', `/v1/customers/${second.body.id}`)).status).toBe(200);
    expect((await listed(admin, 'replica')).sort()).toEqual(['First', 'Second']);
    // Reports and the event feed read the replica too (they answer from it).
    expect((await reader('GET', '/v1/reports/kpis?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z')).status).toBe(200);
    expect((await reader('GET', '/v1/events?limit=5')).status).toBe(200);
    const lagging = await until(
      'the lag measured',
      async () => {
        const text = (await admin('GET', '/metrics')).text;
        return (metric(text, 'aftercare_replica_lag_seconds') ?? 0) > 0 ? text : undefined;
      },
      15_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${(await admin('GET', '/metrics')).text.split('\n').filter((l) => l.includes('replica') || l.includes('read_')).join('\n')}\n${proc.output()}`);
    });
    expect(metric(lagging, 'aftercare_replica_up')).toBe(1);
    expect(metric(lagging, 'aftercare_read_connections_total{database="replica"}')).toBeGreaterThan(0);

    // Replaying again, it catches up.
    await sql`select pg_wal_replay_resume()`.execute(standbyDb.db);
    await until('the second customer replicated', async () => ((await listed(reader, 'replica')).includes('Second') ? true : undefined), 20_000);

    // The replica goes away: every read goes on, served by the primary.
    await standbyDb.close();
    await standby.stop();
    const third = await admin('POST', '/v1/customers', { name: 'Third', region: 'replica' });
    expect(third.status).toBe(201);
    const stopped = performance.now();
    for (let i = 0; i < 5; i++) {
      const res = await reader('GET', '/v1/customers?region=replica');
      expect(res.status, res.text).toBe(200);
    }
    const fallbackMs = (performance.now() - stopped) / 5;
    expect((await listed(reader, 'replica')).sort()).toEqual(['First', 'Second', 'Third']);
    const down = (await admin('GET', '/metrics')).text;
    expect(metric(down, 'aftercare_replica_up')).toBe(0);
    expect(metric(down, 'aftercare_read_connections_total{database="primary"}')).toBeGreaterThan(0);
    expect(proc.output()).toContain('read replica unreachable');
    console.log(
      `replica routing: reads served by the replica ${metric(lagging, 'aftercare_read_connections_total{database="replica"}')}, by the primary ${metric(down, 'aftercare_read_connections_total{database="primary"}')}; ` +
        `lag while replay was paused ${metric(lagging, 'aftercare_replica_lag_seconds')} s; first five list reads after the replica stopped: ${fallbackMs.toFixed(1)} ms each, all 200`,
    );
  }, 120_000);
});
