import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import { recordAudit } from '../../db/audit.ts';
import { inChange } from '../../db/change.ts';
import type { ChangeContext } from '../../db/context.ts';
import { keysetFrom, pageOf } from '../../db/pagination.ts';
import type { Db } from '../../db/types.ts';
import { assertVersion, conflict, notFound, ruleViolated } from '../../domain/errors.ts';
import { newId } from '../../lib/ids.ts';
import { defaultTimezone } from '../sla/calendars.service.ts';
import * as repo from './qa.repository.ts';
import type { CreateQaScorecard, QaReviewListQuery, QaScorecardListQuery, ScoreQaReview } from './qa.schemas.ts';

export interface QaDeps {
  db: Db;
  clock: Clock;
}

function presentScorecard(row: repo.ScorecardRow, currentId: string | undefined) {
  return {
    id: row.id,
    name: row.name,
    criteria: row.criteria.map((c) => ({ key: c.key, name: c.name, weight: c.weight, description: c.description ?? null })),
    pass_score: Number(row.pass_score),
    sample_percent: Number(row.sample_percent),
    min_per_technician: row.min_per_technician,
    current: row.id === currentId,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}

function presentReview(row: repo.ReviewRow) {
  return {
    id: row.id,
    ticket_id: row.ticket_id,
    technician_id: row.technician_id,
    scorecard_id: row.scorecard_id,
    week_start: row.week_start,
    state: row.state,
    scores: row.scores,
    score: row.score === null ? null : Number(row.score),
    passed: row.passed,
    comment: row.comment,
    coaching_note: row.coaching_note,
    reviewer_id: row.reviewer_id,
    reviewed_at: row.reviewed_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}

/** POST /v1/qa/scorecards: a new scorecard, which new reviews are queued with from now on. */
export async function createScorecard(deps: QaDeps, ctx: ChangeContext, input: CreateQaScorecard) {
  const keys = input.criteria.map((c) => c.key);
  const duplicate = keys.findIndex((k, i) => keys.indexOf(k) !== i);
  if (duplicate >= 0) throw ruleViolated('qa-scorecard-criteria', `Criterion key ${keys[duplicate]} appears twice.`, [{ path: `/body/criteria/${duplicate}/key`, message: 'is not unique' }]);
  const sum = input.criteria.reduce((s, c) => s + c.weight, 0);
  if (sum !== 100) throw ruleViolated('qa-scorecard-criteria', `The weights sum to ${sum}, not 100.`, [{ path: '/body/criteria', message: 'weights must sum to 100' }]);
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const row = await repo.insertScorecard(tx, {
      id: newId(),
      name: input.name,
      criteria: JSON.stringify(input.criteria.map((c) => ({ key: c.key, name: c.name, weight: c.weight, description: c.description ?? null }))),
      pass_score: input.pass_score ?? 80,
      sample_percent: input.sample_percent ?? 10,
      min_per_technician: input.min_per_technician ?? 1,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'qa_scorecard', resource_id: row.id, fields: Object.keys(input) }]);
    return presentScorecard(row, await repo.currentScorecardId(tx));
  });
}

export async function getScorecard(deps: QaDeps, id: string) {
  const row = await repo.findScorecard(deps.db, id);
  if (!row) throw notFound('Scorecard', id);
  return presentScorecard(row, await repo.currentScorecardId(deps.db));
}

export async function listScorecards(deps: QaDeps, q: QaScorecardListQuery) {
  const ks = keysetFrom(q);
  const [rows, current] = await Promise.all([repo.scorecardListQuery(deps.db, ks).execute(), repo.currentScorecardId(deps.db)]);
  const page = pageOf(rows, ks);
  return { data: page.data.map((r) => presentScorecard(r, current)), next_cursor: page.next_cursor };
}

export async function getReview(deps: QaDeps, id: string) {
  const row = await repo.findReview(deps.db, id);
  if (!row) throw notFound('Review', id);
  return presentReview(row);
}

export async function listReviews(deps: QaDeps, q: QaReviewListQuery) {
  const ks = keysetFrom(q);
  const { limit: _l, cursor: _c, updated_since: _u, ...filter } = q;
  const page = pageOf(await repo.reviewListQuery(deps.db, filter, ks).execute(), ks);
  return { data: page.data.map(presentReview), next_cursor: page.next_cursor };
}

