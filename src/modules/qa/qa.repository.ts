import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { ADVISORY_LOCKS } from '../../db/locks.ts';
import { applyKeyset, type Keyset } from '../../db/pagination.ts';
import type { Db, QaReviewsTable, QaScorecardsTable, Tx } from '../../db/types.ts';

export type ScorecardRow = Selectable<QaScorecardsTable>;
export type ReviewRow = Selectable<QaReviewsTable>;

export async function insertScorecard(tx: Tx, row: Insertable<QaScorecardsTable>): Promise<ScorecardRow> {
  return tx.insertInto('qa_scorecards').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findScorecard(db: Db | Tx, id: string): Promise<ScorecardRow | undefined> {
  return db.selectFrom('qa_scorecards').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The newest scorecard's id: the one new reviews are queued with. */
export async function currentScorecardId(db: Db | Tx): Promise<string | undefined> {
  return (await db.selectFrom('qa_scorecards').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst())?.id;
}

export function scorecardListQuery(db: Db, ks: Keyset) {
  return applyKeyset(db.selectFrom('qa_scorecards').selectAll(), 'qa_scorecards', ks);
}

export async function findReview(db: Db | Tx, id: string): Promise<ReviewRow | undefined> {
  return db.selectFrom('qa_reviews').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockReview(tx: Tx, id: string): Promise<ReviewRow | undefined> {
  return tx.selectFrom('qa_reviews').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateReview(tx: Tx, id: string, patch: Updateable<QaReviewsTable>, at: Date): Promise<ReviewRow> {
  return tx
    .updateTable('qa_reviews')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export type ReviewFilter = { state?: 'pending' | 'done'; technician_id?: string; passed?: boolean };

export function reviewListQuery(db: Db, f: ReviewFilter, ks: Keyset) {
  let q = db.selectFrom('qa_reviews').selectAll();
  if (f.state) q = q.where('state', '=', f.state);
  if (f.technician_id) q = q.where('technician_id', '=', f.technician_id);
  // Written with the partial index's predicate (state = 'done'): only done reviews pass or fail.
  if (f.passed !== undefined) q = q.where('passed', '=', f.passed).where('state', '=', 'done');
  return applyKeyset(q, 'qa_reviews', ks);
}

/** The sampling pass's state: the first week not yet closed (null before the first pass). */
export async function lockSamplingState(tx: Tx): Promise<string | null> {
  await sql`select pg_advisory_xact_lock(${ADVISORY_LOCKS.qaSampling})`.execute(tx);
  return (await tx.selectFrom('qa_sampling').select('open_week').where('id', '=', 1).executeTakeFirstOrThrow()).open_week;
}

export async function setOpenWeek(tx: Tx, week: string): Promise<void> {
  await tx.updateTable('qa_sampling').set({ open_week: week }).where('id', '=', 1).execute();
}

/**
 * Queues reviews for every technician and week from `fromWeek` on (weeks start on Monday in
 * `tz`): per technician and week, the tickets resolved so far are counted, the quota is
 * max(⌈n × sample_percent / 100⌉, min(min_per_technician, n)), and the tickets not yet
 * reviewed fill what the queued ones leave of it, in the order of the hash of their id — the
 * same choice whoever runs it. Run under the sampling lock (lockSamplingState).
 */
export async function chooseSample(
  tx: Tx,
  s: { samplePercent: number; minPerTechnician: number; fromWeek: string; tz: string; now: Date },
): Promise<{ ticket_id: string; technician_id: string; week_start: string }[]> {
  const { rows } = await sql<{ ticket_id: string; technician_id: string; week_start: string }>`
    with resolved as (
      select t.id as ticket_id, t.technician_id, (date_trunc('week', t.resolved_at at time zone ${s.tz}))::date as week_start
      from tickets t
      where t.resolved_at >= (${s.fromWeek}::date::timestamp at time zone ${s.tz}) and t.resolved_at <= ${s.now}
        and t.technician_id is not null
    ),
    counts as (select technician_id, week_start, count(*) as n from resolved group by technician_id, week_start),
    queued as (
      select q.technician_id, q.week_start, count(*) as k from qa_reviews q
      where q.week_start >= ${s.fromWeek}::date group by q.technician_id, q.week_start
    ),
    candidates as (
      select r.*, row_number() over (partition by r.technician_id, r.week_start order by md5(r.ticket_id::text), r.ticket_id) as rn
      from resolved r
      where not exists (select 1 from qa_reviews q where q.ticket_id = r.ticket_id)
    ),
    chosen as (
      select c.ticket_id, c.technician_id, c.week_start
      from candidates c
      join counts n on n.technician_id = c.technician_id and n.week_start = c.week_start
      left join queued k on k.technician_id = c.technician_id and k.week_start = c.week_start
      where c.rn <= greatest(ceil(n.n * ${s.samplePercent}::numeric / 100), least(${s.minPerTechnician}::int, n.n)) - coalesce(k.k, 0)
    )
    select ticket_id, technician_id, week_start::text from chosen order by week_start, technician_id, ticket_id`.execute(tx);
  return rows;
}

/** Queues the chosen tickets' reviews in one statement; the unique ticket_id refuses a second review of a ticket. */
export async function insertReviews(tx: Tx, rows: Insertable<QaReviewsTable>[]): Promise<number> {
  let n = 0;
  // Ten parameters a row: chunks keep a statement under Postgres's 65,535.
  for (let i = 0; i < rows.length; i += 5_000) {
    const inserted = await tx.insertInto('qa_reviews').values(rows.slice(i, i + 5_000)).onConflict((oc) => oc.column('ticket_id').doNothing()).returning('id').execute();
    n += inserted.length;
  }
  return n;
}
