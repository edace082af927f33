import type { Insertable } from 'kysely';
import type { Clock } from '../../clock.ts';
import { inChange, inChangeStatement } from '../../db/change.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { eventRow, insertEvents, type EventType } from '../../db/outbox.ts';
import type { Db, TicketPriority, TicketStatus, TicketTimelineTable, Tx } from '../../db/types.ts';
import { assertVersion, conflict, notFound, ruleViolated } from '../../domain/errors.ts';
import { OCCUPYING, allowedActions, nextStatus, type TicketAction } from '../../domain/ticket-workflow.ts';
import { decideWarranty } from '../../domain/warranty.ts';
import type { Actor, ChangeContext } from '../../db/context.ts';
import { newId } from '../../lib/ids.ts';
import type { SlaSettingsCache } from '../sla/sla-settings.service.ts';
import { addLoad, releaseSlots, route, takeSlot } from '../technicians/technician-load.service.ts';
import { asStored, initialSla, refreshTicketsSla } from './ticket.clocks.ts';
import { assertVisible, present, presentTimeline, slaBlocks, ticketViews, type TicketView } from './ticket.view.ts';
import * as repo from './tickets.repository.ts';
import type { AssignBody, EscalateBody, FollowUpBody, HoldBody, NoteBody, ReasonBody, ResolveBody } from './tickets.actions.schemas.ts';
import type { CreateNote, CreateTicket, UpdateTicket } from './tickets.schemas.ts';

/*
 * The only writer of ticket state (tickets, ticket_timeline, ticket_sla): every change to a
 * ticket, from a request, a sweep, a survey answer or the churn scan, is one of these
 * commands. Each takes the change's context and writes the row, its timeline, its events and
 * its recomputed clocks together. The sweep's commands are in ticket.sla-commands.ts.
 */

export interface TicketCommandDeps {
  db: Db;
  clock: Clock;
  /** Active SLA policies kept in memory (optional: without it they are read per change). */
  slaSettings?: SlaSettingsCache;
  /** Runs in the transaction of a resolution (surveys queue the satisfaction survey). */
  afterResolve?: (tx: Tx, ticketId: string, now: Date) => Promise<void>;
  /** Links the knowledge-base articles a resolution names (the articles module counts them). */
  articlesSolved?: (tx: Tx, ticketId: string, articleIds: string[], now: Date) => Promise<void>;
  /** Runs in the transaction of a cancellation (the visits module calls off the ticket's scheduled visits); returns them. */
  afterCancel?: (tx: Tx, ctx: ChangeContext, ticketId: string, now: Date, reason: string) => Promise<{ id: string; technician_id: string }[]>;
}

type TimelineFields = Omit<Insertable<TicketTimelineTable>, 'id' | 'ticket_id' | 'at' | 'actor_kind' | 'actor_id' | 'actor_role' | 'data'> & { data?: Record<string, unknown> };

export function timelineRow(ctx: ChangeContext, ticketId: string, at: Date, entry: TimelineFields): Insertable<TicketTimelineTable> {
  const { data, ...rest } = entry;
  return {
    id: newId(),
    ticket_id: ticketId,
    at,
    actor_kind: ctx.actor.kind,
    actor_id: ctx.actor.id,
    actor_role: ctx.actor.role,
    data: JSON.stringify(data ?? {}),
    ...rest,
  };
}

/** Who made an assignment or a follow-up, as stored on the ticket. */
const by = (ctx: ChangeContext) => ({ kind: ctx.actor.kind, id: ctx.actor.id, role: ctx.actor.role });
export const assignmentOf = (ctx: ChangeContext, technicianId: string, reason: string, now: Date) => ({ technician_id: technicianId, reason, assigned_at: now.toISOString(), by: by(ctx) });

/** The timeline entry of a routing outcome: assigned to someone, or why nobody fits. */
export function routingEntry(ctx: ChangeContext, ticketId: string, now: Date, tier: number, routed: { technicianId: string | null; reason: string }, previous?: string | null) {
  return routed.technicianId
    ? timelineRow(ctx, ticketId, now, {
        entry: 'assignment',
        action: 'assigned',
        data: { technician_id: routed.technicianId, ...(previous !== undefined ? { previous_technician_id: previous } : {}), reason: routed.reason, tier },
      })
    : timelineRow(ctx, ticketId, now, { entry: 'assignment', action: 'unassigned', data: { reason: `no technician fits: ${routed.reason}`, tier } });
}

