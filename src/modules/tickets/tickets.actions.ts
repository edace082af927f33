import type { Insertable } from 'kysely';
import type { TicketStatus, TicketTimelineTable, Tx } from '../../db/types.ts';
import { conflict, ruleViolated } from '../../domain/errors.ts';
import type { ChangeContext } from '../../lib/context.ts';
import { eventRow, type EventType } from '../../db/outbox.ts';
import * as technicians from '../technicians/technicians.repository.ts';
import type { AssignBody, EscalateBody, FollowUpBody, HoldBody, NoteBody, ReasonBody, ResolveBody } from './tickets.actions.schemas.ts';
import type { TicketRow } from './tickets.repository.ts';
import { changeTicket, timelineRow, type TicketDeps, type TicketView } from './tickets.service.ts';
import { OCCUPYING, allowedActions, nextStatus, type TicketAction } from './ticket-workflow.ts';
import { decideWarranty } from './warranty.ts';

type Body =
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

/** Routes a ticket and records why; null with the diagnosis when nobody fits. */
export async function route(tx: Tx, ticket: Pick<TicketRow, 'tier' | 'region' | 'category'>, now: Date) {
  const criteria = { tier: ticket.tier, region: ticket.region, category: ticket.category };
  // First without waiting, so racing assignments spread over free candidates; if every
  // candidate was locked by a racing assignment, wait for one and take it if it still has room.
  const slot =
    (await technicians.routeAndTakeSlot(tx, criteria, now, { skipLocked: true })) ??
    (await technicians.routeAndTakeSlot(tx, criteria, now, { skipLocked: false }));
  if (slot) {
    return {
      technicianId: slot.id,
      reason:
        `auto: least loaded active tier ${ticket.tier} technician serving region ${ticket.region ?? '(none)'} ` +
        `with skill ${ticket.category}; ${slot.open_tickets - 1} of ${slot.max_open_tickets} open before this`,
    };
  }
  const d = await technicians.diagnoseRouting(tx, criteria);
  const why =
    d.active_at_tier === 0
      ? `no active tier ${ticket.tier} technician`
      : d.in_region === 0
        ? `no active tier ${ticket.tier} technician serves region ${ticket.region ?? '(none)'}`
        : d.with_skill === 0
          ? `none of the ${d.in_region} tier ${ticket.tier} technicians in region ${ticket.region} has skill ${ticket.category}`
          : `all ${d.with_skill} matching technicians are at capacity`;
  return { technicianId: null, reason: why, diagnosis: d };
}

export async function act(deps: TicketDeps, ctx: ChangeContext, id: string, req: Body, expectedVersion: number | undefined): Promise<TicketView> {
  return changeTicket(deps, ctx, id, expectedVersion, async (tx, current, now) => {
    const outcome = req.action === 'follow_up' ? req.body.outcome : undefined;
    const to = nextStatus(current.status, req.action, outcome);
    if (!to) {
      throw conflict(`A ticket that is ${current.status} cannot ${apiName(req.action)}; allowed: ${allowedActions(current.status).join(', ') || 'none'}.`, {
        current_status: current.status,
        allowed_actions: allowedActions(current.status),
      });
    }
    const step = await perform(tx, ctx, current, req, to, now);
    const status = (step.patch.status as TicketStatus | undefined) ?? current.status;
    if (status !== current.status) step.events.push('ticket.status_changed');
    return {
      patch: step.patch,
      timeline: step.timeline,
      events: (view) => step.events.map((type) => eventRow(ctx, now, type, { type: 'ticket', id }, view)),
    };
  });
}

