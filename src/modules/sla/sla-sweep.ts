import { sql, type Insertable } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Db, EventsTable, SlaMetric, TicketTimelineTable, Tx } from '../../db/types.ts';
import { systemContext } from '../../lib/context.ts';
import { newId } from '../../lib/ids.ts';
import { eventRow, insertEvents, type EventType } from '../../db/outbox.ts';
import { route } from '../tickets/tickets.actions.ts';
import { TICKET_COLUMNS, insertTimeline, type TicketRow } from '../tickets/tickets.repository.ts';
import { ticketViews, timelineRow } from '../tickets/tickets.service.ts';
import { OCCUPYING, nextStatus } from '../tickets/ticket-workflow.ts';
import { DUE, WARN } from './clock-predicates.ts';
import { refreshTicketsSla } from './ticket-sla.service.ts';

export interface SweepDeps {
  db: Db;
  clock: Clock;
  log: Logger;
}

export interface SweepOptions {
  /** Clocks handled per transaction. */
  batchSize: number;
  /** Batches run side by side, each on its own connection (default 1). */
  workers?: number;
  /**
   * Runs inside each batch's transaction after everything is written and before it commits
   * (fault injection for tests: a throw or a killed connection here loses the whole batch).
   */
  beforeCommit?: (tx: Tx, batch: number) => Promise<void>;
  /** Milliseconds spent per phase, added up over the run (for the benchmark's breakdown). */
  timings?: Record<string, number>;
}

async function timed<T>(timings: Record<string, number> | undefined, phase: string, work: () => Promise<T>): Promise<T> {
  if (!timings) return work();
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    timings[phase] = (timings[phase] ?? 0) + performance.now() - t0;
  }
}

export interface SweepCounts {
  breaches: number;
  warnings: number;
  priority_raised: number;
  escalated: number;
  batches: number;
}

type Kind = 'breach' | 'warning';
export interface OnBreach {
  escalate?: boolean;
  raise_priority?: boolean;
}

const RAISED: Record<string, TicketRow['priority']> = { low: 'normal', normal: 'high', high: 'urgent' };

export interface BreachPlan {
  priority?: { from: string; to: TicketRow['priority'] };
  escalate?: { from_tier: number; to_tier: number };
}

/**
 * What on_breach does to a ticket as it is now, for the breaches it just had (each with its
 * policy's on_breach), applied one breach after the other: each raises the priority one step
 * (not past urgent) while the ticket is open, and escalates to the next tier where the
 * workflow allows an escalation (an open ticket below tier 3). So the outcome does not depend
 * on whether two breaches were recorded in one batch or in two. A resolved ticket that misses
 * its follow-up is recorded but not changed.
 */
export function planBreachActions(ticket: Pick<TicketRow, 'status' | 'priority' | 'tier'>, breaches: OnBreach[]): BreachPlan {
  const open = nextStatus(ticket.status, 'escalate') !== undefined;
  let priority = ticket.priority;
  let tier = ticket.tier;
  for (const ob of breaches) {
    if (!open) break;
    const raised = RAISED[priority];
    if (ob.raise_priority && raised) priority = raised;
    if (ob.escalate && tier < 3) tier++;
  }
  const plan: BreachPlan = {};
  if (priority !== ticket.priority) plan.priority = { from: ticket.priority, to: priority };
  if (tier !== ticket.tier) plan.escalate = { from_tier: ticket.tier, to_tier: tier };
  return plan;
}

interface Recorded {
  id: string;
  ticket_id: string;
  metric: SlaMetric;
  at: Date;
  policy_id: string;
  target_minutes: number;
  /** The clock had already stopped (completed late): recorded, but nothing left to act on. */
  completed: boolean;
}

/**
 * Finds clocks past due (or past their warning time), a batch at a time, and locks their
 * tickets, skipping any ticket another transaction holds (a ticket being changed, or one a
 * concurrent sweep has): those are found again by the next batch or run.
 */
