import type { Insertable } from 'kysely';
import type { Clock } from '../../clock.ts';
import { inChange, inChangeStatement } from '../../db/change.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { Db, TicketTimelineTable, Tx } from '../../db/types.ts';
import { decodeCursor, keysetFrom, pageOf } from '../../db/pagination.ts';
import { conflict, notFound, ruleViolated, assertVersion } from '../../domain/errors.ts';
import type { Actor, ChangeContext } from '../../lib/context.ts';
import { newId } from '../../lib/ids.ts';
import { eventRow, insertEvents } from '../../db/outbox.ts';
import * as repo from './tickets.repository.ts';
import type { SlaSettingsCache } from '../sla/sla-settings-cache.ts';
import { asStored, emptySla, initialSla, refreshTicketSla, slaBlocks, slaRowsFromJson, slaRowsOf, type SlaBlock } from '../sla/ticket-sla.service.ts';
import type { CreateNote, CreateTicket, TicketListQuery, TimelineEntrySchema, UpdateTicket } from './tickets.schemas.ts';
import type { Static } from 'typebox';

type TimelineEntry = Static<typeof TimelineEntrySchema>;

export interface TicketDeps {
  db: Db;
  clock: Clock;
  /** Active SLA policies kept in memory (optional: without it they are read per change). */
  slaSettings?: SlaSettingsCache;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

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

export function timelineRow(
  ctx: ChangeContext,
  ticketId: string,
  at: Date,
  entry: Omit<Insertable<TicketTimelineTable>, 'id' | 'ticket_id' | 'at' | 'actor_kind' | 'actor_id' | 'actor_role' | 'data'> & { data?: Record<string, unknown> },
): Insertable<TicketTimelineTable> {
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

/** A technician key works only on its own tickets; any other is a 404, never a hint that it exists. */
export function assertVisible(actor: Actor, row: repo.TicketRow | undefined, id: string): asserts row is repo.TicketRow {
  if (!row || (actor.role === 'technician' && row.technician_id !== actor.technicianId)) throw notFound('Ticket', id);
}

const REPORTED_AT_SKEW_MS = 5 * 60_000;
const RECENT_SEARCH_WINDOW = 5_000;
const duplicateRef = (ref: string | null | undefined) => conflict(`A ticket with external_ref ${ref} already exists.`);

export async function createTicket(deps: TicketDeps, ctx: ChangeContext, input: CreateTicket): Promise<TicketView> {
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
  if (input.complaint_major && input.type !== 'complaint') {
    throw ruleViolated('major-needs-complaint', 'Only a complaint can be major.', [{ path: '/body/complaint_major', message: 'is for complaints only' }]);
  }
  const customer = await repo.findCustomerForTicket(deps.db, { ...(input.customer_id ? { id: input.customer_id } : { external_ref: input.customer_external_ref! }) });
  if (!customer) {
    throw ruleViolated('customer-not-found', `Customer ${input.customer_id ?? input.customer_external_ref} does not exist.`, [
      { path: input.customer_id ? '/body/customer_id' : '/body/customer_external_ref', message: 'does not exist' },
    ]);
  }
  if (customer.status === 'erased') throw conflict(`Customer ${customer.id} was erased; no tickets can be opened for it.`);
  if (input.asset_id) {
    const asset = await repo.findAssetOwner(deps.db, input.asset_id);
    if (!asset || asset.customer_id !== customer.id) {
      throw ruleViolated('asset-not-owned', `Asset ${input.asset_id} is not a product of this customer.`, [{ path: '/body/asset_id', message: 'is not owned by the customer' }]);
    }
  }
  const id = newId();
  const serial = Number(customer.serial);
  const row: repo.TicketRow = {
    id,
    number: `SR-${now.getUTCFullYear()}-${String(serial).padStart(6, '0')}`,
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
    await inChangeStatement(deps.db, ctx, (db) =>
      repo.insertTicket(
        db,
        { ...row, assignment: null, resolution: null, warranty_decision: null, follow_up: null },
        [timelineRow(ctx, id, now, { entry: 'action', action: 'created', data: { channel: row.channel, priority: row.priority, tier: 1 } })],
        events,
        sla,
      ),
    );
  } catch (err) {
    if (isUniqueViolation(err, 'tickets_external_ref_key')) throw duplicateRef(input.external_ref);
    throw err;
  }
  return view;
}

/** Tickets as GET shows them, with their sla blocks (one query for all of them). */
async function withSla(deps: TicketDeps, rows: repo.TicketRow[]): Promise<TicketView[]> {
  const blocks = slaBlocks(await slaRowsOf(deps.db, rows.map((r) => r.id)), deps.clock.now());
  return rows.map((r) => present(r, blocks.get(r.id)));
}

/** Tickets as GET shows them at `now`, read with their stored clocks in one query (events carry these). */
export async function ticketViews(db: Db | Tx, ids: string[], now: Date): Promise<TicketView[]> {
  return (await repo.findTicketsWithSla(db, ids)).map(({ sla_rows, ...row }) => present(row, slaBlocks(slaRowsFromJson(sla_rows), now).get(row.id)));
}

export async function getTicket(deps: TicketDeps, actor: Actor, id: string): Promise<TicketView> {
  const found = await repo.findTicketWithSla(deps.db, id);
  assertVisible(actor, found, id);
  const { sla_rows, ...row } = found;
  return present(row, slaBlocks(slaRowsFromJson(sla_rows), deps.clock.now()).get(id));
}

export async function listTickets(deps: TicketDeps, actor: Actor, q: TicketListQuery) {
  const ks = keysetFrom(q);
  const { limit: _l, cursor: _c, updated_since: _u, ...rest } = q;
  const filter: repo.TicketFilter = { ...rest, now: deps.clock.now() };
  if (actor.role === 'technician') {
    // A technician's list is its own tickets, whatever technician_id it asks for.
    if (filter.technician_id && filter.technician_id !== actor.technicianId) return { data: [], next_cursor: null };
    filter.technician_id = actor.technicianId ?? '00000000-0000-0000-0000-000000000000';
  }
  let rows: repo.TicketRow[] | undefined;
  if (filter.q && ks.mode === 'id') {
    // A full page among the newest tickets is the exact answer (they are scanned newest
    // first); fewer means the matches are rarer, and the index finds them.
    const recent = (await repo.recentSearchQuery(deps.db, { ...filter, q: filter.q }, ks, RECENT_SEARCH_WINDOW).execute()) as repo.TicketRow[];
    if (recent.length > ks.limit) rows = recent;
  }
  rows ??= await repo.ticketListQuery(deps.db, filter, ks).execute();
  const page = pageOf(rows, ks);
  return { data: await withSla(deps, page.data), next_cursor: page.next_cursor };
}

/**
 * Runs a change to one ticket: locks it, checks visibility and If-Match, lets `work`
 * compute the patch, timeline entries and events, and writes them in one transaction.
 */
export async function changeTicket(
  deps: TicketDeps,
  ctx: ChangeContext,
  id: string,
  expectedVersion: number | undefined,
  work: (
    tx: Tx,
    current: repo.TicketRow,
    now: Date,
  ) => Promise<{ patch: Parameters<typeof repo.updateTicket>[2]; timeline: Insertable<TicketTimelineTable>[]; events: (view: TicketView) => ReturnType<typeof eventRow>[] }>,
): Promise<TicketView> {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const current = await repo.lockTicket(tx, id);
    assertVisible(ctx.actor, current, id);
    assertVersion('Ticket', id, current, expectedVersion);
    const { patch, timeline, events } = await work(tx, current, now);
    const row = await repo.updateTicket(tx, id, patch, now);
    await repo.insertTimeline(tx, timeline);
    const sla = await refreshTicketSla(tx, row, now, deps.slaSettings);
    const updated = present(row, slaBlocks(sla, now).get(id));
    await insertEvents(tx, events(updated));
    return updated;
  });
}