async function perform(tx: Tx, ctx: ChangeContext, t: TicketRow, req: Body, to: TicketStatus, now: Date): Promise<Step> {
  const id = t.id;
  const occupying = OCCUPYING.includes(t.status) && t.technician_id !== null;
  const action = (name: string, data: Record<string, unknown> = {}, body?: string) =>
    timelineRow(ctx, id, now, { entry: 'action', action: name, data: { from: t.status, to, ...data }, ...(body ? { body } : {}) });
  const assignment = (technicianId: string, reason: string) =>
    JSON.stringify({ technician_id: technicianId, reason, assigned_at: now.toISOString(), by: { kind: ctx.actor.kind, id: ctx.actor.id, role: ctx.actor.role } });

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
        const slot = await technicians.takeSlot(tx, technician_id!, now);
        if (!slot) {
          const state = await technicians.technicianState(tx, technician_id!);
          if (!state) throw ruleViolated('technician-not-found', `Technician ${technician_id} does not exist.`, [{ path: '/body/technician_id', message: 'does not exist' }]);
          throw conflict(state.active ? `Technician ${technician_id} is at capacity (${state.open_tickets} of ${state.max_open_tickets}).` : `Technician ${technician_id} is not active.`);
        }
        chosen = { technicianId: technician_id!, reason: reason ?? `assigned by ${ctx.actor.role}` };
      }
      if (occupying) await technicians.releaseSlot(tx, t.technician_id!);
      return {
        patch: { status: to, technician_id: chosen.technicianId, assignment: assignment(chosen.technicianId, chosen.reason), hold_reason: null },
        timeline: [
          timelineRow(ctx, id, now, {
            entry: 'assignment',
            action: 'assigned',
            data: { technician_id: chosen.technicianId, previous_technician_id: t.technician_id, reason: chosen.reason, tier: t.tier },
          }),
        ],
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
    case 'cancel':
      if (occupying) await technicians.releaseSlot(tx, t.technician_id!);
      return { patch: { status: to, cancelled_at: now, hold_reason: null }, timeline: [action('cancel', { reason: req.body.reason })], events: [] };
    case 'reopen':
      await technicians.addLoad(tx, t.technician_id!);
      return {
        patch: { status: to, resolved_at: null, reopen_count: t.reopen_count + 1 },
        timeline: [action('reopen', { reason: req.body.reason })],
        events: [],
      };
    case 'escalate': {
      if (t.tier >= 3) throw conflict('Tier 3 is the technical support team; a ticket cannot be escalated further.', { current_status: t.status, tier: t.tier });
      if (occupying) await technicians.releaseSlot(tx, t.technician_id!);
      const tier = t.tier + 1;
      const step: Step = {
        patch: { tier, status: 'new', technician_id: null, assignment: null, hold_reason: null },
        timeline: [action('escalate', { from_tier: t.tier, to_tier: tier, reason: req.body.reason, to: 'new' })],
        events: ['ticket.escalated'],
      };
      if (req.body.auto) {
        const routed = await route(tx, { ...t, tier }, now);
        if (routed.technicianId) {
          step.patch = { ...step.patch, status: 'assigned', technician_id: routed.technicianId, assignment: assignment(routed.technicianId, routed.reason) };
          step.timeline.push(
            timelineRow(ctx, id, now, { entry: 'assignment', action: 'assigned', data: { technician_id: routed.technicianId, reason: routed.reason, tier } }),
          );
          step.events.push('ticket.assigned');
        } else {
          step.timeline.push(timelineRow(ctx, id, now, { entry: 'assignment', action: 'unassigned', data: { reason: `no technician fits: ${routed.reason}`, tier } }));
        }
      }
      return step;
    }
    case 'resolve': {
      const b = req.body;
      if (t.type === 'complaint' && !b.root_cause) {
        throw ruleViolated('complaint-root-cause', 'A complaint is resolved with its root cause.', [{ path: '/body/root_cause', message: 'is required for complaints' }]);
      }
      const asset = t.asset_id
        ? ((await tx.selectFrom('assets').select(['warranty_until', 'proof_of_purchase']).where('id', '=', t.asset_id).executeTakeFirst()) ?? null)
        : null;
      const decided = decideWarranty({
        finding: b.warranty,
        overrideReason: b.warranty_override_reason,
        method: b.method,
        reportedOn: t.reported_at.toISOString().slice(0, 10),
        asset,
        charges: b.charges,
      });
      if (!decided.ok) throw ruleViolated(decided.slug, decided.detail, decided.errors);
      if (occupying) await technicians.releaseSlot(tx, t.technician_id!);
      // The satisfaction survey goes out SURVEY_DELAY_MINUTES from now (survey-dispatch).
      await tx.insertInto('survey_requests').values({ ticket_id: id, due_at: now }).onConflict((oc) => oc.column('ticket_id').doUpdateSet({ due_at: now })).execute();
      const resolution = {
        method: b.method,
        summary: b.summary,
        root_cause: b.root_cause ?? null,
        charges: b.charges ? { ...b.charges, total: decided.total } : null,
      };
      return {
        patch: { status: to, resolved_at: now, resolution: JSON.stringify(resolution), warranty_decision: JSON.stringify(decided.decision) },
        timeline: [
          action('resolve', { method: b.method }, b.summary),
          timelineRow(ctx, id, now, { entry: 'decision', action: 'warranty', data: { ...decided.decision, charges_total: decided.total, currency: b.charges?.currency ?? null } }),
        ],
        events: ['ticket.resolved'],
      };
    }
    case 'follow_up': {
      const { outcome, note } = req.body;
      const followUp = JSON.stringify({ outcome, note: note ?? null, at: now.toISOString(), by: { kind: ctx.actor.kind, id: ctx.actor.id, role: ctx.actor.role } });
      if (outcome === 'not_satisfied') await technicians.addLoad(tx, t.technician_id!);
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