const REPORTED_AT_SKEW_MS = 5 * 60_000;
/** How far back a ticket may say it was reported: its clocks are computed over that span. */
const REPORTED_AT_MAX_AGE_MS = 365 * 86_400_000;
const duplicateRef = (ref: string | null | undefined) => conflict(`A ticket with external_ref ${ref} already exists.`);
const majorNeedsComplaint = () => ruleViolated('major-needs-complaint', 'Only a complaint can be major.', [{ path: '/body/complaint_major', message: 'is for complaints only' }]);

async function assertAssetOwned(db: Db | Tx, assetId: string, customerId: string) {
  const asset = await repo.findAssetOwner(db, assetId);
  if (!asset || asset.customer_id !== customerId) {
    throw ruleViolated('asset-not-owned', `Asset ${assetId} is not a product of this customer.`, [{ path: '/body/asset_id', message: 'is not owned by the customer' }]);
  }
}

export async function createTicket(deps: TicketCommandDeps, ctx: ChangeContext, input: CreateTicket): Promise<TicketView> {
  const now = deps.clock.now();
  if ((input.customer_id === undefined) === (input.customer_external_ref === undefined)) {
    throw ruleViolated('customer-required', 'Give exactly one of customer_id and customer_external_ref.', [
      { path: '/body/customer_id', message: 'exactly one of customer_id and customer_external_ref is required' },
    ]);
  }
  const reportedAt = input.reported_at ? new Date(input.reported_at) : now;
  if (reportedAt.getTime() > now.getTime() + REPORTED_AT_SKEW_MS) {
    throw ruleViolated('reported-in-future', 'reported_at is in the future.', [{ path: '/body/reported_at', message: 'is in the future' }]);
  }
  if (reportedAt.getTime() < now.getTime() - REPORTED_AT_MAX_AGE_MS) {
    throw ruleViolated('reported-too-long-ago', 'reported_at lies more than 365 days back.', [{ path: '/body/reported_at', message: 'is more than 365 days back' }]);
  }
  if (input.complaint_major && input.type !== 'complaint') throw majorNeedsComplaint();
  const customer = await repo.findCustomerForTicket(deps.db, { ...(input.customer_id ? { id: input.customer_id } : { external_ref: input.customer_external_ref! }) });
  if (!customer) {
    throw ruleViolated('customer-not-found', `Customer ${input.customer_id ?? input.customer_external_ref} does not exist.`, [
      { path: input.customer_id ? '/body/customer_id' : '/body/customer_external_ref', message: 'does not exist' },
    ]);
  }
  if (customer.status === 'erased') throw conflict(`Customer ${customer.id} was erased; no tickets can be opened for it.`);
  if (input.asset_id) await assertAssetOwned(deps.db, input.asset_id, customer.id);
  const id = newId();
  const row: repo.TicketRow = {
    id,
    number: `SR-${now.getUTCFullYear()}-${String(Number(customer.serial)).padStart(6, '0')}`,
    customer_id: customer.id,
    asset_id: input.asset_id ?? null,
    type: input.type,
    channel: input.channel,
    priority: input.priority ?? 'normal',
    category: input.category,
    subject: input.subject,
    description: input.description ?? '',
    external_ref: input.external_ref ?? null,
    region: customer.region,
    reported_at: reportedAt,
    status: 'new',
    tier: 1,
    technician_id: null,
    assignment: null,
    hold_reason: null,
    complaint_major: input.complaint_major ?? false,
    linked_ticket_id: null,
    first_responded_at: null,
    resolved_at: null,
    closed_at: null,
    cancelled_at: null,
    resolution: null,
    warranty_decision: null,
    follow_up: null,
    reopen_count: 0,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  const sla = await initialSla(deps.db, row, customer.tier, now, deps.slaSettings);
  const view = present(row, slaBlocks(asStored(sla), now).get(id));
  const events = [eventRow(ctx, now, 'ticket.created', { type: 'ticket', id }, view)];
  if (row.complaint_major) events.push(eventRow(ctx, now, 'ticket.complaint_major', { type: 'ticket', id }, view));
  try {
    // One statement (ticket, timeline, events, clocks): atomic without a transaction.
    return await inChangeStatement(deps.db, ctx, async (db) => {
      await repo.insertTicket(
        db,
        { ...row, assignment: null, resolution: null, warranty_decision: null, follow_up: null },
        [timelineRow(ctx, id, now, { entry: 'action', action: 'created', data: { channel: row.channel, priority: row.priority, tier: 1 } })],
        events,
        sla,
      );
      return view;
    });
  } catch (err) {
    if (isUniqueViolation(err, 'tickets_external_ref_key')) throw duplicateRef(input.external_ref);
    throw err;
  }
}

interface Change {
  patch: Parameters<typeof repo.updateTicket>[2];
  timeline: Insertable<TicketTimelineTable>[];
  events: (view: TicketView) => ReturnType<typeof eventRow>[];
}

/**
 * Runs a change to one ticket: locks it, checks visibility and If-Match, lets `work`
 * compute the patch, timeline entries and events, and writes them with the recomputed
 * clocks in one transaction. The result is the ticket as GET shows it, or what `respond`
 * makes of it.
 */
async function changeTicket<R = TicketView>(
  deps: TicketCommandDeps,
  ctx: ChangeContext,
  id: string,
  expectedVersion: number | undefined,
  work: (tx: Tx, current: repo.TicketRow, now: Date) => Promise<Change>,
  respond: (updated: TicketView) => R = (updated) => updated as R,
): Promise<R> {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const current = await repo.lockTicket(tx, id);
    assertVisible(ctx.actor, current, id);
    assertVersion('Ticket', id, current, expectedVersion);
    const { patch, timeline, events } = await work(tx, current, now);
    const row = await repo.updateTicket(tx, id, patch, now);
    await repo.insertTimeline(tx, timeline);
    const sla = await refreshTicketsSla(tx, [row], now, timeline, deps.slaSettings);
    const updated = present(row, slaBlocks(sla, now).get(id));
    await insertEvents(tx, events(updated));
    // What the request answers, and so what an Idempotency-Key replay answers.
    return respond(updated);
  });
}

