import type { Insertable } from 'kysely';
import type { Static } from 'typebox';
import type { TicketSlaTable, Tx, Db } from '../../db/types.ts';
import { ruleViolated } from '../../domain/errors.ts';
import { METRICS, type HistoryEvent, type Metric, type MetricClock } from '../../domain/sla-clock.ts';
import { clocksUnder, matchPolicies, type MatchedPolicy, type SlaSubject } from '../sla/sla-matching.service.ts';
import type { SlaSettingsCache } from '../sla/sla-settings.service.ts';
import type { TicketSlaSchema } from '../sla/ticket-sla.schemas.ts';
import { storeClocks, type SlaRow } from './ticket-sla.repository.ts';
import { timelineFacts, type TimelineFact } from './tickets.repository.ts';

/*
 * A ticket's SLA clocks: a pure function (domain/sla-clock.ts) of its policy, calendar and
 * timeline, recomputed and stored in ticket_sla in the transaction of every change to it.
 */

/** The ticket's timeline as the clock reads it: which entries start, pause, resume and stop clocks. */
export function historyOf(timeline: TimelineFact[]): HistoryEvent[] {
  const history: HistoryEvent[] = [];
  let responded = false;
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
function slaRows(ticketId: string, policyId: string, clocks: Record<Metric, MetricClock | null>): Insertable<TicketSlaTable>[] {
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

/**
 * Recomputes tickets' clocks from their histories inside the change's transaction (after the
 * change's timeline entries are written), in a fixed number of statements however many: the
 * policy is matched again, so a priority or type change moves the targets; recorded warnings
 * and breaches are kept.
 */
export async function refreshTicketsSla(tx: Tx, subjects: SlaSubject[], now: Date, cache?: SlaSettingsCache): Promise<SlaRow[]> {
  if (subjects.length === 0) return [];
  const [matched, histories] = await Promise.all([matchPolicies(tx, subjects, cache), historiesFor(tx, subjects.map((t) => t.id))]);
  const rows = subjects.flatMap((t, i) => {
    const m = matched[i];
    return m ? slaRows(t.id, m.policy.id, clocksUnder(m, t.reported_at, histories.get(t.id)!, now)) : [];
  });
  return storeClocks(tx, subjects.map((t) => t.id), rows);
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
