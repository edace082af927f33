import { stringify } from 'csv-stringify/sync';
import type { Clock } from '../../clock.ts';
import type { Actor } from '../../db/context.ts';
import type { Db } from '../../db/types.ts';
import { invalidInput, notFound } from '../../domain/errors.ts';
import { defaultTimezone } from '../sla/calendars.service.ts';
import * as repo from './reports.repository.ts';
import type { Static } from 'typebox';
import type { AppraisalQuery, KpiFiguresSchema, KpiQuery } from './reports.schemas.ts';

export interface ReportDeps {
  db: Db;
  clock: Clock;
}

const DAY_MS = 86_400_000;
/** Longest period one report covers: three years, by day that is 1,096 rows. */
const MAX_PERIOD_DAYS = 1_100;

/** One group's figures, as the KpiFigures schema declares them. */
type Figures = Static<typeof KpiFiguresSchema>;

const EMPTY: Figures = {
  tickets_created: 0,
  tickets_resolved: 0,
  first_response_minutes: { p50: null, p90: null },
  resolution_minutes: { p50: null, p90: null },
  first_response_sla_met_pct: null,
  resolution_sla_met_pct: null,
  follow_up_done_pct: null,
  first_time_fix_pct: null,
  reopen_pct: null,
  complaints: 0,
  csat_avg: null,
  csat_responses: 0,
  nps: null,
  nps_responses: 0,
  qa_score_avg: null,
  qa_reviews: 0,
};

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The period and timezone of a report request, checked: 400 for a period that ends before it starts or spans too long. */
async function periodOf(deps: ReportDeps, q: { from?: string; to?: string; tz?: string }) {
  const to = q.to ? new Date(q.to) : deps.clock.now();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (from >= to) throw invalidInput('from must be before to', [{ path: '/query/from', message: 'must be before to' }]);
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw invalidInput(`a report covers at most ${MAX_PERIOD_DAYS} days`, [{ path: '/query/from', message: `must be within ${MAX_PERIOD_DAYS} days of to` }]);
  }
  if (q.tz !== undefined && !validTimezone(q.tz)) throw invalidInput('tz is not a known IANA timezone', [{ path: '/query/tz', message: 'is not a known IANA timezone' }]);
  const tz = q.tz ?? (await defaultTimezone(deps.db));
  return { from, to, tz };
}

/** The four cohorts of a scope, side by side, merged per group: { key → figures } plus the total. */
async function figuresOf(deps: ReportDeps, scope: repo.ReportScope) {
  const [created, resolved, answered, reviewed] = await Promise.all([
    repo.createdCohort(deps.db, scope),
    repo.resolvedCohort(deps.db, scope),
    repo.answeredCohort(deps.db, scope),
    repo.reviewedCohort(deps.db, scope),
  ]);
  const groups = new Map<string | null, Figures>();
  let total: Figures = { ...EMPTY };
  const merge = (row: repo.CohortRow, part: Partial<Figures>) => {
    if (row.total === 1) total = { ...total, ...part };
    else groups.set(row.g, { ...(groups.get(row.g) ?? EMPTY), ...part });
  };
  for (const r of created) {
    merge(r, {
      tickets_created: r.tickets_created,
      first_response_minutes: { p50: r.first_response_p50, p90: r.first_response_p90 },
      first_response_sla_met_pct: r.first_response_sla_met_pct,
      complaints: r.complaints,
    });
  }
  for (const r of resolved) {
    merge(r, {
      tickets_resolved: r.tickets_resolved,
      resolution_minutes: { p50: r.resolution_p50, p90: r.resolution_p90 },
      resolution_sla_met_pct: r.resolution_sla_met_pct,
      follow_up_done_pct: r.follow_up_done_pct,
      first_time_fix_pct: r.first_time_fix_pct,
      reopen_pct: r.reopen_pct,
    });
  }
  for (const r of answered) merge(r, { csat_avg: r.csat_avg, csat_responses: r.csat_responses, nps: r.nps, nps_responses: r.nps_responses });
  for (const r of reviewed) merge(r, { qa_score_avg: r.qa_score_avg, qa_reviews: r.qa_reviews });
  return { groups, total };
}

export type KpiReport = Awaited<ReturnType<typeof kpiReport>>;

