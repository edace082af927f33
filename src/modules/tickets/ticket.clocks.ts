import type { Insertable } from 'kysely';
import type { Static } from 'typebox';
import type { TicketSlaTable, TicketTimelineTable, Tx, Db } from '../../db/types.ts';
import { ruleViolated } from '../../domain/errors.ts';
import { clocksOfFold, foldEvents, startFold, type ClockFold, type FoldedClock } from '../../domain/sla-clock-fold.ts';
import { METRICS, type ClockPolicy, type HistoryEvent, type Metric, type MetricClock } from '../../domain/sla-clock.ts';
import { clocksUnder, matchPolicies, type MatchedPolicy, type SlaSubject } from '../sla/sla-matching.service.ts';
import type { SlaSettingsCache } from '../sla/sla-settings.service.ts';
import type { TicketSlaSchema } from '../sla/ticket-sla.schemas.ts';
import { readClockFolds, storeClockFolds, storeClocks, type SlaRow } from './ticket-sla.repository.ts';
import { timelineFacts, type TimelineFact } from './tickets.repository.ts';

/*
 * A ticket's SLA clocks: a pure function (domain/sla-clock.ts) of its policy, calendar and
 * timeline, stored in ticket_sla in the transaction of every change to it. Changes fold their
 * own entries into the ticket's stored fold (domain/sla-clock-fold.ts) instead of reading the
 * whole timeline again; the explanation walks the whole timeline.
 */

/** The ticket's timeline as the clock reads it: which entries start, pause, resume and stop clocks (after a first response already made, when `respondedBefore`). */
export function historyOf(timeline: TimelineFact[], respondedBefore = false): HistoryEvent[] {
  const history: HistoryEvent[] = [];
  let responded = respondedBefore;
  for (const e of timeline) {
    const data = (e.data ?? {}) as Record<string, unknown>;
    if (e.entry === 'note') {
      if (e.visibility === 'customer' && e.actor_kind === 'api_key') {
        history.push({ at: e.at, kind: responded ? 'customer_update' : 'first_response' });
        responded = true;
      }
      continue;
    }
    if (e.entry === 'visit') {
      // A technician checking in on site is in contact with the customer: the first response
      // when none came before, else an update. Every other visit step leaves the clocks alone.
      if (e.action === 'checked_in') {
        history.push({ at: e.at, kind: responded ? 'customer_update' : 'first_response' });
        responded = true;
      }
      continue;
    }
    switch (e.action) {
      case 'hold':
        history.push({ at: e.at, kind: 'hold', reason: String(data.reason ?? '') });
        break;
      // Each of these ends a hold: the ticket is worked on again, or waits for someone new.
      case 'resume':
      case 'assigned':
      case 'escalate':
        history.push({ at: e.at, kind: 'resume' });
        break;
      case 'resolve':
        history.push({ at: e.at, kind: 'resolve' });
        break;
      case 'reopen':
        history.push({ at: e.at, kind: 'reopen' });
        break;
      case 'follow-up':
        history.push({ at: e.at, kind: 'follow_up' });
        if (data.outcome === 'not_satisfied') history.push({ at: e.at, kind: 'reopen' });
        break;
      case 'close':
        history.push({ at: e.at, kind: 'close' });
        break;
      case 'cancel':
        history.push({ at: e.at, kind: 'cancel' });
        break;
    }
  }
  return history;
}

/** The histories of several tickets, read in one query. */
async function historiesFor(db: Db | Tx, ticketIds: string[]): Promise<Map<string, HistoryEvent[]>> {
  const byTicket = await timelineFacts(db, ticketIds);
  return new Map(ticketIds.map((id) => [id, historyOf(byTicket.get(id) ?? [])]));
}

/** Rows of ticket_sla for computed clocks (warned_at and breached_at are the sweep's, not set here). */
function slaRows(ticketId: string, policyId: string, clocks: Record<Metric, FoldedClock | null>): Insertable<TicketSlaTable>[] {
  return METRICS.flatMap((metric) => {
    const c = clocks[metric];
    if (!c) return [];
    return [
      {
        ticket_id: ticketId,
        metric,
        policy_id: policyId,
        target_minutes: c.target_minutes,
        started_at: c.started_at,
        due_at: c.due_at,
        // Kept only while it can still fire: the column's statistics then describe running
        // clocks, and the planner reads the warning index for what it is (small).
        warn_at: c.completed_at ? null : c.warn_at,
        completed_at: c.completed_at,
        // What the reports read: the business minutes a stopped clock ran, pauses excluded.
        business_minutes: c.completed_at ? c.elapsed_minutes : null,
        paused: c.state === 'paused',
        state: c.state,
      },
    ];
  });
}

