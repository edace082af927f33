import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/types.ts';
import { newId } from '../lib/ids.ts';
import { jobDuration, jobItems } from './job-metrics.ts';
import { claimTick, finishRun } from './jobs.repository.ts';

export interface JobDefinition {
  name: string;
  /** node-cron expression; six fields allow seconds. */
  schedule: string;
  run(ctx: { db: Db; clock: Clock; log: Logger }): Promise<Record<string, number>>;
  /**
   * A cheap look, before a scheduled tick is claimed, at whether there is anything to do
   * (one read, no write). When it says no, the tick is skipped: no claim, no run recorded,
   * only aftercare_job_duration_seconds{status="idle"}. Lets a job run every second for
   * the price of that read. Manual runs always run.
   */
  idle?(ctx: { db: Db; clock: Clock }): Promise<boolean>;
}

export const INSTANCE = `${hostname()}:${process.pid}`;

/**
 * Runs one tick of a job if this caller wins the claim. The (job_name, tick) primary key is
 * the claim: every instance firing the same scheduled second inserts the same row, one
 * insert succeeds, the others do nothing. Returns null when another instance has the tick,
 * or when a scheduled tick found nothing to do (the job's `idle` look).
 */
export async function runTick(
  deps: { db: Db; clock: Clock; log: Logger },
  job: JobDefinition,
  tick: Date,
  trigger: 'schedule' | 'manual',
): Promise<{ id: string; counts: Record<string, number> } | null> {
  const { db, clock, log } = deps;
  if (trigger === 'schedule' && job.idle) {
    const looked = performance.now();
    if (await job.idle({ db, clock })) {
      jobDuration.observe({ job: job.name, status: 'idle' }, (performance.now() - looked) / 1000);
      return null;
    }
  }
  const id = newId();
  const claimed = await claimTick(db, { id, job_name: job.name, tick, trigger, instance: INSTANCE, started_at: clock.now(), status: 'running', counts: '{}' });
  if (!claimed) return null;
  const started = performance.now();
  try {
    const counts = await job.run({ db, clock, log: log.child({ job: job.name }) });
    jobDuration.observe({ job: job.name, status: 'succeeded' }, (performance.now() - started) / 1000);
    for (const [count, n] of Object.entries(counts)) if (n > 0) jobItems.inc({ job: job.name, count }, n);
    await finishRun(db, id, { status: 'succeeded', finished_at: clock.now(), counts: { ...counts, duration_ms: Math.round(performance.now() - started) } });
    return { id, counts };
  } catch (err) {
    log.error({ job: job.name, err: { message: (err as Error).message } }, 'job failed');
    jobDuration.observe({ job: job.name, status: 'failed' }, (performance.now() - started) / 1000);
    await finishRun(db, id, { status: 'failed', finished_at: clock.now(), error: (err as Error).message.slice(0, 1000), counts: { duration_ms: Math.round(performance.now() - started) } }).catch(() => undefined);
    throw err;
  }
}

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(deps: { db: Db; clock: Clock; log: Logger }, jobs: JobDefinition[]): Scheduler {
  const tasks: ScheduledTask[] = [];
  const running = new Set<Promise<unknown>>();
  // Jobs with a tick still running in this instance: the next tick of the same job is
  // skipped (the running one works until nothing is left), so a slow run on a one-second
  // schedule never piles runs up on the connection pool. Other instances are not affected.
  const busy = new Set<string>();
  for (const job of jobs) {
    const task = cron.schedule(
      job.schedule,
      (context) => {
        if (busy.has(job.name)) return;
        busy.add(job.name);
        // The scheduled second, not the moment this instance woke up: all instances agree on it.
        const tick = new Date(Math.floor(context.date.getTime() / 1000) * 1000);
        const p = runTick(deps, job, tick, 'schedule')
          .catch(() => undefined)
          .finally(() => busy.delete(job.name));
        running.add(p);
        void p.finally(() => running.delete(p));
      },
      { name: job.name },
    );
    tasks.push(task);
  }
  return {
    async stop() {
      for (const t of tasks) await t.stop();
      await Promise.allSettled([...running]);
      for (const t of tasks) await t.destroy();
    },
  };
}
