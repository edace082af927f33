// npm run backup: an online backup of the embedded database (DATA_DIR), taken while the
// service runs, as one .tar.gz that npm run restore brings back. Postgres's own low-level
// base backup (pg_backup_start / pg_backup_stop, the protocol pg_basebackup speaks), because
// the embedded build ships no pg_dump or pg_basebackup: the data directory is copied while
// a temporary replication slot keeps the WAL written meanwhile, then that WAL and the backup
// label go in with it, so the copy starts as the database stood when the backup ended.
// With DATABASE_URL (an external Postgres) it runs pg_dump --format=custom instead.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { commandLine, run } from './cli.ts';
import { withScriptDatabase } from './database.ts';

const exec = promisify(execFile);

const { values } = commandLine(
  `
usage: npm run backup -- [--out FILE]

Backs up the embedded database in DATA_DIR (while the service runs, or starting it for the
command) into FILE (default backups/aftercare-<time>.tar.gz). Restore it with npm run restore.
With DATABASE_URL set, runs pg_dump --format=custom on that database instead (FILE defaults
to backups/aftercare-<time>.dump; restore it with pg_restore, see the README).`,
  { out: { type: 'string' } },
);

const stamp = new Date().toISOString().replace(/[:.]/g, '-');

/** GNU tar; exit 1 ("file changed as we read it") is expected of a live data directory. */
async function tar(args: string[]): Promise<void> {
  try {
    await exec('tar', args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    if ((err as { code?: number }).code !== 1) throw err;
  }
}

/** What a base backup leaves out: the server's own runtime files, and WAL (added from the slot). */
const EXCLUDE = ['./postmaster.pid', './postmaster.opts', './pg_wal/*', './pg_replslot/*', './pg_stat_tmp/*', './pg_dynshmem/*', './pg_notify/*', './pg_serial/*', './pg_snapshots/*', './pg_subtrans/*'];

async function embeddedBackup(dataDir: string, url: string, out: string): Promise<void> {
  const pgdata = path.join(dataDir, 'pg');
  const staging = await mkdtemp(path.join(os.tmpdir(), 'aftercare-backup-'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Held by this session: WAL from here on stays until the backup has copied it.
    await client.query(`select pg_create_physical_replication_slot($1, true, true)`, [`aftercare_backup_${process.pid}`]);
    await client.query(`select pg_backup_start('aftercare backup', true)`);
    await mkdir(path.join(staging, 'pg'));
    await exec('bash', ['-c', `tar -C "${pgdata}" ${EXCLUDE.map((e) => `--exclude='${e}'`).join(' ')} --warning=no-file-changed --warning=no-file-removed --ignore-failed-read -cf - . | tar -C "${path.join(staging, 'pg')}" -xf -`], { maxBuffer: 64 * 1024 * 1024 }).catch((err: { code?: number }) => {
      if (err.code !== 1) throw err;
    });
    const { rows } = await client.query<{ lsn: string; labelfile: string; spcmapfile: string }>(`select lsn::text, labelfile, spcmapfile from pg_backup_stop(false)`);
    const { labelfile, spcmapfile, lsn } = rows[0]!;
    await writeFile(path.join(staging, 'pg', 'backup_label'), labelfile);
    if (spcmapfile) await writeFile(path.join(staging, 'pg', 'tablespace_map'), spcmapfile);
    // The WAL from the backup's start to its end: every segment file in that range.
    const first = /START WAL LOCATION: .* \(file ([0-9A-F]{24})\)/.exec(labelfile)?.[1];
    const { rows: last } = await client.query<{ file: string }>(`select pg_walfile_name($1::pg_lsn) as file`, [lsn]);
    if (!first) throw new Error('the backup label names no start WAL file');
    const wal = path.join(staging, 'pg', 'pg_wal');
    await mkdir(wal, { recursive: true });
    const segments = (await readdir(path.join(pgdata, 'pg_wal'))).filter((f) => /^[0-9A-F]{24}$/.test(f) && f >= first && f <= last[0]!.file);
    for (const f of segments) await copyFile(path.join(pgdata, 'pg_wal', f), path.join(wal, f));
    await copyFile(path.join(dataDir, 'pg-password'), path.join(staging, 'pg-password'));
    await mkdir(path.dirname(out), { recursive: true });
    await tar(['-C', staging, '-czf', out, '.']);
    console.log(`Backed up ${dataDir} to ${out} (consistent as of WAL ${lsn}, ${segments.length} WAL segment(s)).`);
  } finally {
    await client.end().catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
  }
}

await run(async () => {
  const config = loadConfig();
  const external = config.DATABASE_DIRECT_URL ?? config.DATABASE_URL;
  if (external) {
    const out = path.resolve(values.out ?? `backups/aftercare-${stamp}.dump`);
    await mkdir(path.dirname(out), { recursive: true });
    await exec('pg_dump', ['--format=custom', '--no-owner', `--file=${out}`, external]).catch((err: Error & { stderr?: string }) => {
      throw new Error(`pg_dump failed (it must be as new as the server): ${err.stderr?.trim() || err.message}`);
    });
    console.log(`Dumped the database to ${out}; restore it with pg_restore --clean --if-exists --no-owner -d "$DATABASE_URL" ${out}.`);
    return;
  }
  const dataDir = path.resolve(config.DATA_DIR);
  if (!existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))) throw new Error(`${dataDir} holds no embedded database to back up`);
  const out = path.resolve(values.out ?? `backups/aftercare-${stamp}.tar.gz`);
  // The running service's Postgres, or one started for the command.
  await withScriptDatabase((database) => embeddedBackup(dataDir, database.pool.options.connectionString!, out));
});