/** Computed clocks as the stored rows they become (nothing recorded by the sweep yet). */
export const asStored = (rows: Insertable<TicketSlaTable>[]): SlaRow[] =>
  rows.map(({ business_minutes: _m, ...r }) => ({ ...r, due_at: r.due_at ?? null, warn_at: r.warn_at ?? null, completed_at: r.completed_at ?? null, warned_at: null, breached_at: null }));

/** The clocks of a ticket that has no history yet, for its creation. */
export async function initialSla(db: Db | Tx, ticket: SlaSubject, customerTier: string, now: Date, cache?: SlaSettingsCache): Promise<Insertable<TicketSlaTable>[]> {
  const [m] = await matchPolicies(db, [ticket], cache, customerTier);
  return m ? slaRows(ticket.id, m.policy.id, clocksUnder(m, ticket.reported_at, [], now)) : [];
}

/** What a stored fold was folded under: it is valid only under the same policy (targets, warning, pauses), calendar and reported_at. */
function basisOf({ policy, calendarRow }: MatchedPolicy, reportedAt: Date): string {
  const rules = JSON.stringify([policy.targets, policy.warn_at_percent, policy.pause_on]);
  return `${policy.id}:${policy.version}:${rules}|${calendarRow.id}:${calendarRow.version}|${reportedAt.toISOString()}`;
}

const clockPolicy = (m: MatchedPolicy): ClockPolicy => ({ targets: m.policy.targets as ClockPolicy['targets'], warn_at_percent: m.policy.warn_at_percent, pause_on: m.policy.pause_on });

/** Timeline rows as written (data as JSON text), as the clocks read them. */
const factsOf = (rows: Insertable<TicketTimelineTable>[]): (TimelineFact & { ticket_id: string })[] =>
  rows.map((r) => ({
    ticket_id: r.ticket_id,
    at: r.at as Date,
    entry: r.entry,
    action: r.action ?? null,
    visibility: r.visibility ?? null,
    actor_kind: r.actor_kind,
    data: typeof r.data === 'string' ? JSON.parse(r.data) : (r.data ?? {}),
  }));

/** A ticket changed by this transaction: its row after the change (with the version it now has). */
export type ChangedSubject = SlaSubject & { version: number };

/**
 * Recomputes tickets' clocks inside the change's transaction, after the change's timeline
 * entries are written (`written`: every entry this transaction wrote for them), in a fixed
 * number of statements however many tickets and however long their histories: each ticket's
 * stored fold takes in only `written`; a ticket without a usable fold (none yet, another
 * policy or calendar or version of them, a change in between that did not fold, an entry
 * earlier than the fold's last) is folded again from its whole timeline. The policy is
 * matched again, so a priority or type change moves the targets; recorded warnings and
 * breaches are kept.
 */
