import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/db/embedded.ts';

const exec = promisify(execFile);

/**
 * Real Postgres processes beside the suite's own server, from Debian's packages: a primary and
 * a hot standby streaming from it (postgresql-15), and PgBouncer (pgbouncer). `.ci/run`
 * installs both; without them the tests that need them are skipped, saying which package.
 */

/** The bin directory of the newest Debian Postgres, when postgresql-NN is installed. */
export function debianPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'pg_basebackup')));
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? path.join(root, newest, 'bin') : undefined;
}

export const PGBOUNCER = '/usr/sbin/pgbouncer';
export const pgbouncerInstalled = () => existsSync(PGBOUNCER);

const asRoot = process.getuid?.() === 0;

/** Runs a Postgres tool as the `postgres` user when we are root (Postgres refuses root). */
async function runAsPostgres(cmd: string, args: string[]): Promise<void> {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  await exec(file, argv, { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
}

async function ownedDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  if (asRoot) {
    const { stdout } = await exec('id', ['-u', 'postgres']);
    const { stdout: gid } = await exec('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout), Number(gid));
  }
  return dir;
}

export interface Cluster {
  port: number;
  dir: string;
  /** A superuser URL of database `db` (default postgres). */
  url(db?: string): string;
  stop(): Promise<void>;
  /** Stops and deletes the cluster. */
  destroy(): Promise<void>;
}

function cluster(bin: string, dir: string, port: number): Cluster {
  const data = path.join(dir, 'data');
  let stopped = false;
  return {
    port,
    dir,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await runAsPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    },
    async destroy() {
      await this.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const SETTINGS = (port: number, dir: string) => `
port = ${port}
listen_addresses = '127.0.0.1'
unix_socket_directories = '${dir}'
wal_level = replica
max_wal_senders = 5
hot_standby = on
hot_standby_feedback = on
wal_receiver_status_interval = 1s
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
`;

/** A fresh primary (trust authentication on loopback, replication allowed). */
export async function startPrimary(bin: string): Promise<Cluster> {
  const dir = await ownedDir('aftercare-primary-');
  const data = path.join(dir, 'data');
  const port = await freePort();
  await runAsPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  await appendFile(path.join(data, 'postgresql.conf'), SETTINGS(port, dir));
  await runAsPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', 'start']);
  return cluster(bin, dir, port);
}

/** A hot standby of `primary`, made by pg_basebackup (-R writes standby.signal and primary_conninfo). */
export async function startStandby(bin: string, primary: Cluster): Promise<Cluster> {
  const dir = await ownedDir('aftercare-standby-');
  const data = path.join(dir, 'data');
  const port = await freePort();
  await runAsPostgres(path.join(bin, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
  await appendFile(path.join(data, 'postgresql.auto.conf'), `\nport = ${port}\nunix_socket_directories = '${dir}'\n`);
  await runAsPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', 'start']);
  return cluster(bin, dir, port);
}

export interface Bouncer {
  port: number;
  url(db: string): string;
  stop(): Promise<void>;
}

/** PgBouncer in transaction pooling mode in front of `server` (host, port, user, password). */
export async function startPgBouncer(server: URL, poolSize = 8): Promise<Bouncer> {
  const dir = await ownedDir('aftercare-pgbouncer-');
  const port = await freePort();
  const password = decodeURIComponent(server.password);
  const config = path.join(dir, 'pgbouncer.ini');
  await writeFile(
    config,
    `[databases]
* = host=${server.hostname} port=${server.port} user=${decodeURIComponent(server.username)}${password ? ` password=${password}` : ''}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = ${poolSize}
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options
logfile = ${path.join(dir, 'pgbouncer.log')}
`,
  );
  if (asRoot) await exec('chmod', ['a+r', config]);
  const child: ChildProcess = spawn(asRoot ? 'runuser' : PGBOUNCER, asRoot ? ['-u', 'postgres', '--', PGBOUNCER, config] : [config], { stdio: 'ignore' });
  // Ready when it accepts a connection.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      import('node:net').then(({ default: net }) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.end();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error('pgbouncer did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url: (db) => `postgres://${server.username}@127.0.0.1:${port}/${db}`,
    async stop() {
      child.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
