import type { Static } from 'typebox';
import type { Db, Tx } from '../../db/types.ts';
import { clockStateAt, type ClockState } from '../../domain/clock-state.ts';
import { notFound } from '../../domain/errors.ts';
import type { Metric } from '../../domain/sla-clock.ts';
import type { Actor } from '../../db/context.ts';
import type { SlaRow } from './ticket-sla.repository.ts';
import * as repo from './tickets.repository.ts';
import type { TimelineEntrySchema } from './tickets.schemas.ts';

/*
 * A ticket as GET shows it, for one ticket or many: every module that tells about a ticket
 * (events, care tickets, the sweep) presents it through here.
 */

const iso = (d: Date | null) => d?.toISOString() ?? null;

export type SlaBlock = Record<Metric, { due_at: string | null; completed_at: string | null; state: ClockState; breached_at: string | null } | null>;

export const emptySla = (): SlaBlock => ({ first_response: null, resolution: null, follow_up: null, periodic_update: null });

/** The sla block of each ticket at `now`, by ticket id. */
export function slaBlocks(rows: Pick<SlaRow, 'ticket_id' | 'metric' | 'completed_at' | 'paused' | 'state' | 'due_at' | 'warn_at' | 'warned_at' | 'breached_at'>[], now: Date): Map<string, SlaBlock> {
  const out = new Map<string, SlaBlock>();
  for (const r of rows) {
    let block = out.get(r.ticket_id);
    if (!block) out.set(r.ticket_id, (block = emptySla()));
    block[r.metric] = { due_at: iso(r.due_at), completed_at: iso(r.completed_at), state: clockStateAt(r, now), breached_at: iso(r.breached_at) };
  }
  return out;
}

/** Stored clocks that came back as JSON (timestamps as text). */
function slaRowsFromJson(rows: Record<string, unknown>[]): SlaRow[] {
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

export function present(row: repo.TicketRow, sla: SlaBlock = emptySla()) {
  return {
    id: row.id,
    number: row.number,
    customer_id: row.customer_id,
    asset_id: row.asset_id,
    type: row.type,
    channel: row.channel,
    priority: row.priority,
    category: row.category,
    subject: row.subject,
    description: row.description,
    external_ref: row.external_ref,
    region: row.region,
    reported_at: row.reported_at.toISOString(),
    status: row.status,
    tier: row.tier,
    technician_id: row.technician_id,
    assignment: row.assignment,
    hold_reason: row.hold_reason,
    complaint_major: row.complaint_major,
    linked_ticket_id: row.linked_ticket_id,
    first_responded_at: iso(row.first_responded_at),
    resolved_at: iso(row.resolved_at),
    closed_at: iso(row.closed_at),
    cancelled_at: iso(row.cancelled_at),
    resolution: row.resolution,
    warranty_decision: row.warranty_decision,
    follow_up: row.follow_up,
    reopen_count: row.reopen_count,
    sla,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}
export type TicketView = ReturnType<typeof present>;

/** A row read with its clocks as JSON (findTicketWithSla), as GET shows it at `now`. */
export function presentWithSla({ sla_rows, ...row }: repo.TicketRow & { sla_rows: Record<string, unknown>[] }, now: Date): TicketView {
  return present(row, slaBlocks(slaRowsFromJson(sla_rows), now).get(row.id));
}

/** Tickets as GET shows them at `now`, read with their stored clocks in one query (events carry these). */
export async function ticketViews(db: Db | Tx, ids: string[], now: Date): Promise<TicketView[]> {
  return (await repo.findTicketsWithSla(db, ids)).map((r) => presentWithSla(r, now));
}

/** A technician key works only on its own tickets; any other is a 404, never a hint that it exists. */
export function assertVisible(actor: Actor, row: repo.TicketRow | undefined, id: string): asserts row is repo.TicketRow {
  if (!row || (actor.role === 'technician' && row.technician_id !== actor.technicianId)) throw notFound('Ticket', id);
}

type TimelineEntry = Static<typeof TimelineEntrySchema>;

export function presentTimeline(r: {
  id: string;
  at: Date;
  entry: string;
  action?: string | null;
  note_kind?: string | null;
  visibility?: string | null;
  body?: string | null;
  data: unknown;
  actor_kind: string;
  actor_id?: string | null;
  actor_role?: string | null;
}): TimelineEntry {
  return {
    id: r.id,
    at: r.at.toISOString(),
    entry: r.entry,
    action: r.action ?? null,
    note_kind: r.note_kind ?? null,
    visibility: r.visibility ?? null,
    body: r.body ?? null,
    data: (r.data ?? {}) as Record<string, unknown>,
    actor: { kind: r.actor_kind, id: r.actor_id ?? null, role: r.actor_role ?? 'system' },
  } as TimelineEntry;
}

/** The service-recovery care ticket opened for an original ticket, if any. */
export const recoveryTicketOf = (db: Db | Tx, originalId: string) => repo.findRecoveryTicketId(db, originalId);
