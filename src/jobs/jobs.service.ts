import cron from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/types.ts';
import { runTick, type JobDefinition } from './scheduler.ts';
import { conflict, notFound } from '../domain/errors.ts';
import { decodeCursor, encodeCursor, type TimedCursor } from '../db/pagination.ts';
import * as repo from './jobs.repository.ts';

export interface JobDeps {
  db: Db;
  clock: Clock;
  jobs: JobDefinition[];
  log: Logger;
}

export function presentRun(r: repo.RunRow) {
  const counts = { ...(r.counts as Record<string, number>) };
  const duration = typeof counts.duration_ms === 'number' ? counts.duration_ms : null;
  delete counts.duration_ms;
  return {
    id: r.id,
    job: r.job_name,
    tick: r.tick.toISOString(),
    trigger: r.trigger,
    instance: r.instance,
    status: r.status,
    started_at: r.started_at.toISOString(),
    finished_at: r.finished_at?.toISOString() ?? null,
    duration_ms: duration,
    counts,
    error: r.error,
  };
}

/** The next second matching the expression after `from`, in the process's local time as node-cron reads it. */
export function nextRun(schedule: string, from: Date): string | null {
  const f = cron.parse(schedule);
  const has = (list: (number | string)[], v: number) => list.some((x) => Number(x) === v);
  const t = new Date(from.getTime() - (from.getTime() % 60_000));
  for (let i = 0; i < 366 * 24 * 60; i++, t.setTime(t.getTime() + 60_000)) {
    if (!has(f.month, t.getMonth() + 1) || !has(f.dayOfMonth, t.getDate()) || !(has(f.dayOfWeek, t.getDay()) || (t.getDay() === 0 && has(f.dayOfWeek, 7)))) continue;
    if (!has(f.hour, t.getHours()) || !has(f.minute, t.getMinutes())) continue;
    const second = f.second.map(Number).sort((a, b) => a - b).find((s) => t.getTime() + s * 1000 > from.getTime());
    if (second !== undefined) return new Date(t.getTime() + second * 1000).toISOString();
  }
  return null;
}

function jobNamed(deps: JobDeps, name: string): JobDefinition {
  const job = deps.jobs.find((j) => j.name === name);
  if (!job) throw notFound('Job', name);
  return job;
}

export async function listJobs(deps: JobDeps) {
  const last = new Map((await repo.lastRuns(deps.db, deps.jobs.map((j) => j.name))).map((r) => [r.job_name, r]));
  const now = deps.clock.now();
  return {
    data: deps.jobs.map((j) => {
      const run = last.get(j.name);
      return { name: j.name, schedule: j.schedule, next_run_at: nextRun(j.schedule, now), last_run: run ? presentRun(run) : null };
    }),
  };
}

/** Runs a job now, through the same claim as a scheduled tick (the claim is on this millisecond). */
export async function runNow(deps: JobDeps, name: string) {
  const job = jobNamed(deps, name);
  const result = await runTick({ db: deps.db, clock: deps.clock, log: deps.log }, job, deps.clock.now(), 'manual').catch((err: Error) => ({ failed: err }));
  if (result === null) throw conflict(`Job ${name} was started by someone else at this instant; see its runs.`);
  if ('failed' in result) {
    const failed = (await repo.runsOf(deps.db, name, 1))[0];
    return presentRun(failed!);
  }
  return presentRun((await repo.findRun(deps.db, result.id))!);
}

export async function listRuns(deps: JobDeps, name: string, q: { limit?: number; cursor?: string }) {
  jobNamed(deps, name);
  const limit = q.limit ?? 50;
  // The runs page by (started_at, id), newest first: the same cursor shape as an updated_since list.
  const cursor = decodeCursor(q.cursor, 'updated') as TimedCursor | undefined;
  const rows = await repo.runsOf(deps.db, name, limit, cursor ? { started_at: new Date(cursor.t), id: cursor.id } : undefined);
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return { data: data.map(presentRun), next_cursor: rows.length > limit && last ? encodeCursor({ s: 'updated', t: last.started_at.toISOString(), id: last.id }) : null };
}
