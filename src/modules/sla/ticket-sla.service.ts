import type { Clock as AppClock } from '../../clock.ts';
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db, TicketSlaTable, Tx } from '../../db/types.ts';
import { ruleViolated } from '../../domain/errors.ts';
import type { Static } from 'typebox';
import type { TicketSlaSchema } from './ticket-sla.schemas.ts';
import type { Actor } from '../../lib/context.ts';
import { assertVisible } from '../tickets/tickets.service.ts';
import * as tickets from '../tickets/tickets.repository.ts';
import { BusinessCalendar, type CalendarSpec } from './business-calendar.ts';
import type * as calendars from './calendars.repository.ts';
import { firstMatch } from './policy-match.ts';
import type { SlaSettingsCache } from './sla-settings-cache.ts';
import { METRICS, computeClocks, type Clock, type HistoryEvent, type Metric } from './sla-clock.ts';
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

interface SlaSubject {
  id: string;
  customer_id: string;
  type: string;
  priority: string;
  channel: string;
  reported_at: Date;
}

const calendarsById = new Map<string, BusinessCalendar>();
/** Parsed calendars, by id and version: a changed calendar has a new version and is parsed again. */
function calendarOf(row: calendars.CalendarRow): BusinessCalendar {
  const key = `${row.id}:${row.version}`;
  let cal = calendarsById.get(key);
  if (!cal) {
    if (calendarsById.size > 1000) calendarsById.clear();
    cal = new BusinessCalendar({ timezone: row.timezone, hours: row.hours as CalendarSpec['hours'], holidays: row.holidays, workdays: row.workdays });
    calendarsById.set(key, cal);
  }
  return cal;
}

type ActivePolicies = Awaited<ReturnType<typeof policies.activePoliciesWithCalendars>>;

const activePolicies = (db: Db | Tx, cache?: SlaSettingsCache): Promise<ActivePolicies> =>
  cache ? cache.activePolicies(db) : policies.activePoliciesWithCalendars(db);

/** The first active policy that matches the ticket as it is now, with its calendar. */
function matchPolicy(active: ActivePolicies, ticket: SlaSubject, tier: string) {
  const policy = firstMatch(
    active.map((p) => ({ ...p, match: p.match as Record<string, string[]> })),
    { type: ticket.type, priority: ticket.priority, customer_tier: tier, channel: ticket.channel },
  );
  if (!policy) return undefined;
  const calendarRow = policy.calendar as calendars.CalendarRow;
  return { policy, calendarRow, calendar: calendarOf(calendarRow) };
}

/** The policy that matches the ticket as it is now, and its calendar (active policies and their calendars in one query). */
export async function policyFor(db: Db | Tx, ticket: SlaSubject, customerTier?: string, cache?: SlaSettingsCache) {
  const [tier, active] = await Promise.all([
    customerTier ?? db.selectFrom('customers').select('tier').where('id', '=', ticket.customer_id).executeTakeFirstOrThrow().then((c) => c.tier),
    activePolicies(db, cache),
  ]);
  return matchPolicy(active, ticket, tier);
}

interface TimelineRowForClock extends TimelineFact {
  ticket_id: string;
}

/** The histories of several tickets, read in one query. */
async function historiesFor(db: Db | Tx, ticketIds: string[]): Promise<Map<string, HistoryEvent[]>> {
  const rows: TimelineRowForClock[] = await db
    .selectFrom('ticket_timeline')
    .select(['ticket_id', 'at', 'entry', 'action', 'visibility', 'actor_kind', 'data'])
    .where('ticket_id', 'in', ticketIds)
    .orderBy('ticket_id')
    .orderBy('id')
    .execute();
  const byTicket = new Map<string, TimelineFact[]>();
  for (const r of rows) {
    let list = byTicket.get(r.ticket_id);
    if (!list) byTicket.set(r.ticket_id, (list = []));
    list.push(r);
  }
  return new Map(ticketIds.map((id) => [id, historyOf(byTicket.get(id) ?? [])]));
}