export async function updateTicket(deps: TicketCommandDeps, ctx: ChangeContext, id: string, input: UpdateTicket, expectedVersion: number | undefined): Promise<TicketView> {
  try {
    return await changeTicket(deps, ctx, id, expectedVersion, async (tx, current, now) => {
      if (current.status === 'closed' || current.status === 'cancelled') throw conflict(`Ticket ${id} is ${current.status} and can no longer be changed.`);
      const type = input.type ?? current.type;
      if ((input.complaint_major ?? current.complaint_major) && type !== 'complaint') throw majorNeedsComplaint();
      if (input.asset_id) await assertAssetOwned(tx, input.asset_id, current.customer_id);
      const changed = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== (current as unknown as Record<string, unknown>)[k]);
      const becameMajor = input.complaint_major === true && !current.complaint_major;
      return {
        patch: input,
        timeline: [timelineRow(ctx, id, now, { entry: 'action', action: 'updated', data: { fields: changed } })],
        events: (view) => [
          eventRow(ctx, now, 'ticket.updated', { type: 'ticket', id }, view),
          ...(becameMajor ? [eventRow(ctx, now, 'ticket.complaint_major', { type: 'ticket', id }, view)] : []),
        ],
      };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'tickets_external_ref_key')) throw duplicateRef(input.external_ref);
    throw err;
  }
}

/** A note on the timeline; the first customer-visible contact by staff is the first response. */
export async function addNote(deps: TicketCommandDeps, ctx: ChangeContext, id: string, input: CreateNote) {
  let entry: Insertable<TicketTimelineTable> | undefined;
  return changeTicket(deps, ctx, id, undefined, async (_tx, current, now) => {
    entry = timelineRow(ctx, id, now, { entry: 'note', note_kind: input.kind, visibility: input.visibility, body: input.body });
    const firstResponse = input.visibility === 'customer' && current.first_responded_at === null && ctx.actor.kind === 'api_key';
    return {
      patch: firstResponse ? { first_responded_at: now } : {},
      timeline: [entry],
      events: (view) => (firstResponse ? [eventRow(ctx, now, 'ticket.updated', { type: 'ticket', id }, view)] : []),
    };
  }, () => presentTimeline({ ...entry!, at: entry!.at as Date, data: {} }));
}

