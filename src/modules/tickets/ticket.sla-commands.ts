import type { Insertable } from 'kysely';
import { eventRow, insertEvents, type EventType } from '../../db/outbox.ts';
import type { EventsTable, SlaMetric, TicketTimelineTable, Tx } from '../../db/types.ts';
import { planBreachActions, type OnBreach } from '../../domain/breach-actions.ts';
import { OCCUPYING } from '../../domain/ticket-workflow.ts';
import { systemContext } from '../../db/context.ts';
import { onBreachByPolicy } from '../sla/sla-matching.service.ts';
import { releaseSlots, route } from '../technicians/technician-load.service.ts';
import { assignmentOf, routingEntry, timelineRow } from './ticket.commands.ts';
import { measureClocks, refreshTicketsSla } from './ticket.clocks.ts';
import { ticketViews } from './ticket.view.ts';
import { lockDueClocks, lockUnmeasuredTicketIds, markAndRecord, storeMeasured, recordBreachActions, type RecordKind, type RecordedClock } from './ticket-sla.repository.ts';
import * as repo from './tickets.repository.ts';

/*
 * The ticket commands of the scheduled jobs: SLA warnings and breaches recorded with their
 * on_breach actions (sla-sweep), clocks brought up to a settings change (sla-recompute),
 * follow-ups announced (follow-up-reminders). Like every ticket command they write the
 * rows, the timeline, the events and the clocks together, in the caller's transaction.
 */

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
async function applyOnBreach(tx: Tx, recorded: RecordedClock[], now: Date): Promise<Applied> {
  const out = nothingApplied();
  const onBreachOf = await onBreachByPolicy(tx, [...new Set(recorded.map((r) => r.policy_id))]);
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

  const current = await repo.findTickets(tx, [...wanted.keys()]);
  const changes: repo.TicketChange[] = [];
  const released: string[] = [];
  const toRoute: repo.TicketRow[] = [];
  for (const t of current) {
    const w = wanted.get(t.id)!;
    const plan = planBreachActions(t, w.onBreach);
    if (!plan.priority && !plan.escalate) continue;
    const reason = `SLA breach: ${w.metrics.join(', ')}`;
    const change: repo.TicketChange = { id: t.id, priority: t.priority, tier: t.tier, status: t.status, technician_id: t.technician_id, assignment: t.assignment, hold_reason: t.hold_reason };
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
      if (OCCUPYING.includes(t.status) && t.technician_id) released.push(t.technician_id);
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

  await releaseSlots(tx, released);
  const byId = new Map(changes.map((c) => [c.id, c]));
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
      c.assignment = assignmentOf(SYSTEM, routed.technicianId, routed.reason, now);
      out.events.get(t.id)!.push('ticket.assigned');
      out.actions.get(t.id)!.push(`assigned:${routed.technicianId}`);
    }
    out.timeline.push(routingEntry(SYSTEM, t.id, now, t.tier, routed));
  }
  // As for any action: a status change is told when the status ended up different.
  const statusBefore = new Map(current.map((t) => [t.id, t.status as string]));
  for (const c of changes) {
    if (c.status === statusBefore.get(c.id)) continue;
    const types = out.events.get(c.id)!;
    types.splice(types.indexOf('ticket.escalated') + 1, 0, 'ticket.status_changed');
  }
  const updated = await repo.updateTickets(tx, changes, now);
  // Timeline first: the clocks are recomputed from it (an escalation ends a hold).
  const written = out.timeline.splice(0);
  await repo.insertTimeline(tx, written);
  await refreshTicketsSla(tx, updated, now, written);
  return out;
}

export interface SlaBatchResult {
  candidates: number;
  recorded: number;
  priorityRaised: number;
  escalated: number;
}

/**
 * One batch of the sla-sweep in the caller's transaction: locks up to `limit` clocks due at
 * `now`, records them, applies on_breach, and writes the `sla` timeline entries and the
 * events (each carrying the ticket as GET shows it after the batch).
 */
