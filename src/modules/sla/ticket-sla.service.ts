import type { Clock as AppClock } from '../../clock.ts';
import type { Db } from '../../db/types.ts';
import { unprocessable } from '../../http/problem.ts';
import type { Static } from 'typebox';
import type { TicketSlaSchema } from './ticket-sla.schemas.ts';
import type { Actor } from '../../lib/context.ts';
import { assertVisible } from '../tickets/tickets.service.ts';
import * as tickets from '../tickets/tickets.repository.ts';
import { BusinessCalendar, type CalendarSpec } from './business-calendar.ts';
import * as calendars from './calendars.repository.ts';
import { firstMatch } from './policy-match.ts';
import { METRICS, computeClocks, type HistoryEvent } from './sla-clock.ts';
import * as policies from './sla-policies.repository.ts';

export interface TicketSlaDeps {
  db: Db;
  clock: AppClock;
}

interface TimelineFact {
  at: Date;
  entry: string;
  action: string | null;
  visibility: string | null;
  actor_kind: string;
  data: unknown;
}

/** The ticket's timeline as the clock reads it. */
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

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * GET /v1/tickets/{id}/sla: the policy that applies now, its calendar, and per metric the
 * target, the running and paused segments with their business minutes, elapsed and
 * remaining time, and the due date, so a person can redo the arithmetic by hand.
 */
export async function explainTicketSla(deps: TicketSlaDeps, actor: Actor, id: string) {
  const ticket = await tickets.findTicket(deps.db, id);
  assertVisible(actor, ticket, id);
  const [tier, timeline, active] = await Promise.all([
    deps.db.selectFrom('customers').select('tier').where('id', '=', ticket.customer_id).executeTakeFirstOrThrow(),
    deps.db
      .selectFrom('ticket_timeline')
      .select(['at', 'entry', 'action', 'visibility', 'actor_kind', 'data'])
      .where('ticket_id', '=', id)
      .orderBy('id')
      .execute(),
    policies.activePolicies(deps.db),
  ]);
  const policy = firstMatch(
    active.map((p) => ({ ...p, match: p.match as Record<string, string[]> })),
    { type: ticket.type, priority: ticket.priority, customer_tier: tier.tier, channel: ticket.channel },
  );
  if (!policy) throw unprocessable('no-sla-policy', 'No active SLA policy matches this ticket.');
  const calendarRow = (await calendars.findCalendar(deps.db, policy.calendar_id))!;
  const calendar = new BusinessCalendar({
    timezone: calendarRow.timezone,
    hours: calendarRow.hours as CalendarSpec['hours'],
    holidays: calendarRow.holidays,
    workdays: calendarRow.workdays,
  });
  const now = deps.clock.now();
  const clocks = computeClocks({
    reportedAt: ticket.reported_at,
    history: historyOf(timeline),
    policy: { targets: policy.targets as never, warn_at_percent: policy.warn_at_percent, pause_on: policy.pause_on },
    calendar,
    now,
  });
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
