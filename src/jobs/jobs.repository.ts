import type { Selectable } from 'kysely';
import type { Db, JobRunsTable } from '../db/types.ts';

export const RUN_COLUMNS = ['id', 'job_name', 'tick', 'trigger', 'instance', 'status', 'started_at', 'finished_at', 'counts', 'error'] as const;
export type RunRow = Pick<Selectable<JobRunsTable>, (typeof RUN_COLUMNS)[number]>;

/** The latest run of each job, in one query. */
export async function lastRuns(db: Db, names: string[]): Promise<RunRow[]> {
  if (names.length === 0) return [];
  return db
    .selectFrom('job_runs')
    .distinctOn('job_name')
    .select(RUN_COLUMNS)
    .where('job_name', 'in', names)
    .orderBy('job_name')
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function runsOf(db: Db, name: string, limit: number, before?: { started_at: Date; id: string }): Promise<RunRow[]> {
  let q = db.selectFrom('job_runs').select(RUN_COLUMNS).where('job_name', '=', name);
  if (before) q = q.where((eb) => eb.or([eb('started_at', '<', before.started_at), eb.and([eb('started_at', '=', before.started_at), eb('id', '<', before.id)])]));
  return q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
}

export async function findRun(db: Db, id: string): Promise<RunRow | undefined> {
  return db.selectFrom('job_runs').select(RUN_COLUMNS).where('id', '=', id).executeTakeFirst();
}