export async function recordSlaBatch(tx: Tx, kind: RecordKind, now: Date, recordedAt: Date, limit: number): Promise<SlaBatchResult> {
  const candidates = await lockDueClocks(tx, kind, now, limit);
  if (candidates.length === 0) return { candidates: 0, recorded: 0, priorityRaised: 0, escalated: 0 };
  const recorded = await markAndRecord(tx, kind, now, recordedAt, candidates);
  // Written before any action they cause, so the timeline reads in that order.
  const timeline = recorded.map((r) =>
    timelineRow(SYSTEM, r.ticket_id, recordedAt, {
      entry: 'sla',
      action: kind === 'breach' ? 'breached' : 'warning',
      data: { metric: r.metric, [kind === 'breach' ? 'due_at' : 'warn_at']: r.at.toISOString(), target_minutes: r.target_minutes, policy_id: r.policy_id },
    }),
  );
  const applied = kind === 'breach' && recorded.length ? await applyOnBreach(tx, recorded, recordedAt) : nothingApplied();
  await recordBreachActions(
    tx,
    recorded.map((r) => r.id),
    [...applied.actions].filter(([, a]) => a.length),
  );
  const ticketIds = [...new Set(recorded.map((r) => r.ticket_id))];
  const views = new Map((await ticketViews(tx, ticketIds, recordedAt)).map((v) => [v.id, v]));
  const type: EventType = kind === 'breach' ? 'ticket.sla_breached' : 'ticket.sla_warning';
  const events: Insertable<EventsTable>[] = recorded.map((r) => eventRow(SYSTEM, recordedAt, type, { type: 'ticket', id: r.ticket_id }, views.get(r.ticket_id)));
  for (const [id, types] of applied.events) for (const t of types) events.push(eventRow(SYSTEM, recordedAt, t, { type: 'ticket', id }, views.get(id)));
  await repo.insertTimeline(tx, timeline);
  await insertEvents(tx, events);
  return { candidates: candidates.length, recorded: recorded.length, priorityRaised: applied.priorityRaised, escalated: applied.escalated };
}

/**
 * sla-recompute's page: the next `limit` tickets not closed or cancelled after `after`, locked
 * in id order, their clocks recomputed at `now`. Returns the last id, or null when done.
 */
export async function recomputeClocksPage(tx: Tx, after: string | null, limit: number, now: Date): Promise<{ count: number; last: string | null }> {
  const rows = await repo.lockOpenTicketsPage(tx, after, limit);
  await refreshTicketsSla(tx, rows, now, []);
  return { count: rows.length, last: rows.at(-1)?.id ?? null };
}

/**
 * One page of the backfill of business_minutes: stopped clocks stored before the column
 * existed are measured from their tickets' histories. Returns how many tickets it measured.
 */
export async function measureStoppedClocksPage(tx: Tx, limit: number, now: Date): Promise<number> {
  const ids = await lockUnmeasuredTicketIds(tx, limit);
  if (ids.length === 0) return 0;
  const subjects = await repo.findTickets(tx, ids);
  await storeMeasured(tx, ids, await measureClocks(tx, subjects, now));
  return ids.length;
}

/** follow-up-reminders: each follow-up coming due gets an `sla` timeline entry and a `ticket.follow_up_due` event. */
export async function announceFollowUpsDue(tx: Tx, due: { ticket_id: string; due_at: Date }[], now: Date): Promise<void> {
  if (due.length === 0) return;
  await repo.insertTimeline(
    tx,
    due.map((r) => timelineRow(SYSTEM, r.ticket_id, now, { entry: 'sla', action: 'follow_up_due', data: { metric: 'follow_up', due_at: r.due_at.toISOString() } })),
  );
  const views = await ticketViews(tx, due.map((r) => r.ticket_id), now);
  await insertEvents(tx, views.map((v) => eventRow(SYSTEM, now, 'ticket.follow_up_due', { type: 'ticket', id: v.id }, v)));
}

/** The earliest clocks due for a breach or a warning record at `now` (the sweep's one-query idle probe). */
export { probeDue as probeDueClocks } from './ticket-sla.repository.ts';
