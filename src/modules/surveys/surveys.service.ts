import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import { inChange } from '../../db/change.ts';
import { eventRow, insertEvents, scrubEventField } from '../../db/outbox.ts';
import { keysetFrom, pageOf } from '../../db/pagination.ts';
import type { Db, SurveysTable, Tx } from '../../db/types.ts';
import { conflict, gone, notFound } from '../../domain/errors.ts';
import type { ChangeContext } from '../../db/context.ts';
import { systemContext } from '../../db/context.ts';
import { sha256 } from '../../lib/hash.ts';
import { newId } from '../../lib/ids.ts';
import { lockVisibleTicket, openCareTickets, recordOnTimelines } from '../tickets/ticket.commands.ts';
import { recoveryTicketOf, ticketViews } from '../tickets/ticket.view.ts';
import * as repo from './surveys.repository.ts';
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

export interface SurveyDeps {
  db: Db;
  clock: Clock;
  surveys: SurveySettings;
}

/** The token is the only credential of the public routes: 32 random bytes, kept only as its SHA-256. */
export const hashToken = (token: string): Buffer => sha256(token);
const newToken = () => `sv_${randomBytes(32).toString('base64url')}`;
const iso = (d: Date | null) => d?.toISOString() ?? null;

export function present(r: Omit<repo.SurveyRow, 'token_hash'>, token: string | null = null, publicBaseUrl?: string): SurveyView {
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

interface Surveyed {
  id: string;
  customer_id: string;
  technician_id: string | null;
}

/**
 * Opens surveys for tickets in the caller's transaction: one token each, one insert (a ticket
 * that already has an open survey is skipped by the partial unique index), a `survey`
 * timeline entry and a `survey.sent` event (its token and respond_url kept beside it, for the
 * webhook delivery alone, never in the feed). Returns the surveys opened with their tokens.
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
  const opened = await repo.insertSurveys(tx, rows);
  const views = opened.map((r) => present(r, tokens.get(r.id)!, s.publicBaseUrl));
  await recordOnTimelines(tx, ctx, now, views.map((v) => ({ ticketId: v.ticket_id, entry: 'survey', action: 'sent', data: { survey_id: v.id, trigger, expires_at: v.expires_at } })));
  // The feed (any key that reads events, an analyst's too) never sees a token: it is kept
  // beside the event for the one receiver meant to send it (the survey.sent webhook delivery).
  await insertEvents(
    tx,
    views.map((v) => eventRow(ctx, now, 'survey.sent', { type: 'survey', id: v.id }, { ...v, token: null, respond_url: null }, { token: v.token, respond_url: v.respond_url })),
  );
  return views;
}

/** POST /v1/tickets/{id}/surveys: a survey on demand for a resolved or closed ticket. */
export async function createSurvey(deps: SurveyDeps, ctx: ChangeContext, ticketId: string): Promise<SurveyView> {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const ticket = await lockVisibleTicket(tx, ctx.actor, ticketId);
    if (ticket.status !== 'resolved' && ticket.status !== 'closed') {
      throw conflict(`A survey asks about a finished service; ticket ${ticketId} is ${ticket.status}.`, { current_status: ticket.status });
    }
    const [view] = await openSurveys(tx, ctx, [ticket], 'manual', now, deps.surveys);
    if (!view) throw conflict(`Ticket ${ticketId} already has an open survey; at most one is open per ticket.`);
    return view;
  });
}

export async function getSurvey(deps: SurveyDeps, id: string): Promise<SurveyView> {
  const row = await repo.findSurvey(deps.db, id);
  if (!row) throw notFound('Survey', id);
  return present(row);
}

export async function listSurveys(deps: SurveyDeps, q: SurveyListQuery) {
  const ks = keysetFrom(q);
  const { limit: _l, cursor: _c, updated_since: _u, ...filter } = q;
  const page = pageOf(await repo.surveyListQuery(deps.db, filter, ks).execute(), ks);
  return { data: page.data.map((r) => present(r)), next_cursor: page.next_cursor };
}

/** Why a token does not lead to an open survey: unknown 404, expired 410, answered 409. */
async function refuse(db: Db | Tx, hash: Buffer): Promise<never> {
  const row = await repo.stateByToken(db, hash);
  if (!row) throw notFound('Survey', 'with this token');
  if (row.status === 'answered') throw conflict('This survey has already been answered. Thank you!');
  throw gone('This survey has expired.');
}

/** GET /v1/public/surveys/{token}: the questions and what they are about, with no personal data. */
export async function publicSurvey(deps: SurveyDeps, token: string) {
  const hash = hashToken(token);
  const now = deps.clock.now();
  const row = await repo.publicByToken(deps.db, hash);
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
    const answered = await repo.answer(tx, hash, answer, now);
    if (!answered) return refuse(tx, hash);
    let survey = answered;
    if (answer.csat <= deps.surveys.recoveryCsat) {
      const [original] = await ticketViews(tx, [survey.ticket_id], now);
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
      const careId = care?.id ?? (await recoveryTicketOf(tx, survey.ticket_id));
      if (careId) survey = await repo.setRecoveryTicket(tx, survey.id, careId);
    }
    await recordOnTimelines(tx, ctx, now, [
      { ticketId: survey.ticket_id, entry: 'survey', action: 'answered', data: { survey_id: survey.id, csat: survey.csat, nps: survey.nps, recovery_ticket_id: survey.recovery_ticket_id } },
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
      const due = await repo.lockDueRequests(tx, dueBefore, DISPATCH_BATCH);
      if (due.length === 0) return 0;
      const ready = due.filter((r) => r.status === 'resolved' || r.status === 'closed');
      dropped += due.length - ready.length;
      sent += (await openSurveys(tx, ctx, ready.map((r) => ({ id: r.ticket_id, customer_id: r.customer_id, technician_id: r.technician_id })), 'resolved', now, s)).length;
      await repo.deleteRequests(tx, due.map((r) => r.ticket_id));
      return due.length;
    });
    if (n < DISPATCH_BATCH) break;
  }
  const expired = await repo.expireOpen(deps.db, now);
  return { surveys_sent: sent, requests_dropped: dropped, surveys_expired: expired };
}

/** Runs in a resolution's transaction (ticket commands' afterResolve): the survey goes out SURVEY_DELAY_MINUTES from now (survey-dispatch). */
export const queueSurvey = (tx: Tx, ticketId: string, now: Date) => repo.queueRequest(tx, ticketId, now);

/** Customer erasure: survey comments are the customer's own words, gone from the surveys and their events (scores stay, they are not personal). */
export async function eraseCustomerComments(tx: Tx, customerId: string): Promise<void> {
  await scrubEventField(tx, 'survey', await repo.clearCustomerComments(tx, customerId), 'comment');
}