async function lockCandidates(tx: Tx, kind: Kind, now: Date, limit: number) {
  const condition = kind === 'breach' ? sql`${DUE} and s.due_at <= ${now}` : sql`${WARN} and s.warn_at <= ${now} and s.due_at > ${now}`;
  const order = kind === 'breach' ? sql`s.due_at` : sql`s.warn_at`;
  const { rows } = await sql<{ ticket_id: string; metric: SlaMetric }>`
    select s.ticket_id, s.metric
    from ticket_sla s join tickets t on t.id = s.ticket_id
    where ${condition}
    order by ${order}
    limit ${limit}
    for update of t skip locked`.execute(tx);
  return rows;
}

/**
 * Marks the locked clocks and records them, in one statement with a fresh snapshot: a clock
 * that a change committed away between the lookup and the lock no longer matches and is left
 * alone. The unique constraint makes a second record of the same ticket, metric and kind
 * impossible; such a row is marked but not recorded again, and nothing else happens for it.
 */
async function markAndRecord(tx: Tx, kind: Kind, now: Date, recordedAt: Date, candidates: { ticket_id: string; metric: SlaMetric }[]) {
  const ids = candidates.map(() => newId());
  const c = sql`unnest(${ids}::uuid[], ${candidates.map((r) => r.ticket_id)}::uuid[], ${candidates.map((r) => r.metric)}::text[]) as c(id, ticket_id, metric)`;
  const mark =
    kind === 'breach'
      ? sql`update ticket_sla s set breached_at = s.due_at, state = case when s.completed_at is null then 'breached' else s.state end
          from ${c} where s.ticket_id = c.ticket_id and s.metric = c.metric and ${DUE} and s.due_at <= ${now}
          returning c.id, s.ticket_id, s.metric, s.due_at as at, s.policy_id, s.target_minutes, s.completed_at is not null as completed`
      : sql`update ticket_sla s set warned_at = s.warn_at, state = 'warning'
          from ${c} where s.ticket_id = c.ticket_id and s.metric = c.metric and ${WARN} and s.warn_at <= ${now} and s.due_at > ${now}
          returning c.id, s.ticket_id, s.metric, s.warn_at as at, s.policy_id, s.target_minutes, false as completed`;
  const { rows } = await sql<Recorded>`
    with marked as (${mark}),
    recorded as (
      insert into sla_breaches (id, ticket_id, metric, kind, at, recorded_at, policy_id, target_minutes, customer_id, technician_id, priority, tier)
      select m.id, m.ticket_id, m.metric, ${kind}, m.at, ${recordedAt}, m.policy_id, m.target_minutes, t.customer_id, t.technician_id, t.priority, t.tier
      from marked m join tickets t on t.id = m.ticket_id
      on conflict on constraint sla_breaches_once do nothing
      returning id
    )
    select m.id, m.ticket_id, m.metric, m.at, m.policy_id, m.target_minutes, m.completed from recorded r join marked m on m.id = r.id`.execute(tx);
  return rows;
}

const SYSTEM = systemContext();

interface Applied {
  timeline: Insertable<TicketTimelineTable>[];
  events: Map<string, EventType[]>;
  actions: Map<string, string[]>;
  priorityRaised: number;
  escalated: number;
}

const nothingApplied = (): Applied => ({ timeline: [], events: new Map(), actions: new Map(), priorityRaised: 0, escalated: 0 });

/**
 * Applies on_breach to the tickets that breached in this batch: one plan per ticket (however
 * many of its metrics breached together), the ticket rows updated in one statement, the
 * freed technicians' loads in one, and the clocks recomputed for all of them at once.
 * Escalated tickets are routed at their new tier one by one, as each assignment changes the
 * load the next one sees.
 */
