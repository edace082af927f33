import { randomBytes } from 'node:crypto';
import { sha256 } from '../../lib/hash.ts';
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import { inChange } from '../../db/change.ts';
import { applyKeyset, keysetFrom, pageOf } from '../../db/pagination.ts';
import type { Db, SurveysTable, TicketTimelineTable, Tx } from '../../db/types.ts';
import { conflict, gone, notFound } from '../../domain/errors.ts';
import type { ChangeContext } from '../../lib/context.ts';
import { systemContext } from '../../lib/context.ts';
import { newId } from '../../lib/ids.ts';
import { eventRow, insertEvents } from '../../db/outbox.ts';
import { openCareTickets } from '../tickets/care-tickets.ts';
import * as tickets from '../tickets/tickets.repository.ts';
import { assertVisible, timelineRow } from '../tickets/tickets.service.ts';
import { QUESTIONS, type SurveyAnswer, type SurveyListQuery, type SurveyView } from './surveys.schemas.ts';

export interface SurveySettings {
  /** The public origin of respond_url. */
  publicBaseUrl: string;
  /** How long a survey can be answered. */
  ttlDays: number;
  /** A csat at or below this opens a service-recovery care ticket. */
  recoveryCsat: number;
  /** How long after resolution survey-dispatch sends the survey. */
  delayMinutes: number;
}

export const DEFAULT_SURVEY_SETTINGS: Omit<SurveySettings, 'publicBaseUrl'> = { ttlDays: 14, recoveryCsat: 2, delayMinutes: 60 };

export interface SurveyDeps {
  db: Db;
  clock: Clock;
  surveys: SurveySettings;
}

type SurveyRow = Selectable<SurveysTable>;

/** The token is the only credential of the public routes: 32 random bytes, kept only as its SHA-256. */
export const hashToken = (token: string): Buffer => sha256(token);
const newToken = () => `sv_${randomBytes(32).toString('base64url')}`;
const iso = (d: Date | null) => d?.toISOString() ?? null;

export function present(r: Omit<SurveyRow, 'token_hash'>, token: string | null = null, publicBaseUrl?: string): SurveyView {
  return {
    id: r.id,
    ticket_id: r.ticket_id,
    customer_id: r.customer_id,
    technician_id: r.technician_id,
    status: r.status,
    trigger: r.trigger,
    created_at: r.created_at.toISOString(),
    expires_at: r.expires_at.toISOString(),
    answered_at: iso(r.answered_at),
    csat: r.csat,
    nps: r.nps,
    dimensions: r.dimensions as Record<string, number> | null,
    comment: r.comment,
    recovery_ticket_id: r.recovery_ticket_id,
    token,
    respond_url: token && publicBaseUrl ? `${publicBaseUrl}/v1/public/surveys/${token}` : null,
    updated_at: r.updated_at.toISOString(),
    version: r.version,
  };
}

const SURVEY_COLUMNS = [
  'id', 'ticket_id', 'customer_id', 'technician_id', 'status', 'trigger', 'created_at', 'expires_at', 'answered_at', 'csat', 'nps', 'dimensions',
  'comment', 'recovery_ticket_id', 'updated_at', 'version',
] as const;

interface Surveyed {
  id: string;
  customer_id: string;
  technician_id: string | null;
}

/**
 * Opens surveys for tickets in the caller's transaction: one token each, one insert (a ticket
 * that already has an open survey is skipped by the partial unique index), a `survey`
 * timeline entry and a `survey.sent` event carrying the token and respond_url for CRMs
 * that send on our behalf. Returns the surveys opened with their tokens.
 */
export async function openSurveys(tx: Tx, ctx: ChangeContext, subjects: Surveyed[], trigger: 'resolved' | 'manual', now: Date, s: SurveySettings) {
  if (subjects.length === 0) return [];
  const expires = new Date(now.getTime() + s.ttlDays * 86_400_000);
  const tokens = new Map<string, string>();
  const rows: Insertable<SurveysTable>[] = subjects.map((t) => {
    const token = newToken();
    const id = newId();
    tokens.set(id, token);
    return { id, ticket_id: t.id, customer_id: t.customer_id, technician_id: t.technician_id, status: 'open', trigger, token_hash: hashToken(token), created_at: now, expires_at: expires, updated_at: now };
  });
  const opened = await tx
    .insertInto('surveys')
    .values(rows)
    .onConflict((oc) => oc.column('ticket_id').where('status', '=', 'open').doNothing())
    .returning(SURVEY_COLUMNS)
    .execute();
  const views = opened.map((r) => present(r, tokens.get(r.id)!, s.publicBaseUrl));
  const timeline: Insertable<TicketTimelineTable>[] = views.map((v) => timelineRow(ctx, v.ticket_id, now, { entry: 'survey', action: 'sent', data: { survey_id: v.id, trigger, expires_at: v.expires_at } }));
  await tickets.insertTimeline(tx, timeline);
  await insertEvents(tx, views.map((v) => eventRow(ctx, now, 'survey.sent', { type: 'survey', id: v.id }, v)));
  return views;
}

