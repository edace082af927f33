import type { Insertable, Selectable } from 'kysely';
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

/** The claim of a tick: the first instance's insert succeeds, the others' do nothing (null). */
export async function claimTick(db: Db, run: Insertable<JobRunsTable>): Promise<boolean> {
  return (await db.insertInto('job_runs').values(run).onConflict((oc) => oc.columns(['job_name', 'tick']).doNothing()).returning('id').executeTakeFirst()) !== undefined;
}

export async function finishRun(db: Db, id: string, end: { status: 'succeeded' | 'failed'; finished_at: Date; counts: Record<string, number>; error?: string }): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({ status: end.status, finished_at: end.finished_at, counts: JSON.stringify(end.counts), ...(end.error !== undefined ? { error: end.error } : {}) })
    .where('id', '=', id)
    .execute();
}

/** Runs still marked running since before `startedBefore`: their instance stopped mid-run. */
export async function failAbandonedRuns(db: Db, startedBefore: Date, now: Date): Promise<number> {
  const r = await db
    .updateTable('job_runs')
    .set({ status: 'failed', finished_at: now, error: 'abandoned: the instance running it stopped before it finished' })
    .where('status', '=', 'running')
    .where('started_at', '<', startedBefore)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deleteRunsBefore(db: Db, startedBefore: Date): Promise<number> {
  const r = await db.deleteFrom('job_runs').where('started_at', '<', startedBefore).where('status', '<>', 'running').executeTakeFirst();
  return Number(r.numDeletedRows);
}