async function applyOnBreach(tx: Tx, recorded: Recorded[], now: Date, tm?: Record<string, number>): Promise<Applied> {
  const out = nothingApplied();
  const policyIds = [...new Set(recorded.map((r) => r.policy_id))];
  const policies = await tx.selectFrom('sla_policies').select(['id', 'on_breach']).where('id', 'in', policyIds).execute();
  const onBreachOf = new Map(policies.map((p) => [p.id, p.on_breach as OnBreach]));
  const wanted = new Map<string, { onBreach: OnBreach[]; metrics: SlaMetric[] }>();
  for (const r of recorded) {
    if (r.completed) continue;
    const ob = onBreachOf.get(r.policy_id) ?? {};
    if (!ob.escalate && !ob.raise_priority) continue;
    const w = wanted.get(r.ticket_id) ?? { onBreach: [], metrics: [] };
    w.onBreach.push(ob);
    w.metrics.push(r.metric);
    wanted.set(r.ticket_id, w);
  }
  if (wanted.size === 0) return out;

  const current = await tx.selectFrom('tickets').select(TICKET_COLUMNS).where('id', 'in', [...wanted.keys()]).execute();
  const changes: { id: string; priority: string; tier: number; status: string; technician_id: string | null; assignment: unknown; hold_reason: string | null }[] = [];
  const released = new Map<string, number>();
  const toRoute: TicketRow[] = [];
  for (const t of current) {
    const w = wanted.get(t.id)!;
    const plan = planBreachActions(t, w.onBreach);
    if (!plan.priority && !plan.escalate) continue;
    const reason = `SLA breach: ${w.metrics.join(', ')}`;
    const change = { id: t.id, priority: t.priority as string, tier: t.tier, status: t.status as string, technician_id: t.technician_id, assignment: t.assignment, hold_reason: t.hold_reason as string | null };
    const types: EventType[] = [];
    const actions: string[] = [];
    if (plan.priority) {
      change.priority = plan.priority.to;
      out.timeline.push(timelineRow(SYSTEM, t.id, now, { entry: 'action', action: 'updated', data: { fields: ['priority'], from: plan.priority.from, to: plan.priority.to, reason } }));
      types.push('ticket.updated');
      actions.push(`raise_priority:${plan.priority.from}->${plan.priority.to}`);
      out.priorityRaised++;
    }
    if (plan.escalate) {
      if (OCCUPYING.includes(t.status) && t.technician_id) released.set(t.technician_id, (released.get(t.technician_id) ?? 0) + 1);
      Object.assign(change, { tier: plan.escalate.to_tier, status: 'new', technician_id: null, assignment: null, hold_reason: null });
      out.timeline.push(
        timelineRow(SYSTEM, t.id, now, { entry: 'action', action: 'escalate', data: { from: t.status, to: 'new', from_tier: plan.escalate.from_tier, to_tier: plan.escalate.to_tier, reason } }),
      );
      types.push('ticket.escalated');
      actions.push(`escalate:${plan.escalate.from_tier}->${plan.escalate.to_tier}`);
      toRoute.push({ ...t, tier: plan.escalate.to_tier, status: 'new' });
      out.escalated++;
    }
    changes.push(change);
    out.events.set(t.id, types);
    out.actions.set(t.id, actions);
  }
  if (changes.length === 0) return out;

  if (released.size) {
    const techIds = [...released.keys()].sort();
    // Locked in id order, so two sweeps freeing the same technicians cannot deadlock.
    await sql`select id from technicians where id = any(${techIds}::uuid[]) order by id for update`.execute(tx);
    await sql`
      update technicians set open_tickets = open_tickets - r.n
      from unnest(${techIds}::uuid[], ${techIds.map((id) => released.get(id)!)}::int[]) as r(id, n)
      where technicians.id = r.id`.execute(tx);
  }
  const byId = new Map(changes.map((c) => [c.id, c]));
  const t0 = performance.now();
  // Nobody fitting one (tier, region, skill) means nobody fits the next ticket alike in this batch.
  const nobody = new Map<string, string>();
  for (const t of toRoute) {
    const key = `${t.tier}|${t.region ?? ''}|${t.category}`;
    const known = nobody.get(key);
    const routed = known !== undefined ? { technicianId: null, reason: known } : await route(tx, t, now);
    if (!routed.technicianId) nobody.set(key, routed.reason);
    const c = byId.get(t.id)!;
    if (routed.technicianId) {
      c.status = 'assigned';
      c.technician_id = routed.technicianId;
      c.assignment = { technician_id: routed.technicianId, reason: routed.reason, assigned_at: now.toISOString(), by: { kind: 'system', id: null, role: 'system' } };
      out.timeline.push(timelineRow(SYSTEM, t.id, now, { entry: 'assignment', action: 'assigned', data: { technician_id: routed.technicianId, reason: routed.reason, tier: t.tier } }));
      out.events.get(t.id)!.push('ticket.assigned');
      out.actions.get(t.id)!.push(`assigned:${routed.technicianId}`);
    } else {
      out.timeline.push(timelineRow(SYSTEM, t.id, now, { entry: 'assignment', action: 'unassigned', data: { reason: `no technician fits: ${routed.reason}`, tier: t.tier } }));
    }
  }
  if (tm) tm.routing = (tm.routing ?? 0) + performance.now() - t0;
  // As for any action: a status change is told when the status ended up different.
  const statusBefore = new Map(current.map((t) => [t.id, t.status as string]));
  for (const c of changes) {
    if (c.status === statusBefore.get(c.id)) continue;
    const types = out.events.get(c.id)!;
    types.splice(types.indexOf('ticket.escalated') + 1, 0, 'ticket.status_changed');
  }
  const updated = await timed(tm, 'update_tickets', () => sql<TicketRow>`
    update tickets t set priority = c.priority, tier = c.tier, status = c.status, technician_id = c.technician_id,
      assignment = c.assignment, hold_reason = c.hold_reason, updated_at = ${now}, version = t.version + 1
    from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb)
      as c(id uuid, priority text, tier smallint, status text, technician_id uuid, assignment jsonb, hold_reason text)
    where t.id = c.id
    returning ${sql.join(TICKET_COLUMNS.map((col) => sql.ref(`t.${col}`)))}`.execute(tx));
  // Timeline first: the clocks are recomputed from it (an escalation ends a hold).
  await insertTimeline(tx, out.timeline.splice(0));
  await timed(tm, 'refresh_clocks', () => refreshTicketsSla(tx, updated.rows, now));
  return out;
}

