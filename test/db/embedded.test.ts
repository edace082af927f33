import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.ts';
import { DataDirInUseError, startEmbeddedPostgres } from '../../src/db/embedded.ts';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('embedded Postgres in DATA_DIR', () => {
  it('keeps its data across restarts and refuses a second owner of the directory', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aftercare-embedded-'));
    dirs.push(dir);
    const first = await startEmbeddedPostgres(dir, log);
    const db1 = createDatabase(first.url, { poolSize: 1 });
    await sql`create table kept (v text)`.execute(db1.db);
    await sql`insert into kept values ('still here')`.execute(db1.db);
    await db1.close();

    // Another process owning the directory: simulated with this process's parent, which is alive.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'aftercare.pid'), `${process.ppid}\n`);
    await expect(startEmbeddedPostgres(dir, log)).rejects.toThrow(DataDirInUseError);
    await expect(startEmbeddedPostgres(dir, log)).rejects.toThrow(/in use by another Aftercare process/);
    await writeFile(path.join(dir, 'aftercare.pid'), `${process.pid}\n`);
    await first.stop();

    const second = await startEmbeddedPostgres(dir, log);
    const db2 = createDatabase(second.url, { poolSize: 1 });
    const rows = await sql<{ v: string }>`select v from kept`.execute(db2.db);
    expect(rows.rows).toEqual([{ v: 'still here' }]);
    await db2.close();
    await second.stop();
  });

  it('takes over a Postgres left running by an owner that died', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aftercare-orphan-'));
    dirs.push(dir);
    const first = await startEmbeddedPostgres(dir, log);
    // The owner vanished without stopping Postgres (kill -9): its pid file names a dead process.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'aftercare.pid'), '2147483646\n');
    const second = await startEmbeddedPostgres(dir, log);
    const db = createDatabase(second.url, { poolSize: 1 });
    expect((await sql<{ one: number }>`select 1 as one`.execute(db.db)).rows[0]!.one).toBe(1);
    await db.close();
    await second.stop();
    await first.stop();
  });
});