/** GET /v1/reports/kpis: the figures per group over the period, and over all groups. */
export async function kpiReport(deps: ReportDeps, q: KpiQuery) {
  const { from, to, tz } = await periodOf(deps, q);
  const groupBy = q.group_by ?? 'technician';
  const { groups, total } = await figuresOf(deps, { from, to, tz, groupBy, now: deps.clock.now() });
  const names = groupBy === 'technician' ? await repo.technicianNames(deps.db, [...groups.keys()].filter((k): k is string => k !== null)) : new Map<string, string>();
  const label = (key: string | null) => (key === null ? (groupBy === 'technician' ? '(unassigned)' : '(none)') : (names.get(key) ?? key));
  const rows = [...groups.entries()]
    .map(([key, f]) => ({ key, label: label(key), ...f }))
    // Days and weeks in time order; other groups by their label, the ungrouped last.
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : groupBy === 'day' || groupBy === 'week' ? a.key.localeCompare(b.key) : a.label.localeCompare(b.label) || a.key.localeCompare(b.key)));
  return { from: from.toISOString(), to: to.toISOString(), tz, group_by: groupBy, generated_at: deps.clock.now().toISOString(), rows, total };
}

const CSV_COLUMNS = [
  'tickets_created',
  'tickets_resolved',
  'first_response_minutes_p50',
  'first_response_minutes_p90',
  'resolution_minutes_p50',
  'resolution_minutes_p90',
  'first_response_sla_met_pct',
  'resolution_sla_met_pct',
  'follow_up_done_pct',
  'first_time_fix_pct',
  'reopen_pct',
  'complaints',
  'csat_avg',
  'csat_responses',
  'nps',
  'nps_responses',
  'qa_score_avg',
  'qa_reviews',
] as const;

function flat(f: Figures): Record<(typeof CSV_COLUMNS)[number], number | null> {
  const { first_response_minutes: fr, resolution_minutes: res, ...rest } = f;
  return {
    ...rest,
    first_response_minutes_p50: fr.p50,
    first_response_minutes_p90: fr.p90,
    resolution_minutes_p50: res.p50,
    resolution_minutes_p90: res.p90,
  };
}

/**
 * The same report as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read
 * Chinese names right): one line per group, then a `total` line; empty cells where JSON has null.
 */
export function kpiCsv(report: KpiReport): string {
  const header = ['row', 'group_by', 'key', 'label', ...CSV_COLUMNS];
  const line = (row: string, key: string | null, label: string, f: Figures) => {
    const v = flat(f);
    return [row, report.group_by, key ?? '', label, ...CSV_COLUMNS.map((c) => (v[c] === null ? '' : String(v[c])))];
  };
  const records = [...report.rows.map((r) => line('group', r.key, r.label, r)), line('total', null, 'Total', report.total)];
  return '\uFEFF' + stringify([header, ...records], { record_delimiter: 'windows' });
}

/** The figures an appraisal card ranks a technician on (higher is better on each). */
const RANKED = ['tickets_resolved', 'resolution_sla_met_pct', 'first_time_fix_pct', 'csat_avg', 'qa_score_avg'] as const;

/**
 * GET /v1/reports/technicians/{id}: one technician's figures beside the team's (active
 * technicians of the same tier sharing a region), the rank in the team on each, and the
 * coaching notes of failed quality reviews. A technician key may read its own card only.
 */
export async function appraisalCard(deps: ReportDeps, actor: Actor, id: string, q: AppraisalQuery) {
  if (actor.role === 'technician' && actor.technicianId !== id) throw notFound('Technician', id);
  const found = await repo.technicianTeam(deps.db, id);
  if (!found) throw notFound('Technician', id);
  const { from, to, tz } = await periodOf(deps, q);
  const { groups, total } = await figuresOf(deps, { from, to, tz, groupBy: 'technician', technicianIds: found.team, now: deps.clock.now() });
  const mine = groups.get(id) ?? EMPTY;
  const rank = Object.fromEntries(
    RANKED.map((figure) => {
      const value = mine[figure];
      if (value === null) return [figure, null];
      // Team members with no figure are not ranked; ties share the better place.
      const others = found.team.map((t) => (groups.get(t) ?? EMPTY)[figure]).filter((v): v is number => v !== null);
      return [figure, { position: 1 + others.filter((v) => v > value).length, of: others.length }];
    }),
  ) as Record<(typeof RANKED)[number], { position: number; of: number } | null>;
  const coaching = await repo.coachingOf(deps.db, id, from, to);
  return {
    technician: { id: found.tech.id, name: found.tech.name, tier: found.tech.tier, regions: found.tech.regions },
    from: from.toISOString(),
    to: to.toISOString(),
    figures: mine,
    team: { technicians: found.team.length, figures: total },
    rank,
    coaching: coaching.map((c) => ({ review_id: c.id, ticket_id: c.ticket_id, score: Number(c.score), note: c.coaching_note, reviewed_at: c.reviewed_at!.toISOString() })),
  };
}
