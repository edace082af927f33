import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import client from 'prom-client';
import type { Database } from './database.ts';
import type { DB, Db } from './types.ts';

export interface ReplicaOptions {
  poolSize: number;
  /** A replica further behind than this serves nothing: its reads go to the primary. */
  maxLagSeconds: number;
  /** How often the replica's health and lag are probed. */
  probeMs?: number;
  log?: Logger;
}

/**
 * Reads on a streaming replica, with the primary behind it. `db` is a Kysely whose connections
 * come from the replica while it answers and keeps within maxLagSeconds, and from the primary
 * otherwise: a replica that refuses a connection is marked down at once and its reads go to
 * the primary, and the probe (every couple of seconds) brings it back. Only reads that can be
 * a little behind use it (lists, the event feed, reports); every change and every read of one
 * resource use the primary. Lag and health are gauges on /metrics.
 */
export class ReplicaReads {
  readonly db: Db;
  readonly #replica: pg.Pool;
  readonly #primary: Database;
  readonly #opts: ReplicaOptions;
  #up = false;
  #lagSeconds = Number.POSITIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #probing: Promise<void> | undefined;
  readonly metrics: client.Metric[];
  readonly #served: client.Counter<'database'>;

  constructor(primary: Database, replicaUrl: string, opts: ReplicaOptions) {
    this.#primary = primary;
    this.#opts = opts;
    this.#replica = new pg.Pool({
      connectionString: replicaUrl,
      max: opts.poolSize,
      // A replica that does not answer quickly is skipped, not waited for.
      connectionTimeoutMillis: 1_000,
      idleTimeoutMillis: 30_000,
      application_name: 'aftercare-reads',
    });
    this.#replica.on('error', (err) => opts.log?.warn({ err: { message: err.message } }, 'idle replica connection lost'));
    this.#replica.on('connect', (c) => c.on('error', () => undefined));
    const routing = {
      connect: async () => {
        if (this.usable) {
          try {
            const conn = await this.#replica.connect();
            this.#served.inc({ database: 'replica' });
            return conn;
          } catch (err) {
            this.#markDown(err as Error);
          }
        }
        this.#served.inc({ database: 'primary' });
        return this.#primary.pool.connect();
      },
      end: async () => {},
      // Used by Kysely only to cancel a query, which the service never does.
      options: this.#replica.options,
    };
    this.db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: routing }) });
    const usable = () => this.usable;
    const lag = () => this.#lagSeconds;
    this.#served = new client.Counter({
      name: 'aftercare_read_connections_total',
      help: 'Connections taken for replica-eligible reads, by the database that served them',
      labelNames: ['database'],
      registers: [],
    });
    this.metrics = [
      this.#served,
      new client.Gauge({
        name: 'aftercare_replica_up',
        help: '1 while the read replica answers and is within REPLICA_MAX_LAG_SECONDS',
        registers: [],
        collect() {
          this.set(usable() ? 1 : 0);
        },
      }),
      new client.Gauge({
        name: 'aftercare_replica_lag_seconds',
        help: 'How far the read replica is behind the primary (seconds since its last replayed change, 0 when caught up; -1 when unreachable)',
        registers: [],
        collect() {
          this.set(Number.isFinite(lag()) ? lag() : -1);
        },
      }),
    ];
  }

  /** Whether reads go to the replica now. */
  get usable(): boolean {
    return this.#up && this.#lagSeconds <= this.#opts.maxLagSeconds;
  }

  get lagSeconds(): number {
    return this.#lagSeconds;
  }

  #markDown(err: Error): void {
    if (this.#up) this.#opts.log?.warn({ err: { message: err.message } }, 'read replica unreachable: reads go to the primary');
    this.#up = false;
    this.#lagSeconds = Number.POSITIVE_INFINITY;
  }

  /** Measures the replica once: reachable, and how far behind the primary it is. */
  async probe(): Promise<void> {
    this.#probing ??= (async () => {
      try {
        const { rows } = await this.#replica.query<{ replayed: string | null; since: number | null }>(
          `select coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())::text as replayed,
                  extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8 as since`,
        );
        const replica = rows[0]!;
        const { rows: behind } = await sql<{ bytes: number }>`
          select pg_wal_lsn_diff(pg_current_wal_lsn(), ${replica.replayed}::pg_lsn)::float8 as bytes`.execute(this.#primary.db);
        const wasUp = this.#up;
        this.#up = true;
        // Caught up: no lag, however long ago the last change was. Behind: the age of the
        // newest change it has replayed is how stale its answers can be.
        this.#lagSeconds = behind[0]!.bytes <= 0 ? 0 : Math.max(0, replica.since ?? 0);
        if (!wasUp) this.#opts.log?.info({ lag_seconds: this.#lagSeconds }, 'read replica answers');
      } catch (err) {
        this.#markDown(err as Error);
      } finally {
        this.#probing = undefined;
      }
    })();
    return this.#probing;
  }

  async start(): Promise<void> {
    await this.probe();
    this.#timer = setInterval(() => void this.probe(), this.#opts.probeMs ?? 2_000);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#probing;
    await this.#replica.end();
  }
}