type Matched = NonNullable<Awaited<ReturnType<typeof policyFor>>>;
function clocksOf(m: Matched, reportedAt: Date, history: HistoryEvent[], now: Date) {
  return computeClocks({
    reportedAt,
    history,
    policy: { targets: m.policy.targets as never, warn_at_percent: m.policy.warn_at_percent, pause_on: m.policy.pause_on },
    calendar: m.calendar,
    now,
  });
}

/** Rows of ticket_sla for computed clocks (warned_at and breached_at are the sweep's, not set here). */
export function slaRows(ticketId: string, policyId: string, clocks: Record<Metric, Clock | null>): Insertable<TicketSlaTable>[] {
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
        paused: c.state === 'paused',
        state: c.state,
      },
    ];
  });
}

/** Computed clocks as the stored rows they become (nothing recorded by the sweep yet). */
export const asStored = (rows: Insertable<TicketSlaTable>[]): SlaRow[] =>
  rows.map((r) => ({ ...r, due_at: r.due_at ?? null, warn_at: r.warn_at ?? null, completed_at: r.completed_at ?? null, warned_at: null, breached_at: null }));

/** The clocks of a ticket that has no history yet, for its creation. */
export async function initialSla(db: Db | Tx, ticket: SlaSubject, customerTier: string, now: Date, cache?: SlaSettingsCache): Promise<Insertable<TicketSlaTable>[]> {
  const m = await policyFor(db, ticket, customerTier, cache);
  return m ? slaRows(ticket.id, m.policy.id, clocksOf(m, ticket.reported_at, [], now)) : [];
}

/**
 * Recomputes a ticket's clocks from its history inside the change's transaction (after the
 * change's timeline entries are written): the policy is matched again, so a priority or type
 * change moves the targets; recorded warnings and breaches are kept.
 */
export async function refreshTicketSla(tx: Tx, ticket: SlaSubject, now: Date, cache?: SlaSettingsCache): Promise<SlaRow[]> {
  return refreshTicketsSla(tx, [ticket], now, cache);
}

/** The same for many tickets at once, in a fixed number of statements (the sweep's on_breach actions). */
export async function refreshTicketsSla(tx: Tx, subjects: SlaSubject[], now: Date, cache?: SlaSettingsCache): Promise<SlaRow[]> {
  if (subjects.length === 0) return [];
  const ids = subjects.map((t) => t.id);
  const customerIds = [...new Set(subjects.map((t) => t.customer_id))];
  const [tiers, active, histories] = await Promise.all([
    tx.selectFrom('customers').select(['id', 'tier']).where('id', 'in', customerIds).execute(),
    activePolicies(tx, cache),
    historiesFor(tx, ids),
  ]);
  const tierOf = new Map(tiers.map((c) => [c.id, c.tier]));
  const rows = subjects.flatMap((t) => {
    const m = matchPolicy(active, t, tierOf.get(t.customer_id) ?? 'standard');
    return m ? slaRows(t.id, m.policy.id, clocksOf(m, t.reported_at, histories.get(t.id)!, now)) : [];
  });
  // Metrics a ticket no longer has (its new policy has no periodic update, say) go.
  await sql`
    delete from ticket_sla s
    where s.ticket_id = any(${ids}::uuid[])
      and (s.ticket_id, s.metric) not in (select * from unnest(${rows.map((r) => r.ticket_id)}::uuid[], ${rows.map((r) => r.metric)}::text[]))`.execute(tx);
  if (rows.length === 0) return [];
  const stored: SlaRow[] = [];
  // The stored clocks come back from the upsert, with the sweep's records kept.
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    stored.push(
      ...(await tx
        .insertInto('ticket_sla')
        .values(rows.slice(i, i + UPSERT_CHUNK))
        .onConflict((oc) =>
          oc.columns(['ticket_id', 'metric']).doUpdateSet((eb) => ({
            policy_id: eb.ref('excluded.policy_id'),
            target_minutes: eb.ref('excluded.target_minutes'),
            started_at: eb.ref('excluded.started_at'),
            due_at: eb.ref('excluded.due_at'),
            warn_at: eb.ref('excluded.warn_at'),
            completed_at: eb.ref('excluded.completed_at'),
            paused: eb.ref('excluded.paused'),
            state: eb.ref('excluded.state'),
          })),
        )
        .returning(SLA_ROW_COLUMNS)
        .execute()),
    );
  }
  return stored;
}