/** POST /v1/tickets/{id}/surveys: a survey on demand for a resolved or closed ticket. */
export async function createSurvey(deps: SurveyDeps, ctx: ChangeContext, ticketId: string): Promise<SurveyView> {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const ticket = await tickets.lockTicket(tx, ticketId);
    assertVisible(ctx.actor, ticket, ticketId);
    if (ticket.status !== 'resolved' && ticket.status !== 'closed') {
      throw conflict(`A survey asks about a finished service; ticket ${ticketId} is ${ticket.status}.`, { current_status: ticket.status });
    }
    const [view] = await openSurveys(tx, ctx, [ticket], 'manual', now, deps.surveys);
    if (!view) throw conflict(`Ticket ${ticketId} already has an open survey; at most one is open per ticket.`);
    return view;
  });
}

export async function getSurvey(deps: SurveyDeps, id: string): Promise<SurveyView> {
  const row = await deps.db.selectFrom('surveys').select(SURVEY_COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Survey', id);
  return present(row);
}

export function surveyListQuery(db: Db, q: Omit<SurveyListQuery, 'limit' | 'cursor' | 'updated_since'>, ks: ReturnType<typeof keysetFrom>) {
  let qb = db.selectFrom('surveys').select(SURVEY_COLUMNS);
  if (q.ticket_id) qb = qb.where('ticket_id', '=', q.ticket_id);
  if (q.customer_id) qb = qb.where('customer_id', '=', q.customer_id);
  if (q.technician_id) qb = qb.where('technician_id', '=', q.technician_id);
  if (q.status) qb = qb.where('status', '=', q.status);
  if (q.answered !== undefined) qb = qb.where('status', q.answered ? '=' : '<>', 'answered');
  if (q.csat_min !== undefined) qb = qb.where('csat', '>=', q.csat_min);
  if (q.csat_max !== undefined) qb = qb.where('csat', '<=', q.csat_max);
  if (q.created_from) qb = qb.where('created_at', '>=', new Date(q.created_from));
  if (q.created_to) qb = qb.where('created_at', '<', new Date(q.created_to));
  return applyKeyset(qb, 'surveys', ks);
}

export async function listSurveys(deps: SurveyDeps, q: SurveyListQuery) {
  const ks = keysetFrom(q);
  const { limit: _l, cursor: _c, updated_since: _u, ...filter } = q;
  const page = pageOf(await surveyListQuery(deps.db, filter, ks).execute(), ks);
  return { data: page.data.map((r) => present(r)), next_cursor: page.next_cursor };
}

/** Why a token does not lead to an open survey: unknown 404, expired 410, answered 409. */
async function refuse(db: Db | Tx, hash: Buffer): Promise<never> {
  const row = await db.selectFrom('surveys').select(['status', 'expires_at']).where('token_hash', '=', hash).executeTakeFirst();
  if (!row) throw notFound('Survey', 'with this token');
  if (row.status === 'answered') throw conflict('This survey has already been answered. Thank you!');
  throw gone('This survey has expired.');
}

/** GET /v1/public/surveys/{token}: the questions and what they are about, with no personal data. */
export async function publicSurvey(deps: SurveyDeps, token: string) {
  const hash = hashToken(token);
  const now = deps.clock.now();
  const row = await deps.db
    .selectFrom('surveys as s')
    .innerJoin('tickets as t', 't.id', 's.ticket_id')
    .select(['s.status', 's.expires_at', 't.number', 't.type', 't.category', 't.resolved_at'])
    .where('s.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row) throw notFound('Survey', 'with this token');
  if (row.status === 'expired' || (row.status === 'open' && row.expires_at <= now)) throw gone('This survey has expired.');
  return {
    status: row.status as 'open' | 'answered',
    expires_at: row.expires_at.toISOString(),
    service: { ticket_number: row.number, type: row.type, category: row.category, resolved_at: iso(row.resolved_at) },
    questions: QUESTIONS,
  };
}

/**
 * POST /v1/public/surveys/{token}/response: the answer, once. The survey moves from open to
 * answered in one conditional update, so of two racing answers one wins and the other gets
 * 409. A low csat opens one service-recovery care ticket, routed like any ticket, in the
 * same transaction.
 */
export async function answerSurvey(deps: SurveyDeps, token: string, answer: SurveyAnswer) {
  const hash = hashToken(token);
  const now = deps.clock.now();
  const ctx = systemContext();
  return inChange(deps.db, ctx, async (tx) => {
    const answered = await tx
      .updateTable('surveys')
      .set((eb) => ({
        status: 'answered',
        answered_at: now,
        csat: answer.csat,
        nps: answer.nps ?? null,
        dimensions: answer.dimensions ? JSON.stringify(answer.dimensions) : null,
        comment: answer.comment ?? null,
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      // By id found through the token's unique index: with status and expiry alone in the
      // condition the planner may prefer the small-looking index of open surveys and walk it.
      .where('id', '=', (eb) => eb.selectFrom('surveys').select('id').where('token_hash', '=', hash))
      .where('status', '=', 'open')
      .where('expires_at', '>', now)
      .returning(SURVEY_COLUMNS)
      .executeTakeFirst();
    if (!answered) return refuse(tx, hash);
    let survey = answered;
    if (answer.csat <= deps.surveys.recoveryCsat) {
      const original = await tickets.findTicket(tx, survey.ticket_id);
      const [care] = await openCareTickets(
        tx,
        ctx,
        [
          {
            customer_id: survey.customer_id,
            region: original!.region,
            category: 'service_recovery',
            linked_ticket_id: survey.ticket_id,
            priority: 'high',
            subject: `Service recovery: csat ${answer.csat} on ${original!.number}`,
            description: `The customer rated ticket ${original!.number} ${answer.csat}/5${answer.nps !== undefined ? ` (nps ${answer.nps})` : ''}. Call back, find out what went wrong and put it right.`,
            routeBySkill: original!.category,
          },
        ],
        now,
      );
      // Already opened for this ticket (an earlier low answer): link to that one.
      const careId =
        care?.id ??
        (await tx.selectFrom('tickets').select('id').where('linked_ticket_id', '=', survey.ticket_id).where('type', '=', 'care').where('category', '=', 'service_recovery').executeTakeFirst())?.id;
      if (careId) {
        survey = await tx.updateTable('surveys').set({ recovery_ticket_id: careId }).where('id', '=', survey.id).returning(SURVEY_COLUMNS).executeTakeFirstOrThrow();
      }
    }
    await tickets.insertTimeline(tx, [
      timelineRow(ctx, survey.ticket_id, now, { entry: 'survey', action: 'answered', data: { survey_id: survey.id, csat: survey.csat, nps: survey.nps, recovery_ticket_id: survey.recovery_ticket_id } }),
    ]);
    await insertEvents(tx, [eventRow(ctx, now, 'survey.answered', { type: 'survey', id: survey.id }, present(survey))]);
    return { status: 'answered' as const, answered_at: now.toISOString() };
  });
}

const DISPATCH_BATCH = 500;

/**
 * survey-dispatch: opens the surveys of tickets resolved at least delayMinutes ago (a request
 * is queued by the resolve action; one for a ticket reopened since is dropped), in batches
 * with SKIP LOCKED, and expires open surveys past their time.
 */
export async function dispatchSurveys(deps: { db: Db; clock: Clock; log: Logger }, s: SurveySettings) {
  const now = deps.clock.now();
  const dueBefore = new Date(now.getTime() - s.delayMinutes * 60_000);
  const ctx = systemContext();
  let sent = 0;
  let dropped = 0;
  for (;;) {
    const n = await deps.db.transaction().execute(async (tx) => {
      const due = await sql<{ ticket_id: string; status: string; customer_id: string; technician_id: string | null }>`
        select r.ticket_id, t.status, t.customer_id, t.technician_id
        from survey_requests r join tickets t on t.id = r.ticket_id
        where r.due_at <= ${dueBefore}
        order by r.due_at
        limit ${DISPATCH_BATCH}
        for update of r skip locked`.execute(tx);
      if (due.rows.length === 0) return 0;
      const ready = due.rows.filter((r) => r.status === 'resolved' || r.status === 'closed');
      dropped += due.rows.length - ready.length;
      sent += (await openSurveys(tx, ctx, ready.map((r) => ({ id: r.ticket_id, customer_id: r.customer_id, technician_id: r.technician_id })), 'resolved', now, s)).length;
      await tx.deleteFrom('survey_requests').where('ticket_id', 'in', due.rows.map((r) => r.ticket_id)).execute();
      return due.rows.length;
    });
    if (n < DISPATCH_BATCH) break;
  }
  const expired = await deps.db
    .updateTable('surveys')
    .set((eb) => ({ status: 'expired', updated_at: now, version: eb('version', '+', 1) }))
    .where('status', '=', 'open')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return { surveys_sent: sent, requests_dropped: dropped, surveys_expired: Number(expired.numUpdatedRows) };
}