/** One batch in one transaction: lock, record, act, write the timeline and the events. */
async function sweepBatch(deps: SweepDeps, kind: Kind, now: Date, opts: SweepOptions, batch: number) {
  return deps.db.transaction().execute(async (tx) => {
    const tm = opts.timings;
    const candidates = await timed(tm, 'lock', () => lockCandidates(tx, kind, now, opts.batchSize));
    if (candidates.length === 0) return { candidates: 0, recorded: 0, priorityRaised: 0, escalated: 0 };
    const recordedAt = deps.clock.now();
    const recorded = await timed(tm, 'record', () => markAndRecord(tx, kind, now, recordedAt, candidates));
    // Written before any action they cause, so the timeline reads in that order.
    const timeline = recorded.map((r) =>
      timelineRow(SYSTEM, r.ticket_id, recordedAt, {
        entry: 'sla',
        action: kind === 'breach' ? 'breached' : 'warning',
        data: { metric: r.metric, [kind === 'breach' ? 'due_at' : 'warn_at']: r.at.toISOString(), target_minutes: r.target_minutes, policy_id: r.policy_id },
      }),
    );
    const applied =
      kind === 'breach' && recorded.length
        ? await timed(tm, 'on_breach', () => applyOnBreach(tx, recorded, recordedAt, tm))
        : nothingApplied();
    if (applied.actions.size) {
      const withActions = [...applied.actions].filter(([, a]) => a.length);
      await sql`
        update sla_breaches b set actions = a.actions::jsonb
        from unnest(${withActions.map(([id]) => id)}::uuid[], ${withActions.map(([, a]) => JSON.stringify(a))}::text[]) as a(ticket_id, actions)
        where b.ticket_id = a.ticket_id and b.id = any(${recorded.map((r) => r.id)}::uuid[])`.execute(tx);
    }

    // The events carry each ticket as GET shows it after the batch (clocks included).
    const ticketIds = [...new Set(recorded.map((r) => r.ticket_id))];
    const views = new Map((await timed(tm, 'views', () => ticketViews(tx, ticketIds, recordedAt))).map((v) => [v.id, v]));
    const type: EventType = kind === 'breach' ? 'ticket.sla_breached' : 'ticket.sla_warning';
    const events: Insertable<EventsTable>[] = recorded.map((r) => eventRow(SYSTEM, recordedAt, type, { type: 'ticket', id: r.ticket_id }, views.get(r.ticket_id)));
    for (const [id, types] of applied.events) for (const t of types) events.push(eventRow(SYSTEM, recordedAt, t, { type: 'ticket', id }, views.get(id)));
    await timed(tm, 'write', async () => {
      await insertTimeline(tx, timeline);
      await insertEvents(tx, events);
    });
    await opts.beforeCommit?.(tx, batch);
    return { candidates: candidates.length, recorded: recorded.length, priorityRaised: applied.priorityRaised, escalated: applied.escalated };
  });
}

