import type { Db, Tx } from '../../db/types.ts';
import { BusinessCalendar, type CalendarSpec } from '../../domain/business-calendar.ts';
import type { OnBreach } from '../../domain/breach-actions.ts';
import { firstMatch } from '../../domain/policy-match.ts';
import { computeClocks, type HistoryEvent, type Metric, type MetricClock } from '../../domain/sla-clock.ts';
import type { CalendarRow } from './calendars.repository.ts';
import type { SlaSettingsCache } from './sla-settings.service.ts';
import { activePoliciesWithCalendars, customerTiers, onBreachOf } from './sla-policies.repository.ts';

/** What a ticket is matched on: its kind, urgency and channel, and its customer's tier. */
export interface SlaSubject {
  id: string;
  customer_id: string;
  type: string;
  priority: string;
  channel: string;
  reported_at: Date;
}

type ActivePolicies = Awaited<ReturnType<typeof activePoliciesWithCalendars>>;

const calendarsById = new Map<string, BusinessCalendar>();
/** Parsed calendars, by id and version: a changed calendar has a new version and is parsed again. */
export function calendarOf(row: CalendarRow): BusinessCalendar {
  const key = `${row.id}:${row.version}`;
  let cal = calendarsById.get(key);
  if (!cal) {
    if (calendarsById.size > 1000) calendarsById.clear();
    cal = new BusinessCalendar({ timezone: row.timezone, hours: row.hours as CalendarSpec['hours'], holidays: row.holidays, workdays: row.workdays });
    calendarsById.set(key, cal);
  }
  return cal;
}

/** The first active policy that matches the ticket as it is now, with its calendar. */
function matchPolicy(active: ActivePolicies, ticket: SlaSubject, tier: string) {
  const policy = firstMatch(
    active.map((p) => ({ ...p, match: p.match as Record<string, string[]> })),
    { type: ticket.type, priority: ticket.priority, customer_tier: tier, channel: ticket.channel },
  );
  if (!policy) return undefined;
  const calendarRow = policy.calendar as CalendarRow;
  return { policy, calendarRow, calendar: calendarOf(calendarRow) };
}
export type MatchedPolicy = NonNullable<ReturnType<typeof matchPolicy>>;

/**
 * The policy each ticket falls under now (undefined where none matches), with its calendar:
 * active policies from the cache when given, customer tiers in one query unless known.
 */
export async function matchPolicies(db: Db | Tx, subjects: SlaSubject[], cache?: SlaSettingsCache, knownTier?: string): Promise<(MatchedPolicy | undefined)[]> {
  const [tiers, active] = await Promise.all([
    knownTier !== undefined ? new Map<string, string>() : customerTiers(db, [...new Set(subjects.map((t) => t.customer_id))]),
    cache ? cache.activePolicies(db) : activePoliciesWithCalendars(db),
  ]);
  return subjects.map((t) => matchPolicy(active, t, knownTier ?? tiers.get(t.customer_id) ?? 'standard'));
}

/** A ticket's clocks under its policy, from its history, at `now` (domain/sla-clock.ts does the arithmetic). */
export function clocksUnder(m: MatchedPolicy, reportedAt: Date, history: HistoryEvent[], now: Date): Record<Metric, MetricClock | null> {
  return computeClocks({
    reportedAt,
    history,
    policy: { targets: m.policy.targets as never, warn_at_percent: m.policy.warn_at_percent, pause_on: m.policy.pause_on },
    calendar: m.calendar,
    now,
  });
}


/** on_breach of each policy, by id. */
export async function onBreachByPolicy(db: Db | Tx, policyIds: string[]): Promise<Map<string, OnBreach>> {
  return (await onBreachOf(db, policyIds)) as Map<string, OnBreach>;
}