/**
 * POST /v1/qa/reviews/{id}: scores every criterion of the review's scorecard 0–5; the score
 * is Σ weight × score ÷ 5 (0–100) and passes at the scorecard's pass_score. A failed review
 * keeps its coaching note, which the technician's appraisal card lists. Scored once: a done
 * review is frozen (409, and the database refuses any change to it).
 */
export async function scoreReview(deps: QaDeps, ctx: ChangeContext, id: string, input: ScoreQaReview, expectedVersion?: number) {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const current = await repo.lockReview(tx, id);
    assertVersion('Review', id, current, expectedVersion);
    if (current.state === 'done') throw conflict('This review has been scored already; a done review is never changed.', { current_status: 'done', allowed_actions: [] });
    const card = (await repo.findScorecard(tx, current.scorecard_id))!;
    const wanted = card.criteria.map((c) => c.key);
    const given = Object.keys(input.scores);
    const missing = wanted.filter((k) => !given.includes(k));
    const unknown = given.filter((k) => !wanted.includes(k));
    if (missing.length || unknown.length) {
      throw ruleViolated('qa-review-scores', `Score each of ${wanted.join(', ')}.`, [
        ...missing.map((k) => ({ path: `/body/scores/${k}`, message: 'is required by the scorecard' })),
        ...unknown.map((k) => ({ path: `/body/scores/${k}`, message: 'is not a criterion of the scorecard' })),
      ]);
    }
    const score = Math.round(card.criteria.reduce((s, c) => s + (c.weight * input.scores[c.key]!) / 5, 0) * 100) / 100;
    const passed = score >= Number(card.pass_score);
    const row = await repo.updateReview(
      tx,
      id,
      {
        state: 'done',
        scores: JSON.stringify(input.scores),
        score,
        passed,
        comment: input.comment ?? null,
        coaching_note: passed ? null : (input.coaching_note ?? null),
        reviewer_id: ctx.actor.id,
        reviewed_at: now,
      },
      now,
    );
    await recordAudit(tx, ctx, now, [{ action: 'reviewed', resource_type: 'qa_review', resource_id: id, fields: Object.keys(input) }]);
    return presentReview(row);
  });
}

const DAY_MS = 86_400_000;

/** The Monday (YYYY-MM-DD) of the week `at` falls in, in `tz`. */
export function weekStart(at: Date, tz: string): string {
  const local = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }).formatToParts(at);
  const part = (type: string) => local.find((p) => p.type === type)!.value;
  const day = Date.UTC(Number(part('year')), Number(part('month')) - 1, Number(part('day')));
  const sinceMonday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(part('weekday'));
  return new Date(day - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

/**
 * qa-sampling: queues the share of each technician's resolved tickets that the current
 * scorecard asks for, per week (Monday first, in the default calendar's timezone), for every
 * week from the first one not yet closed up to the current one; then closes the weeks before
 * the current one. On its first run it starts with the previous week. Without a scorecard it
 * does nothing (and closes nothing). Under one lock, so two runs never fill a quota twice.
 */
export async function sampleForReview(deps: { db: Db; clock: Clock; log: Logger }) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const openWeek = await repo.lockSamplingState(tx);
    const cardId = await repo.currentScorecardId(tx);
    if (!cardId) return { reviews_queued: 0 };
    const card = (await repo.findScorecard(tx, cardId))!;
    const tz = await defaultTimezone(tx);
    const thisWeek = weekStart(now, tz);
    const fromWeek = openWeek ?? new Date(Date.parse(thisWeek) - 7 * DAY_MS).toISOString().slice(0, 10);
    const chosen = await repo.chooseSample(tx, { samplePercent: Number(card.sample_percent), minPerTechnician: card.min_per_technician, fromWeek, tz, now });
    const queued = await repo.insertReviews(
      tx,
      chosen.map((c) => ({ id: newId(), ticket_id: c.ticket_id, technician_id: c.technician_id, scorecard_id: card.id, week_start: c.week_start, state: 'pending' as const, created_at: now, updated_at: now })),
    );
    await repo.setOpenWeek(tx, thisWeek);
    return { reviews_queued: queued };
  });
}