/** Rows per upsert statement: ten parameters a row stays under Postgres's 65,535. */
const UPSERT_CHUNK = 2_000;

const SLA_ROW_COLUMNS = ['ticket_id', 'metric', 'due_at', 'warn_at', 'completed_at', 'paused', 'state', 'warned_at', 'breached_at'] as const;
export type SlaRow = Pick<Selectable<TicketSlaTable>, 'ticket_id' | 'metric' | 'due_at' | 'warn_at' | 'completed_at' | 'paused' | 'state' | 'warned_at' | 'breached_at'>;

export async function slaRowsOf(db: Db | Tx, ticketIds: string[]): Promise<SlaRow[]> {
  if (ticketIds.length === 0) return [];
  return db
    .selectFrom('ticket_sla')
    .select(SLA_ROW_COLUMNS)
    .where('ticket_id', 'in', ticketIds)
    .execute();
}

/** The state a clock is in at `now`: what it was computed as, moved on by the passing of time. */
export function liveState(r: Pick<SlaRow, 'completed_at' | 'paused' | 'state' | 'due_at' | 'warn_at' | 'warned_at' | 'breached_at'>, now: Date): SlaRow['state'] {
  if (r.completed_at) return r.state;
  if (r.paused) return 'paused';
  if (r.breached_at || (r.due_at && now >= r.due_at)) return 'breached';
  if (r.warned_at || (r.warn_at && now >= r.warn_at)) return 'warning';
  return 'running';
}

export type SlaBlock = Record<Metric, { due_at: string | null; completed_at: string | null; state: SlaRow['state']; breached_at: string | null } | null>;

/** The sla block of each ticket, by ticket id. */
export function slaBlocks(rows: Pick<SlaRow, 'ticket_id' | 'metric' | 'completed_at' | 'paused' | 'state' | 'due_at' | 'warn_at' | 'warned_at' | 'breached_at'>[], now: Date): Map<string, SlaBlock> {
  const out = new Map<string, SlaBlock>();
  for (const r of rows) {
    let block = out.get(r.ticket_id);
    if (!block) out.set(r.ticket_id, (block = { first_response: null, resolution: null, follow_up: null, periodic_update: null }));
    block[r.metric] = { due_at: iso(r.due_at), completed_at: iso(r.completed_at), state: liveState(r, now), breached_at: iso(r.breached_at) };
  }
  return out;
}

/** Stored clocks that came back as JSON (timestamps as text). */
export function slaRowsFromJson(rows: Record<string, unknown>[]): SlaRow[] {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return rows.map((r) => ({
    ticket_id: r.ticket_id as string,
    metric: r.metric as SlaRow['metric'],
    due_at: date(r.due_at),
    warn_at: date(r.warn_at),
    completed_at: date(r.completed_at),
    paused: r.paused as boolean,
    state: r.state as SlaRow['state'],
    warned_at: date(r.warned_at),
    breached_at: date(r.breached_at),
  }));
}

export const emptySla = (): SlaBlock => ({ first_response: null, resolution: null, follow_up: null, periodic_update: null });

/**
 * GET /v1/tickets/{id}/sla: the policy that applies now, its calendar, and per metric the
 * target, the running and paused segments with their business minutes, elapsed and
 * remaining time, and the due date, so a person can redo the arithmetic by hand.
 */
export async function explainTicketSla(deps: TicketSlaDeps, actor: Actor, id: string) {
  const ticket = await tickets.findTicket(deps.db, id);
  assertVisible(actor, ticket, id);
  const matched = await policyFor(deps.db, ticket);
  if (!matched) throw ruleViolated('no-sla-policy', 'No active SLA policy matches this ticket.');
  const { policy, calendarRow } = matched;
  const now = deps.clock.now();
  const clocks = clocksOf(matched, ticket.reported_at, (await historiesFor(deps.db, [id])).get(id)!, now);
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
