import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/types.ts';

/*
 * The KPI report's SQL: four cohorts, each one aggregate query over its own index, run side
 * by side. Every figure is counted in the period in which its event happened:
 *   created  — tickets created in the period: tickets_created, first response, complaints;
 *   resolved — tickets resolved in the period (and not reopened since): resolution, follow-up,
 *              first-time fix, reopens;
 *   answered — surveys answered in the period: CSAT and NPS;
 *   reviewed — quality reviews finished in the period: QA score.
 * Each groups by the ticket's attribute, or by the local day or week of the cohort's event.
 */

export const GROUP_BY = ['technician', 'tier', 'region', 'category', 'type', 'channel', 'day', 'week'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface ReportScope {
  from: Date;
  to: Date;
  tz: string;
  groupBy: GroupBy;
  /** Only tickets of these technicians (the appraisal card's team). */
  technicianIds?: string[];
  now: Date;
}

/** The group's key for a ticket `t` whose cohort event happened at `at`, in its own type (grouping a uuid is cheaper than its text); the select casts it to text. */
function groupKey(scope: ReportScope, at: RawBuilder<unknown>): RawBuilder<unknown> {
  switch (scope.groupBy) {
    case 'technician':
      return sql`t.technician_id`;
    case 'tier':
      return sql`t.tier`;
    case 'region':
      return sql`t.region`;
    case 'category':
      return sql`t.category`;
    case 'type':
      return sql`t.type`;
    case 'channel':
      return sql`t.channel`;
    case 'day':
    case 'week':
      // The local date of the day, or of the Monday that starts the (ISO) week.
      return sql`to_char(date_trunc(${scope.groupBy}, ${at} at time zone ${scope.tz}), 'YYYY-MM-DD')`;
  }
}

/**
 * A cohort query in a read-only transaction with room to hash and sort a year of tickets in
 * memory (work_mem for this transaction only; the default 4 MB spills a year's join to disk).
 */
async function inReportTransaction<R>(db: Db, query: RawBuilder<R>): Promise<R[]> {
  return db
    .transaction()
    .setAccessMode('read only')
    .execute(async (tx) => {
      await sql`set local work_mem = '128MB'`.execute(tx);
      return (await query.execute(tx)).rows;
    });
}

const technicians = (scope: ReportScope) => (scope.technicianIds ? sql`and t.technician_id = any(${scope.technicianIds}::uuid[])` : sql``);

/** A percentage to two places, null when nothing was measured. */
const pct = (part: RawBuilder<unknown>, whole: RawBuilder<unknown>) => sql`round(100.0 * (${part}) / nullif(${whole}, 0), 2)::float8`;
const p = (fraction: number, column: RawBuilder<unknown>) => sql`round((percentile_cont(${fraction}) within group (order by ${column}))::numeric, 2)::float8`;

export interface CohortRow {
  /** 1 on the row over all groups (GROUPING SETS' empty set). */
  total: number;
  g: string | null;
}

export interface CreatedRow extends CohortRow {
  tickets_created: number;
  first_response_p50: number | null;
  first_response_p90: number | null;
  first_response_sla_met_pct: number | null;
  complaints: number;
}

/** The created cohort's aggregate, as SQL (EXPLAIN-able). */
export function createdCohortQuery(scope: ReportScope): RawBuilder<CreatedRow> {
  return sql<CreatedRow>`
    with c as (
      select ${groupKey(scope, sql`t.created_at`)} as g, t.type, s.business_minutes as minutes, s.state,
             (s.completed_at is not null or s.breached_at is not null) as judged
      from tickets t
      left join ticket_sla s on s.ticket_id = t.id and s.metric = 'first_response'
      where t.created_at >= ${scope.from} and t.created_at < ${scope.to} ${technicians(scope)}
    )
    select grouping(g) as total, g::text as g,
      count(*)::int as tickets_created,
      ${p(0.5, sql`minutes`)} as first_response_p50,
      ${p(0.9, sql`minutes`)} as first_response_p90,
      ${pct(sql`count(*) filter (where judged and state = 'met')`, sql`count(*) filter (where judged)`)} as first_response_sla_met_pct,
      (count(*) filter (where type = 'complaint'))::int as complaints
    from c group by grouping sets ((g), ())`;
}

export const createdCohort = (db: Db, scope: ReportScope) => inReportTransaction(db, createdCohortQuery(scope));

export interface ResolvedRow extends CohortRow {
  tickets_resolved: number;
  resolution_p50: number | null;
  resolution_p90: number | null;
  resolution_sla_met_pct: number | null;
  follow_up_done_pct: number | null;
  first_time_fix_pct: number | null;
  reopen_pct: number | null;
}

/** The resolved cohort's aggregate, as SQL (EXPLAIN-able). */
export function resolvedCohortQuery(scope: ReportScope): RawBuilder<ResolvedRow> {
  return sql<ResolvedRow>`
    with r as (
      select ${groupKey(scope, sql`t.resolved_at`)} as g, rs.business_minutes as minutes, rs.state, rs.ticket_id is not null as clocked,
             t.reopen_count,
             fu.completed_at is not null as follow_up_done,
             (fu.completed_at is not null or fu.due_at <= ${scope.now}) as follow_up_due,
             coalesce(v.n, 0) as visits
      from tickets t
      left join ticket_sla rs on rs.ticket_id = t.id and rs.metric = 'resolution'
      left join ticket_sla fu on fu.ticket_id = t.id and fu.metric = 'follow_up'
      -- Completed visits of the cohort's tickets, counted in one pass (a join, not a probe per ticket).
      left join (
        select v.ticket_id, count(*) as n from visits v
        where v.status = 'completed'
          and v.ticket_id in (select t2.id from tickets t2 where t2.resolved_at >= ${scope.from} and t2.resolved_at < ${scope.to})
        group by v.ticket_id
      ) v on v.ticket_id = t.id
      where t.resolved_at >= ${scope.from} and t.resolved_at < ${scope.to} ${technicians(scope)}
    )
    select grouping(g) as total, g::text as g,
      count(*)::int as tickets_resolved,
      ${p(0.5, sql`minutes`)} as resolution_p50,
      ${p(0.9, sql`minutes`)} as resolution_p90,
      ${pct(sql`count(*) filter (where state = 'met')`, sql`count(*) filter (where clocked)`)} as resolution_sla_met_pct,
      ${pct(sql`count(*) filter (where follow_up_done)`, sql`count(*) filter (where follow_up_due)`)} as follow_up_done_pct,
      ${pct(sql`count(*) filter (where reopen_count = 0 and visits <= 1)`, sql`count(*)`)} as first_time_fix_pct,
      ${pct(sql`count(*) filter (where reopen_count > 0)`, sql`count(*)`)} as reopen_pct
    from r group by grouping sets ((g), ())`;
}

export const resolvedCohort = (db: Db, scope: ReportScope) => inReportTransaction(db, resolvedCohortQuery(scope));

export interface AnsweredRow extends CohortRow {
  csat_avg: number | null;
  csat_responses: number;
  nps: number | null;
  nps_responses: number;
}

/** The answered cohort's aggregate, as SQL (EXPLAIN-able). */
export function answeredCohortQuery(scope: ReportScope): RawBuilder<AnsweredRow> {
  return sql<AnsweredRow>`
    with a as (
      select ${groupKey(scope, sql`s.answered_at`)} as g, s.csat, s.nps
      from surveys s join tickets t on t.id = s.ticket_id
      where s.status = 'answered' and s.answered_at >= ${scope.from} and s.answered_at < ${scope.to} ${technicians(scope)}
    )
    select grouping(g) as total, g::text as g,
      round(avg(csat), 2)::float8 as csat_avg,
      count(*)::int as csat_responses,
      -- Net Promoter Score: % promoters (9–10) minus % detractors (0–6) of those who gave one.
      ${pct(sql`(count(*) filter (where nps >= 9)) - (count(*) filter (where nps <= 6))`, sql`count(nps)`)} as nps,
      count(nps)::int as nps_responses
    from a group by grouping sets ((g), ())`;
}

export const answeredCohort = (db: Db, scope: ReportScope) => inReportTransaction(db, answeredCohortQuery(scope));

export interface ReviewedRow extends CohortRow {
  qa_score_avg: number | null;
  qa_reviews: number;
  qa_failed: number;
}

/** The reviewed cohort's aggregate, as SQL (EXPLAIN-able). */
export function reviewedCohortQuery(scope: ReportScope): RawBuilder<ReviewedRow> {
  return sql<ReviewedRow>`
    with q as (
      select ${groupKey(scope, sql`q.reviewed_at`)} as g, q.score, q.passed
      from qa_reviews q join tickets t on t.id = q.ticket_id
      where q.state = 'done' and q.reviewed_at >= ${scope.from} and q.reviewed_at < ${scope.to} ${technicians(scope)}
    )
    select grouping(g) as total, g::text as g,
      round(avg(score), 2)::float8 as qa_score_avg,
      count(*)::int as qa_reviews,
      (count(*) filter (where not passed))::int as qa_failed
    from q group by grouping sets ((g), ())`;
}

export const reviewedCohort = (db: Db, scope: ReportScope) => inReportTransaction(db, reviewedCohortQuery(scope));

/** Names of the technicians a report groups by. */
export async function technicianNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('technicians').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The technician and their team: active technicians of the same tier serving one of its regions (itself included). */
export async function technicianTeam(db: Db, id: string) {
  const tech = await db.selectFrom('technicians').select(['id', 'name', 'tier', 'regions', 'active']).where('id', '=', id).executeTakeFirst();
  if (!tech) return undefined;
  const team = await db
    .selectFrom('technicians')
    .select(['id'])
    .where('tier', '=', tech.tier)
    .where((eb) => eb.or([eb('id', '=', id), eb.and([eb('active', '=', true), sql<boolean>`regions && ${tech.regions}::text[]`])]))
    .execute();
  return { tech, team: team.map((t) => t.id) };
}

/** The coaching notes of a technician's failed reviews in the period, newest first. */
export async function coachingOf(db: Db, technicianId: string, from: Date, to: Date) {
  return db
    .selectFrom('qa_reviews')
    .select(['id', 'ticket_id', 'score', 'coaching_note', 'reviewed_at'])
    .where('technician_id', '=', technicianId)
    .where('state', '=', 'done')
    .where('passed', '=', false)
    .where('reviewed_at', '>=', from)
    .where('reviewed_at', '<', to)
    .orderBy('reviewed_at', 'desc')
    .limit(50)
    .execute();
}
