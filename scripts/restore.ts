// npm run restore: brings a backup made by npm run backup into an empty DATA_DIR. The next
// start of the service (npm start with that DATA_DIR) replays the backup's WAL and opens the
// database as it stood when the backup ended.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { commandLine, run } from './cli.ts';

const exec = promisify(execFile);

const { positionals } = commandLine(
  `
usage: npm run restore -- FILE

Restores FILE (a .tar.gz from npm run backup) into DATA_DIR, which must not hold a database
yet (restore into a new directory, then point the service at it). Start the service on it
afterwards: it finishes the restore on start-up. For an external Postgres use pg_restore on
the .dump file (see the README).`,
  {},
  true,
);

await run(async () => {
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new Error('give one backup file: npm run restore -- FILE');
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  const dataDir = path.resolve(loadConfig().DATA_DIR);
  const pgdata = path.join(dataDir, 'pg');
  if (existsSync(pgdata) && readdirSync(pgdata).length > 0) throw new Error(`${dataDir} already holds a database; restore into an empty DATA_DIR`);
  await mkdir(dataDir, { recursive: true });
  await exec('tar', ['-C', dataDir, '-xzf', path.resolve(file)]);
  if (!existsSync(path.join(pgdata, 'backup_label'))) throw new Error(`${file} is not a backup made by npm run backup`);
  // Postgres wants its directory private, and owned by the user it runs as (postgres under root).
  await chmod(pgdata, 0o700);
  if (process.getuid?.() === 0) {
    const uid = Number((await exec('id', ['-u', 'postgres'])).stdout);
    const gid = Number((await exec('id', ['-g', 'postgres'])).stdout);
    await exec('chown', ['-R', `${uid}:${gid}`, pgdata]);
    await chmod(dataDir, 0o711);
  }
  console.log(`Restored ${file} into ${dataDir}. Start the service with DATA_DIR=${dataDir}: it replays the backup's WAL first.`);
});