export type ActionRequest =
  | { action: 'assign'; body: AssignBody }
  | { action: 'start' | 'resume' | 'close'; body: NoteBody }
  | { action: 'hold'; body: HoldBody }
  | { action: 'escalate'; body: EscalateBody }
  | { action: 'resolve'; body: ResolveBody }
  | { action: 'follow_up'; body: FollowUpBody }
  | { action: 'reopen' | 'cancel'; body: ReasonBody };

interface Step {
  patch: Record<string, unknown>;
  timeline: Insertable<TicketTimelineTable>[];
  events: EventType[];
}

const apiName = (a: TicketAction) => (a === 'follow_up' ? 'follow-up' : a);

/** A workflow action (domain/ticket-workflow.ts says which are allowed from which status). */
export async function act(deps: TicketCommandDeps, ctx: ChangeContext, id: string, req: ActionRequest, expectedVersion: number | undefined): Promise<TicketView> {
  return changeTicket(deps, ctx, id, expectedVersion, async (tx, current, now) => {
    const outcome = req.action === 'follow_up' ? req.body.outcome : undefined;
    const to = nextStatus(current.status, req.action, outcome);
    if (!to) {
      throw conflict(`A ticket that is ${current.status} cannot ${apiName(req.action)}; allowed: ${allowedActions(current.status).join(', ') || 'none'}.`, {
        current_status: current.status,
        allowed_actions: allowedActions(current.status),
      });
    }
    const step = await perform(deps, tx, ctx, current, req, to, now);
    const status = (step.patch.status as TicketStatus | undefined) ?? current.status;
    if (status !== current.status) step.events.push('ticket.status_changed');
    return {
      patch: step.patch,
      timeline: step.timeline,
      events: (view) => step.events.map((type) => eventRow(ctx, now, type, { type: 'ticket', id }, view)),
    };
  });
}