export async function updateTicket(
  deps: TicketDeps,
  ctx: ChangeContext,
  id: string,
  input: UpdateTicket,
  expectedVersion: number | undefined,
): Promise<TicketView> {
  try {
    return await changeTicket(deps, ctx, id, expectedVersion, async (tx, current, now) => {
      if (current.status === 'closed' || current.status === 'cancelled') throw conflict(`Ticket ${id} is ${current.status} and can no longer be changed.`);
      const type = input.type ?? current.type;
      if ((input.complaint_major ?? current.complaint_major) && type !== 'complaint') {
        throw ruleViolated('major-needs-complaint', 'Only a complaint can be major.', [{ path: '/body/complaint_major', message: 'is for complaints only' }]);
      }
      if (input.asset_id) {
        const asset = await repo.findAssetOwner(tx, input.asset_id);
        if (!asset || asset.customer_id !== current.customer_id) {
          throw ruleViolated('asset-not-owned', `Asset ${input.asset_id} is not a product of this customer.`, [{ path: '/body/asset_id', message: 'is not owned by the customer' }]);
        }
      }
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
export async function addNote(deps: TicketDeps, ctx: ChangeContext, id: string, input: CreateNote) {
  let entry: Insertable<TicketTimelineTable> | undefined;
  await changeTicket(deps, ctx, id, undefined, async (_tx, current, now) => {
    entry = timelineRow(ctx, id, now, { entry: 'note', note_kind: input.kind, visibility: input.visibility, body: input.body });
    const firstResponse = input.visibility === 'customer' && current.first_responded_at === null && ctx.actor.kind === 'api_key';
    return {
      patch: firstResponse ? { first_responded_at: now } : {},
      timeline: [entry],
      events: (view) => (firstResponse ? [eventRow(ctx, now, 'ticket.updated', { type: 'ticket', id }, view)] : []),
    };
  });
  const e = entry!;
  return presentTimeline({ ...e, at: e.at as Date, data: {} });
}

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

export async function timeline(deps: TicketDeps, actor: Actor, id: string, q: { limit?: number; cursor?: string }) {
  assertVisible(actor, await repo.findTicket(deps.db, id), id);
  const cursor = decodeCursor(q.cursor, 'id');
  const ks = { mode: 'id' as const, limit: q.limit ?? 50, ...(cursor ? { after: { id: cursor.id } } : {}) };
  const page = pageOf(await repo.listTimeline(deps.db, id, ks), ks);
  return { data: page.data.map(presentTimeline), next_cursor: page.next_cursor };
}
