import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/types.ts';
import { probeDueClocks, recordSlaBatch } from '../modules/tickets/ticket.sla-commands.ts';

export interface SweepDeps {
  db: Db;
  clock: Clock;
  log: Logger;
}

export interface SweepOptions {
  /** Clocks handled per transaction. */
  batchSize: number;
  /** Batches run side by side, each on its own connection (default 1). */
  workers?: number;
}

export interface SweepCounts {
  breaches: number;
  warnings: number;
  priority_raised: number;
  escalated: number;
  batches: number;
}

/**
 * The sla-sweep: breaches first (a clock past due is not warned as well), then warnings,
 * each in batches until a batch comes back short. Everything is judged against one instant,
 * the run's start. Each batch is one transaction (ticket.sla-commands.ts: lock with SKIP
 * LOCKED, record, act, tell), so a run that dies loses at most the batch it was in, and the
 * next run finds exactly what is left.
 */
export async function sweepSla(deps: SweepDeps, opts: SweepOptions): Promise<SweepCounts> {
  const now = deps.clock.now();
  const counts: SweepCounts = { breaches: 0, warnings: 0, priority_raised: 0, escalated: 0, batches: 0 };
  // One probe of both indexes, outside any transaction: a run with nothing due costs one query.
  const pending = await probeDueClocks(deps.db, now);
  // Workers take batches side by side; SKIP LOCKED keeps them on different tickets. Each
  // stops when a batch comes back short (nothing left it could lock).
  const worker = async (kind: 'breach' | 'warning') => {
    for (;;) {
      const r = await deps.db.transaction().execute((tx) => recordSlaBatch(tx, kind, now, deps.clock.now(), opts.batchSize));
      if (r.candidates > 0) counts.batches++;
      if (kind === 'breach') counts.breaches += r.recorded;
      else counts.warnings += r.recorded;
      counts.priority_raised += r.priorityRaised;
      counts.escalated += r.escalated;
      if (r.candidates < opts.batchSize) break;
    }
  };
  for (const kind of ['breach', 'warning'] as const) {
    if (!pending[kind]) continue;
    await Promise.all(Array.from({ length: Math.max(1, opts.workers ?? 1) }, () => worker(kind)));
  }
  return counts;
}