/**
 * The sla-sweep: breaches first (a clock past due is not warned as well), then warnings,
 * each in batches until a batch comes back short. Everything is judged against one instant,
 * the run's start. Each batch commits on its own, so a run that dies loses at most the batch
 * it was in, and the next run finds exactly what is left.
 */
export async function sweepSla(deps: SweepDeps, opts: SweepOptions): Promise<SweepCounts> {
  const now = deps.clock.now();
  const counts: SweepCounts = { breaches: 0, warnings: 0, priority_raised: 0, escalated: 0, batches: 0 };
  // One probe of both indexes, outside any transaction: a run with nothing due costs one query.
  // Each is an ordered scan of its partial index that stops at the first row: the planner's
  // estimates for these columns come from the whole table (mostly completed clocks), and an
  // ORDER BY ... LIMIT keeps it on the right index whatever it estimates.
  const { rows } = await sql<{ due: Date | null; warn: Date | null }>`
    select (select s.due_at from ticket_sla s where ${DUE} and s.due_at <= ${now} order by s.due_at limit 1) as due,
           (select s.warn_at from ticket_sla s where ${WARN} and s.warn_at <= ${now} and s.due_at > ${now} order by s.warn_at limit 1) as warn`.execute(deps.db);
  const pending = { breach: rows[0]!.due !== null, warning: rows[0]!.warn !== null };
  let batch = 0;
  // Workers take batches side by side; SKIP LOCKED keeps them on different tickets. Each
  // stops when a batch comes back short (nothing left it could lock).
  const worker = async (kind: Kind) => {
    for (;;) {
      const r = await sweepBatch(deps, kind, now, opts, batch++);
      if (r.candidates > 0) counts.batches++;
      if (kind === 'breach') counts.breaches += r.recorded;
      else counts.warnings += r.recorded;
      counts.priority_raised += r.priorityRaised;
      counts.escalated += r.escalated;
      if (r.candidates < opts.batchSize) break;
    }
  };
  for (const kind of ['breach', 'warning'] as const) {
    if (!pending[kind]) continue;
    await Promise.all(Array.from({ length: Math.max(1, opts.workers ?? 1) }, () => worker(kind)));
  }
  return counts;
}