async function perform(deps: TicketCommandDeps, tx: Tx, ctx: ChangeContext, t: repo.TicketRow, req: ActionRequest, to: TicketStatus, now: Date): Promise<Step> {
  const id = t.id;
  const occupying = OCCUPYING.includes(t.status) && t.technician_id !== null;
  const release = () => (occupying ? releaseSlots(tx, [t.technician_id!]) : Promise.resolve());
  const action = (name: string, data: Record<string, unknown> = {}, body?: string) =>
    timelineRow(ctx, id, now, { entry: 'action', action: name, data: { from: t.status, to, ...data }, ...(body ? { body } : {}) });

  switch (req.action) {
    case 'assign': {
      const { technician_id, auto, reason } = req.body;
      if ((technician_id !== undefined) === (auto === true)) {
        throw ruleViolated('assign-target', 'Give technician_id, or auto: true to route the ticket.', [{ path: '/body', message: 'exactly one of technician_id and auto: true' }]);
      }
      if (technician_id && technician_id === t.technician_id && occupying) throw conflict(`Ticket ${id} is already assigned to ${technician_id}.`);
      let chosen: { technicianId: string; reason: string };
      if (auto) {
        const routed = await route(tx, t, now);
        if (!routed.technicianId) throw conflict(`No technician fits: ${routed.reason}.`, { routing: routed.diagnosis });
        chosen = { technicianId: routed.technicianId, reason: routed.reason };
      } else {
        await takeSlot(tx, technician_id!, now);
        chosen = { technicianId: technician_id!, reason: reason ?? `assigned by ${ctx.actor.role}` };
      }
      await release();
      return {
        patch: { status: to, technician_id: chosen.technicianId, assignment: JSON.stringify(assignmentOf(ctx, chosen.technicianId, chosen.reason, now)), hold_reason: null },
        timeline: [routingEntry(ctx, id, now, t.tier, chosen, t.technician_id)],
        events: ['ticket.assigned'],
      };
    }
    case 'start':
    case 'close':
      return {
        patch: { status: to, ...(req.action === 'close' ? { closed_at: now } : {}) },
        timeline: [action(req.action, {}, req.body.note)],
        events: req.action === 'close' ? ['ticket.closed'] : [],
      };
    case 'resume':
      return { patch: { status: to, hold_reason: null }, timeline: [action('resume', {}, req.body.note)], events: [] };
    case 'hold':
      return { patch: { status: to, hold_reason: req.body.reason }, timeline: [action('hold', { reason: req.body.reason }, req.body.note)], events: [] };
    case 'cancel': {
      await release();
      // Nobody goes out for a cancelled ticket: its scheduled visits are called off with it.
      const visits = (await deps.afterCancel?.(tx, ctx, id, now, `ticket cancelled: ${req.body.reason}`)) ?? [];
      return {
        patch: { status: to, cancelled_at: now, hold_reason: null },
        timeline: [
          action('cancel', { reason: req.body.reason }),
          ...visits.map((v) => timelineRow(ctx, id, now, { entry: 'visit', action: 'cancelled', data: { visit_id: v.id, technician_id: v.technician_id, reason: 'the ticket was cancelled' } })),
        ],
        events: [],
      };
    }
    case 'reopen':
      await addLoad(tx, t.technician_id!);
      return {
        patch: { status: to, resolved_at: null, reopen_count: t.reopen_count + 1 },
        timeline: [action('reopen', { reason: req.body.reason })],
        events: [],
      };
    case 'escalate': {
      if (t.tier >= 3) throw conflict('Tier 3 is the technical support team; a ticket cannot be escalated further.', { current_status: t.status, tier: t.tier });
      await release();
      const tier = t.tier + 1;
      const step: Step = {
        patch: { tier, status: 'new', technician_id: null, assignment: null, hold_reason: null },
        timeline: [action('escalate', { from_tier: t.tier, to_tier: tier, reason: req.body.reason, to: 'new' })],
        events: ['ticket.escalated'],
      };
      if (req.body.auto) {
        const routed = await route(tx, { ...t, tier }, now);
        if (routed.technicianId) {
          step.patch = { ...step.patch, status: 'assigned', technician_id: routed.technicianId, assignment: JSON.stringify(assignmentOf(ctx, routed.technicianId, routed.reason, now)) };
          step.events.push('ticket.assigned');
        }
        step.timeline.push(routingEntry(ctx, id, now, tier, routed));
      }
      return step;
    }
    case 'resolve': {
      const b = req.body;
      if (t.type === 'complaint' && !b.root_cause) {
        throw ruleViolated('complaint-root-cause', 'A complaint is resolved with its root cause.', [{ path: '/body/root_cause', message: 'is required for complaints' }]);
      }
      const decided = decideWarranty({
        finding: b.warranty,
        overrideReason: b.warranty_override_reason,
        method: b.method,
        reportedOn: t.reported_at.toISOString().slice(0, 10),
        asset: t.asset_id ? await repo.findAssetWarranty(tx, t.asset_id) : null,
        charges: b.charges,
      });
      if (!decided.ok) throw ruleViolated(decided.slug, decided.detail, decided.errors);
      const charges = b.charge_visit_parts ? await withVisitParts(tx, id, b.charges, decided.decision.chargeable) : b.charges;
      const total = (charges?.items ?? []).reduce((sum, i) => sum + i.amount, 0);
      await release();
      await deps.afterResolve?.(tx, id, now);
      if (b.article_ids?.length) await deps.articlesSolved?.(tx, id, b.article_ids, now);
      const resolution = {
        method: b.method,
        summary: b.summary,
        root_cause: b.root_cause ?? null,
        charges: charges ? { ...charges, total } : null,
        article_ids: b.article_ids ?? [],
      };
      return {
        patch: { status: to, resolved_at: now, resolution: JSON.stringify(resolution), warranty_decision: JSON.stringify(decided.decision) },
        timeline: [
          action('resolve', { method: b.method }, b.summary),
          timelineRow(ctx, id, now, { entry: 'decision', action: 'warranty', data: { ...decided.decision, charges_total: total, currency: charges?.currency ?? null } }),
        ],
        events: ['ticket.resolved'],
      };
    }
    case 'follow_up': {
      const { outcome, note } = req.body;
      const followUp = JSON.stringify({ outcome, note: note ?? null, at: now.toISOString(), by: by(ctx) });
      if (outcome === 'not_satisfied') await addLoad(tx, t.technician_id!);
      return {
        patch: {
          status: to,
          follow_up: followUp,
          ...(to === 'closed' ? { closed_at: now } : {}),
          ...(outcome === 'not_satisfied' ? { resolved_at: null, reopen_count: t.reopen_count + 1 } : {}),
        },
        timeline: [action('follow-up', { outcome }, note)],
        events: to === 'closed' ? ['ticket.closed'] : [],
      };
    }
  }
}

