import { sql, type Insertable } from 'kysely';
import type { TicketPriority, TicketTimelineTable, Tx } from '../../db/types.ts';
import type { ChangeContext } from '../../lib/context.ts';
import { newId } from '../../lib/ids.ts';
import { eventRow, insertEvents } from '../../db/outbox.ts';
import { refreshTicketsSla } from '../sla/ticket-sla.service.ts';
import { route } from './tickets.actions.ts';
import { TICKET_COLUMNS, insertTimeline, type TicketRow } from './tickets.repository.ts';
import { ticketViews, timelineRow, type TicketView } from './tickets.service.ts';

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
    type: 'care',
    channel: 'phone',
    priority: s.priority,
    category: s.category,
    subject: s.subject,
    description: s.description,
    region: s.region,
    linked_ticket_id: s.linked_ticket_id,
  }));
  const inserted = await sql<TicketRow>`
    insert into tickets (id, number, customer_id, type, channel, priority, category, subject, description, region, linked_ticket_id,
      reported_at, status, tier, created_at, updated_at)
    select r.id, 'SR-' || ${String(now.getUTCFullYear())} || '-' || lpad(nextval('ticket_number_seq')::text, 6, '0'), r.customer_id, r.type, r.channel,
      r.priority, r.category, r.subject, r.description, r.region, r.linked_ticket_id, ${now}, 'new', 1, ${now}, ${now}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, customer_id uuid, type text, channel text, priority text, category text,
      subject text, description text, region text, linked_ticket_id uuid)
    on conflict do nothing
    returning ${sql.join(TICKET_COLUMNS.map((c) => sql.ref(c)))}`.execute(tx);
  if (inserted.rows.length === 0) return [];
  const specOf = new Map(rows.map((r, i) => [r.id, specs[i]!]));
  const timeline: Insertable<TicketTimelineTable>[] = inserted.rows.map((t) =>
    timelineRow(ctx, t.id, now, { entry: 'action', action: 'created', data: { channel: t.channel, priority: t.priority, tier: 1, care: t.category, linked_ticket_id: t.linked_ticket_id } }),
  );
  const assigned = new Set<string>();
  for (const t of inserted.rows) {
    const skill = specOf.get(t.id)!.routeBySkill;
    if (!skill) continue;
    const routed = await route(tx, { tier: 1, region: t.region, category: skill }, now);
    if (!routed.technicianId) {
      timeline.push(timelineRow(ctx, t.id, now, { entry: 'assignment', action: 'unassigned', data: { reason: `no technician fits: ${routed.reason}`, tier: 1 } }));
      continue;
    }
    const assignment = { technician_id: routed.technicianId, reason: routed.reason, assigned_at: now.toISOString(), by: { kind: ctx.actor.kind, id: ctx.actor.id, role: ctx.actor.role } };
    await tx
      .updateTable('tickets')
      .set({ status: 'assigned', technician_id: routed.technicianId, assignment: JSON.stringify(assignment) })
      .where('id', '=', t.id)
      .execute();
    Object.assign(t, { status: 'assigned', technician_id: routed.technicianId, assignment });
    timeline.push(timelineRow(ctx, t.id, now, { entry: 'assignment', action: 'assigned', data: { technician_id: routed.technicianId, reason: routed.reason, tier: 1 } }));
    assigned.add(t.id);
  }
  await insertTimeline(tx, timeline);
  await refreshTicketsSla(tx, inserted.rows, now);
  const views = await ticketViews(tx, inserted.rows.map((t) => t.id), now);
  await insertEvents(
    tx,
    views.flatMap((v) => [
      eventRow(ctx, now, 'ticket.created', { type: 'ticket', id: v.id }, v),
      ...(assigned.has(v.id) ? [eventRow(ctx, now, 'ticket.assigned', { type: 'ticket', id: v.id }, v)] : []),
    ]),
  );
  return views;
}