export async function refreshTicketsSla(tx: Tx, subjects: ChangedSubject[], now: Date, written: Insertable<TicketTimelineTable>[], cache?: SlaSettingsCache): Promise<SlaRow[]> {
  if (subjects.length === 0) return [];
  const ids = subjects.map((t) => t.id);
  const [matched, stored] = await Promise.all([matchPolicies(tx, subjects, cache), readClockFolds(tx, ids)]);
  const writtenBy = new Map<string, TimelineFact[]>();
  for (const f of factsOf(written)) {
    const list = writtenBy.get(f.ticket_id);
    if (list) list.push(f);
    else writtenBy.set(f.ticket_id, [f]);
  }
  const bases = subjects.map((t, i) => (matched[i] ? basisOf(matched[i], t.reported_at) : ''));
  const folds = new Map<string, ClockFold>();
  const again: number[] = [];
  subjects.forEach((t, i) => {
    const m = matched[i];
    if (!m) return;
    const s = stored.get(t.id);
    const own = writtenBy.get(t.id) ?? [];
    const current = s !== undefined && s.basis === bases[i] && (s.version === t.version - 1 || (s.version === t.version && own.length === 0));
    const f = current ? foldEvents(s.fold, historyOf(own, s.fold.firstResponse !== null), clockPolicy(m), m.calendar) : null;
    if (f) folds.set(t.id, f);
    else again.push(i);
  });
  if (again.length) {
    const histories = await historiesFor(tx, again.map((i) => subjects[i]!.id));
    for (const i of again) {
      const t = subjects[i]!;
      const m = matched[i]!;
      const history = [...histories.get(t.id)!].sort((a, b) => a.at.getTime() - b.at.getTime());
      folds.set(t.id, foldEvents(startFold(t.reported_at), history, clockPolicy(m), m.calendar)!);
    }
  }
  const rows = subjects.flatMap((t, i) => {
    const m = matched[i];
    return m ? slaRows(t.id, m.policy.id, clocksOfFold(folds.get(t.id)!, clockPolicy(m), m.calendar, now)) : [];
  });
  const kept = subjects.flatMap((t, i) => (matched[i] ? [{ ticket_id: t.id, basis: bases[i]!, version: t.version, fold: folds.get(t.id)! }] : []));
  const [clocks] = await Promise.all([storeClocks(tx, ids, rows), storeClockFolds(tx, kept)]);
  return clocks;
}

/**
 * The business minutes each clock of these tickets has run (to its stop, or to `now`), from
 * their histories under the policy that matches them now: for clocks stored before
 * ticket_sla kept business_minutes.
 */
export async function measureClocks(tx: Tx, subjects: SlaSubject[], now: Date): Promise<{ ticket_id: string; metric: Metric; minutes: number }[]> {
  if (subjects.length === 0) return [];
  const [matched, histories] = await Promise.all([matchPolicies(tx, subjects), historiesFor(tx, subjects.map((t) => t.id))]);
  return subjects.flatMap((t, i) => {
    const m = matched[i];
    if (!m) return [];
    const clocks = clocksUnder(m, t.reported_at, histories.get(t.id)!, now);
    return METRICS.flatMap((metric) => (clocks[metric] ? [{ ticket_id: t.id, metric, minutes: clocks[metric].elapsed_minutes }] : []));
  });
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * GET /v1/tickets/{id}/sla for a ticket the caller may see: the policy that applies now, its
 * calendar, and per metric the target, the running and paused segments with their business
 * minutes, elapsed and remaining time, and the due date, so a person can redo the arithmetic.
 */
export async function explainClocks(db: Db, ticket: SlaSubject, now: Date) {
  const [matched] = await matchPolicies(db, [ticket]);
  if (!matched) throw ruleViolated('no-sla-policy', 'No active SLA policy matches this ticket.');
  return explanation(ticket.id, matched, clocksUnder(matched, ticket.reported_at, (await historiesFor(db, [ticket.id])).get(ticket.id)!, now), now);
}

function explanation(id: string, { policy, calendarRow }: MatchedPolicy, clocks: Record<Metric, MetricClock | null>, now: Date) {
  return {
    ticket_id: id,
    as_of: now.toISOString(),
    policy: { id: policy.id, name: policy.name, warn_at_percent: policy.warn_at_percent, pause_on: policy.pause_on },
    calendar: { id: calendarRow.id, name: calendarRow.name, timezone: calendarRow.timezone },
    metrics: Object.fromEntries(
      METRICS.map((m) => {
        const c = clocks[m];
        return [
          m,
          c && {
            target_minutes: c.target_minutes,
            started_at: c.started_at.toISOString(),
            due_at: iso(c.due_at),
            warn_at: iso(c.warn_at),
            completed_at: iso(c.completed_at),
            state: c.state,
            elapsed_minutes: c.elapsed_minutes,
            remaining_minutes: c.remaining_minutes,
            segments: c.segments.map((s) => ({ kind: s.kind, from: s.from.toISOString(), to: iso(s.to), business_minutes: s.business_minutes, reason: s.reason ?? null })),
          },
        ];
      }),
    ) as Static<typeof TicketSlaSchema>['metrics'],
  };
}