/**
 * The charges of a resolution with the parts of the ticket's completed visits added (resolve
 * with charge_visit_parts): one parts item per line of their repair records, at unit price
 * when the decision is chargeable, else at 0 (an in-warranty repair is free).
 */
async function withVisitParts(tx: Tx, ticketId: string, given: ResolveBody['charges'], chargeable: boolean): Promise<ResolveBody['charges']> {
  const parts = await repo.visitPartsOfTicket(tx, ticketId);
  const currency = given?.currency ?? parts[0]?.currency;
  if (!currency) return given;
  const other = parts.find((p) => p.currency !== currency);
  if (other) {
    throw ruleViolated('parts-currency-mixed', `Part ${other.sku} is priced in ${other.currency}, the charges in ${currency}.`, [{ path: '/body/charge_visit_parts', message: 'the parts are priced in another currency' }]);
  }
  const items = parts.map((p) => ({ kind: 'parts' as const, description: `${p.sku} ${p.name} × ${p.quantity}`.slice(0, 500), amount: chargeable ? p.unit_price * p.quantity : 0 }));
  return { currency, items: [...(given?.items ?? []), ...items] };
}

export interface CareTicketSpec {
  customer_id: string;
  region: string | null;
  /** service_recovery: after a low survey score (one per original ticket); retention: churn risk high (one open per customer). */
  category: 'service_recovery' | 'retention';
  linked_ticket_id: string | null;
  priority: TicketPriority;
  subject: string;
  description: string;
  /** Route at tier 1 to a technician with this skill (the original ticket's category); absent: left new for a person to assign. */
  routeBySkill?: string;
}

/**
 * Opens care tickets in the caller's transaction, all at once: one insert (a spec that would
 * be a second service-recovery ticket for the same original, or a second open retention
 * ticket for the customer, is skipped by its unique index), their timeline, their clocks,
 * then routing where asked, and the events. Returns the tickets opened.
 */
export async function openCareTickets(tx: Tx, ctx: ChangeContext, specs: CareTicketSpec[], now: Date): Promise<TicketView[]> {
  if (specs.length === 0) return [];
  const rows = specs.map((s) => ({
    id: newId(),
    customer_id: s.customer_id,
    type: 'care' as const,
    channel: 'phone' as const,
    priority: s.priority,
    category: s.category,
    subject: s.subject,
    description: s.description,
    region: s.region,
    linked_ticket_id: s.linked_ticket_id,
  }));
  const inserted = await repo.insertCareTickets(tx, rows, now);
  if (inserted.length === 0) return [];
  const specOf = new Map(rows.map((r, i) => [r.id, specs[i]!]));
  const timeline: Insertable<TicketTimelineTable>[] = inserted.map((t) =>
    timelineRow(ctx, t.id, now, { entry: 'action', action: 'created', data: { channel: t.channel, priority: t.priority, tier: 1, care: t.category, linked_ticket_id: t.linked_ticket_id } }),
  );
  const assigned: repo.TicketChange[] = [];
  for (const t of inserted) {
    const skill = specOf.get(t.id)!.routeBySkill;
    if (!skill) continue;
    const routed = await route(tx, { tier: 1, region: t.region, category: skill }, now);
    timeline.push(routingEntry(ctx, t.id, now, 1, routed));
    if (!routed.technicianId) continue;
    assigned.push({ id: t.id, priority: t.priority, tier: 1, status: 'assigned', technician_id: routed.technicianId, assignment: assignmentOf(ctx, routed.technicianId, routed.reason, now), hold_reason: null });
  }
  // The assignment is part of the ticket's opening: written as it, without another version.
  const routedRows = new Map((await repo.assignCareTickets(tx, assigned)).map((r) => [r.id, r]));
  const opened = inserted.map((t) => routedRows.get(t.id) ?? t);
  await repo.insertTimeline(tx, timeline);
  await refreshTicketsSla(tx, opened, now, timeline);
  const views = await ticketViews(tx, opened.map((t) => t.id), now);
  await insertEvents(
    tx,
    views.flatMap((v) => [
      eventRow(ctx, now, 'ticket.created', { type: 'ticket', id: v.id }, v),
      ...(routedRows.has(v.id) ? [eventRow(ctx, now, 'ticket.assigned', { type: 'ticket', id: v.id }, v)] : []),
    ]),
  );
  return views;
}

