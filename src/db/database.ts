import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DB } from './types.ts';

// 'YYYY-MM-DD' columns stay strings: a Date would shift them by the server's timezone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
// Counts come back as int8; they are far below 2^53 here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface Database {
  db: Kysely<DB>;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  poolSize?: number;
  log?: Logger;
  /** True while losing connections is expected (the service or its own Postgres stopping): said quietly then. */
  expectingLoss?: () => boolean;
}

export function createDatabase(connectionString: string, opts: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString,
    max: opts.poolSize ?? 20,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'aftercare',
  });
  // An idle client loses its server (restart, failover): log it and let the pool open a
  // fresh connection on the next query. Without this listener the process would crash.
  // Expected while stopping: Ctrl-C reaches the embedded Postgres too, which ends its sessions.
  pool.on('error', (err) => {
    if (opts.expectingLoss?.()) opts.log?.debug({ err: { message: err.message } }, 'idle database connection closed while stopping');
    else opts.log?.warn({ err: { message: err.message } }, 'idle database connection lost');
  });
  // A server that goes away can make a client emit 'error' after the pool has let go of
  // it (the FATAL message, then the socket reset). Queries still get their own errors;
  // this listener only keeps a stray one from crashing the process.
  pool.on('connect', (client) => {
    client.on('error', (err) => opts.log?.debug({ err: { message: err.message } }, 'database connection error'));
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    async close() {
      // A request whose client hung up keeps running after the HTTP server has closed; let
      // such handlers finish their queries (the pool quiet for 200 ms, at most 10 s) instead
      // of failing them against a destroyed pool.
      const deadline = performance.now() + 10_000;
      let quietSince = performance.now();
      while (performance.now() < deadline && performance.now() - quietSince < 200) {
        if (pool.totalCount - pool.idleCount > 0 || pool.waitingCount > 0) quietSince = performance.now();
        await new Promise((r) => setTimeout(r, 20));
      }
      await db.destroy();
    },
  };
}
