import { sql } from 'kysely';
import type pg from 'pg';
import client from 'prom-client';
import type { Db } from './types.ts';

/** The gauges of one scrape (and scrapes within this many ms) share one reading of the database. */
const FRESH_MS = 500;

/** A reading taken at most once per FRESH_MS, however many gauges and scrapes ask for it. */
function memo<T>(read: () => Promise<T>): () => Promise<T> {
  let at = 0;
  let value: Promise<T> | undefined;
  return () => {
    if (!value || performance.now() - at > FRESH_MS) {
      at = performance.now();
      value = read().catch((err: unknown) => {
        value = undefined;
        throw err;
      });
    }
    return value;
  };
}

/**
 * What operations teams watch, read from the database at scrape time (the same figures from
 * every instance: use max() across instances, not sum()): open tickets by status and priority,
 * SLA clocks not yet completed by metric and state, events not yet numbered (the outbox
 * backlog); and this instance's connection pool.
 */
export function databaseMetrics(db: Db, pool?: pg.Pool): client.Metric[] {
  const open = memo(async () =>
    (await sql<{ status: string; priority: string; n: number }>`
      select status, priority, count(*)::int as n from tickets where status not in ('resolved', 'closed', 'cancelled') group by 1, 2`.execute(db)).rows,
  );
  const clocks = memo(async () =>
    (await sql<{ metric: string; state: string; n: number }>`
      select metric, state, count(*)::int as n from ticket_sla where completed_at is null group by 1, 2`.execute(db)).rows,
  );
  const backlog = memo(async () => {
    const { rows } = await sql<{ n: number; oldest: number | null }>`
      select count(*)::int as n, extract(epoch from clock_timestamp() - min(occurred_at))::float8 as oldest from events where position is null`.execute(db);
    return rows[0]!;
  });
  const metrics: client.Metric[] = [
    new client.Gauge({
      name: 'aftercare_tickets_open',
      help: 'Tickets not resolved, closed or cancelled, by status and priority',
      labelNames: ['status', 'priority'],
      registers: [],
      async collect() {
        this.reset();
        for (const r of await open()) this.set({ status: r.status, priority: r.priority }, r.n);
      },
    }),
    new client.Gauge({
      name: 'aftercare_sla_clocks',
      help: 'SLA clocks not completed, by metric and state (running, paused, breached)',
      labelNames: ['metric', 'state'],
      registers: [],
      async collect() {
        this.reset();
        for (const r of await clocks()) this.set({ metric: r.metric, state: r.state }, r.n);
      },
    }),
    new client.Gauge({
      name: 'aftercare_outbox_backlog',
      help: 'Events committed but not yet numbered into the feed (the sequencer numbers them on the next feed read or delivery run)',
      registers: [],
      async collect() {
        this.set((await backlog()).n);
      },
    }),
    new client.Gauge({
      name: 'aftercare_outbox_oldest_seconds',
      help: 'Age of the oldest event not yet numbered into the feed (0 when none)',
      registers: [],
      async collect() {
        this.set((await backlog()).oldest ?? 0);
      },
    }),
  ];
  if (pool) {
    metrics.push(
      new client.Gauge({
        name: 'aftercare_db_pool_connections',
        help: 'This instance\'s database connections by state: in_use, idle, and requests waiting for one',
        labelNames: ['state'],
        registers: [],
        collect() {
          this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
          this.set({ state: 'idle' }, pool.idleCount);
          this.set({ state: 'waiting' }, pool.waitingCount);
        },
      }),
      new client.Gauge({ name: 'aftercare_db_pool_max', help: 'The size of this instance\'s connection pool (DB_POOL_SIZE)', registers: [], collect() { this.set(pool.options.max ?? 10); } }),
    );
  }
  return metrics;
}
