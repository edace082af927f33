import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.ts';
import { freePort, runningEmbeddedUrl } from '../../src/db/embedded.ts';
import { client, newKey, ready, until } from '../helpers/core-flows.ts';
import { serverProcesses } from '../helpers/server-process.ts';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const processes = serverProcesses();
const dirs: string[] = [];
afterAll(async () => {
  processes.killAll();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function counts(url: string, tickets: string[]) {
  const db = createDatabase(url, { poolSize: 1 });
  try {
    const { rows } = await sql<{ tickets: number; clocks: number; events: number; timeline: number }>`
      select (select count(*)::int from tickets where id = any(${tickets}::uuid[])) as tickets,
             (select count(*)::int from ticket_sla where ticket_id = any(${tickets}::uuid[])) as clocks,
             (select count(*)::int from events where resource_id = any(${tickets}::uuid[])) as events,
             (select count(*)::int from ticket_timeline where ticket_id = any(${tickets}::uuid[])) as timeline`.execute(db.db);
    return rows[0]!;
  } finally {
    await db.close();
  }
}

describe('npm run backup / npm run restore (the embedded database)', () => {
  it('backs up while the service takes writes, and a fresh DATA_DIR restored from it has every ticket, clock and event', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'aftercare-backup-test-'));
    dirs.push(work);
    // Under root the embedded Postgres runs as the postgres user, which must pass through.
    await chmod(work, 0o711);
    const dataDir = path.join(work, 'data');
    const key = newKey('backup');
    const port = await freePort();
    const service = processes.start({ DATA_DIR: dataDir, PORT: String(port), BOOTSTRAP_API_KEY: key, CRON_ENABLED: 'false' }, 'warn');
    const base = `http://127.0.0.1:${port}`;
    await ready(base);
    const call = client(base, key);
    const customer = (await call('POST', '/v1/customers', { name: 'Backed up', region: 'east' })).body;
    const create = async (subject: string) => {
      const res = await call('POST', '/v1/tickets', { customer_id: customer.id, type: 'repair', channel: 'phone', priority: 'high', category: 'lock', subject });
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    const before: string[] = [];
    for (let i = 0; i < 40; i++) before.push(await create(`Before ${i}`));
    await call('POST', `/v1/tickets/${before[0]}/notes`, { kind: 'call', visibility: 'customer', body: 'Called' });
    const expected = await counts(runningEmbeddedUrl(dataDir)!, before);

    // Writes go on while the backup runs.
    let writing = true;
    const during: string[] = [];
    const writer = (async () => {
      while (writing) during.push(await create('During'));
    })();
    const file = path.join(work, 'aftercare.tar.gz');
    const { stdout } = await exec(process.execPath, ['scripts/backup.ts', '--out', file], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' } });
    expect(stdout).toMatch(/Backed up .* to .*aftercare\.tar\.gz/);
    writing = false;
    await writer;
    service.child.kill('SIGTERM');
    await service.exited;

    // Restore into a fresh DATA_DIR, start the service there.
    const restored = path.join(work, 'restored');
    const restore = await exec(process.execPath, ['scripts/restore.ts', file], { cwd: ROOT, env: { ...process.env, DATA_DIR: restored } });
    expect(restore.stdout).toContain('Restored');
    // A second restore into the same place is refused.
    await expect(exec(process.execPath, ['scripts/restore.ts', file], { cwd: ROOT, env: { ...process.env, DATA_DIR: restored } })).rejects.toThrow(/already holds a database/);
    const port2 = await freePort();
    processes.start({ DATA_DIR: restored, PORT: String(port2), CRON_ENABLED: 'false' }, 'warn');
    const base2 = `http://127.0.0.1:${port2}`;
    await ready(base2);
    const url = await until('the restored database', async () => runningEmbeddedUrl(restored), 10_000);
    expect(await counts(url, before)).toEqual(expected);
    // The same key works, and the tickets read as before; what was written during the backup is
    // there up to where the backup ended, each ticket whole (with its clocks) or not at all.
    const again = client(base2, key);
    for (const id of [before[0]!, before.at(-1)!]) expect((await again('GET', `/v1/tickets/${id}`)).status).toBe(200);
    const partial = await counts(url, during);
    expect(partial.clocks).toBe(partial.tickets * (expected.clocks / expected.tickets));
    // And it takes new writes.
    expect((await again('POST', '/v1/tickets', { customer_id: customer.id, type: 'repair', channel: 'phone', priority: 'high', category: 'lock', subject: 'After' })).status).toBe(201);
  }, 180_000);
});