/** Locks a ticket the actor may see, for a change another module makes about it (a survey on demand). */
export async function lockVisibleTicket(tx: Tx, actor: Actor, id: string): Promise<TicketView> {
  const row = await repo.lockTicket(tx, id);
  assertVisible(actor, row, id);
  return present(row);
}

/** Entries other modules add to tickets' timelines (surveys sent and answered), in the caller's transaction. */
export async function recordOnTimelines(tx: Tx, ctx: ChangeContext, now: Date, entries: { ticketId: string; entry: 'survey'; action: string; data: Record<string, unknown> }[]): Promise<void> {
  await repo.insertTimeline(
    tx,
    entries.map((e) => timelineRow(ctx, e.ticketId, now, { entry: e.entry, action: e.action, data: e.data })),
  );
}

/** Ticket statuses on which a visit can be booked: the ticket is still being worked. */
export const VISITABLE: readonly TicketStatus[] = ['new', 'assigned', 'in_progress', 'on_hold'];

/**
 * Locks a ticket for a change a field visit makes about it (visits.service.ts), first in the
 * visit's transaction, so every visit change takes its locks in one order: ticket, visit,
 * parts. Who may act on the visit is the visit's rule (a technician's own visits), not the
 * ticket's.
 */
export async function lockTicketForVisit(tx: Tx, id: string): Promise<repo.TicketRow> {
  const row = await repo.lockTicket(tx, id);
  if (!row) throw notFound('Ticket', id);
  return row;
}

export interface VisitStep {
  action: 'scheduled' | 'rescheduled' | 'checked_in' | 'completed' | 'cancelled' | 'no_show';
  data: Record<string, unknown>;
  body?: string | undefined;
}

/**
 * A visit's step on its ticket, in the visit's transaction: a `visit` entry on the timeline.
 * Checking in is an on-site contact with the customer: the first response when none came
 * before (the clocks read it from the entry), so it moves the ticket's version and clocks.
 */
export async function recordVisitStep(deps: TicketCommandDeps, tx: Tx, ctx: ChangeContext, ticket: repo.TicketRow, now: Date, step: VisitStep): Promise<void> {
  const entry = timelineRow(ctx, ticket.id, now, { entry: 'visit', action: step.action, data: step.data, ...(step.body ? { body: step.body } : {}) });
  await repo.insertTimeline(tx, [entry]);
  // Of a visit's steps only the check-in is a contact the clocks read (historyOf), and only the
  // first contact changes the ticket itself; the others are the visit's own changes (with its
  // own version and events) and leave the ticket's row and clocks as they are.
  if (step.action !== 'checked_in') return;
  const firstContact = ticket.first_responded_at === null;
  const row = await repo.updateTicket(tx, ticket.id, firstContact ? { first_responded_at: now } : {}, now);
  const sla = await refreshTicketsSla(tx, [row], now, [entry], deps.slaSettings);
  if (firstContact) await insertEvents(tx, [eventRow(ctx, now, 'ticket.updated', { type: 'ticket', id: ticket.id }, present(row, slaBlocks(sla, now).get(ticket.id)))]);
}
