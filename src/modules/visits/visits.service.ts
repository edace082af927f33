import canonicalize from 'canonicalize';
import { systemContext, type Actor, type ChangeContext } from '../../db/context.ts';
import { recordAudit } from '../../db/audit.ts';
import { inChange } from '../../db/change.ts';
import { eventRow, insertEvents, type EventType } from '../../db/outbox.ts';
import { cursorKind, decodeCursor, encodeCursor, keysetFrom, pageOf, type Keyset, type TimedCursor } from '../../db/pagination.ts';
import type { Tx } from '../../db/types.ts';
import { assertVersion, conflict, notFound, ruleViolated } from '../../domain/errors.ts';
import { allowedVisitActions, nextVisitStatus, visitActionName, type VisitAction } from '../../domain/visit-workflow.ts';
import { decideWarranty } from '../../domain/warranty.ts';
import { sha256 } from '../../lib/hash.ts';
import { newId } from '../../lib/ids.ts';
import { consumeForVisit, partsNamed } from '../parts/parts.service.ts';
import { businessCalendar } from '../sla/calendars.service.ts';
import { technicianForVisit } from '../technicians/technicians.service.ts';
import { VISITABLE, lockTicketForVisit, recordVisitStep, type TicketCommandDeps, type VisitStep } from '../tickets/ticket.commands.ts';
import { checkSignature } from './signature.ts';
import * as repo from './visits.repository.ts';
import type { CancelVisitBody, CompleteVisitBody, CreateVisit, RepairRecord, UpdateVisit, VisitListQuery, VisitNoteBody } from './visits.schemas.ts';

/*
 * Field visits (上门服务): booking, rescheduling, the visit's life and the signed repair
 * record. A visit changes its ticket only through the ticket commands (lockTicketForVisit,
 * recordVisitStep); its stock only through the parts service (consumeForVisit). Every change
 * locks the ticket, then the visit, then the parts: one order, no deadlock between them.
 */

export type VisitDeps = TicketCommandDeps;

const iso = (d: Date | null) => d?.toISOString() ?? null;
const MINUTE = 60_000;
/** The longest window a visit may have. */
const MAX_WINDOW_MS = 24 * 3_600_000;
/** Clock skew allowed between a device and the service (a signature "in the future" by a minute is fine). */
const SKEW_MS = 5 * MINUTE;

export function present(row: repo.VisitRow) {
  return {
    id: row.id,
    ticket_id: row.ticket_id,
    customer_id: row.customer_id,
    technician_id: row.technician_id,
    status: row.status,
    window_start: row.window_start.toISOString(),
    window_end: row.window_end.toISOString(),
    buffer_minutes: row.buffer_minutes,
    holds_until: row.holds_until.toISOString(),
    outside_hours: row.outside_hours,
    outside_hours_reason: row.outside_hours_reason,
    planned_parts: row.planned_parts,
    notes: row.notes,
    checked_in_at: iso(row.checked_in_at),
    completed_at: iso(row.completed_at),
    cancelled_at: iso(row.cancelled_at),
    cancel_reason: row.cancel_reason,
    no_show_at: iso(row.no_show_at),
    reminder_sent_at: iso(row.reminder_sent_at),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}
export type VisitView = ReturnType<typeof present>;

/** A technician key sees and acts on its own visits only; any other is a 404, as if it did not exist. */
function assertVisible(actor: Actor, visit: repo.VisitRow | undefined, id: string): asserts visit is repo.VisitRow {
  if (!visit || (actor.role === 'technician' && visit.technician_id !== actor.technicianId)) throw notFound('Visit', id);
}

/** Sums the lines of each part (the same part twice is one line) and checks that every part exists. */
async function partLines(tx: Tx, lines: { part_id: string; quantity: number }[] | undefined, path: string) {
  const merged = new Map<string, number>();
  for (const l of lines ?? []) merged.set(l.part_id, (merged.get(l.part_id) ?? 0) + l.quantity);
  const parts = await partsNamed(tx, [...merged.keys()]);
  const missing = [...merged.keys()].filter((id) => !parts.some((p) => p.id === id));
  if (missing.length) {
    throw ruleViolated('part-not-found', `No part ${missing.join(', ')}.`, missing.map((id) => ({ path, message: `part ${id} does not exist` })));
  }
  return { lines: [...merged].map(([part_id, quantity]) => ({ part_id, quantity })).sort((a, b) => (a.part_id < b.part_id ? -1 : 1)), parts };
}

interface Slot {
  technicianId: string;
  start: Date;
  end: Date;
  outsideHours: boolean;
  reason: string | null;
}

const localTime = (d: Date, timezone: string) => d.toLocaleTimeString('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit' });

/**
 * The booking rules of a slot (window shape, working hours of the technician's calendar):
 * everything but the overlap, which the database decides. Returns the technician's buffer.
 */
async function checkSlot(tx: Tx, slot: Slot, now: Date): Promise<number> {
  if (slot.end <= slot.start) throw ruleViolated('visit-window', 'window_end must come after window_start.', [{ path: '/body/window_end', message: 'must be after window_start' }]);
  if (slot.end.getTime() - slot.start.getTime() > MAX_WINDOW_MS) {
    throw ruleViolated('visit-window', 'A visit window lasts at most 24 hours.', [{ path: '/body/window_end', message: 'is more than 24 hours after window_start' }]);
  }
  if (slot.end.getTime() <= now.getTime()) throw ruleViolated('visit-window', 'The window has already ended.', [{ path: '/body/window_end', message: 'is in the past' }]);
  if (slot.outsideHours && !slot.reason) {
    throw ruleViolated('outside-hours-reason', 'A visit outside working hours needs a reason.', [{ path: '/body/reason', message: 'is required with outside_hours: true' }]);
  }
  if (!slot.outsideHours && slot.reason) {
    throw ruleViolated('outside-hours-reason', 'reason goes with outside_hours: true.', [{ path: '/body/reason', message: 'is only for outside_hours: true' }]);
  }
  const technician = await technicianForVisit(tx, slot.technicianId, '/body/technician_id');
  if (!technician.active) {
    throw ruleViolated('technician-inactive', `Technician ${technician.id} is inactive.`, [{ path: '/body/technician_id', message: 'is inactive' }]);
  }
  // A technician without a calendar has no working hours on record: any window fits.
  if (!slot.outsideHours && technician.calendar_id) {
    const calendar = await businessCalendar(tx, technician.calendar_id);
    const day = calendar?.workingDayOf(slot.start);
    if (calendar && (!day || slot.start < day.start || slot.end > day.end)) {
      const tz = calendar.timezone;
      const hours = day ? `works ${day.date} from ${localTime(day.start, tz)} to ${localTime(day.end, tz)} (${tz})` : `does not work on the day of window_start (${tz})`;
      throw ruleViolated('visit-outside-hours', `Technician ${technician.name} ${hours}. Book within those hours, or send outside_hours: true with a reason.`, [
        { path: day ? '/body/window_end' : '/body/window_start', message: 'is outside the technician\'s working day' },
      ]);
    }
  }
  return technician.travel_buffer_minutes;
}

/** Runs a booking or a reschedule; an overlap refused by the database becomes a 409 naming the visit it collides with. */
async function holdingSlot<T>(deps: VisitDeps, slot: () => { technicianId: string; start: Date; holdsUntil: Date } | undefined, except: string | null, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const s = slot();
    if (!repo.isOverlap(err) || !s) throw err;
    const other = await repo.collidingVisit(deps.db, s.technicianId, s.start, s.holdsUntil, except);
    throw conflict(
      `The technician is already booked then${other ? `: visit ${other}` : ''} (the travel buffer after each visit included). Pick another window or technician.`,
      other ? { colliding_visit_id: other } : {},
    );
  }
}

function visitEvent(ctx: ChangeContext, now: Date, type: EventType, view: VisitView) {
  return eventRow(ctx, now, type, { type: 'visit', id: view.id }, view);
}

export async function bookVisit(deps: VisitDeps, ctx: ChangeContext, ticketId: string, input: CreateVisit): Promise<VisitView> {
  const now = deps.clock.now();
  const start = new Date(input.window_start);
  const end = new Date(input.window_end);
  let held: { technicianId: string; start: Date; holdsUntil: Date } | undefined;
  return holdingSlot(deps, () => held, null, () =>
    inChange(deps.db, ctx, async (tx) => {
      const ticket = await lockTicketForVisit(tx, ticketId);
      if (!VISITABLE.includes(ticket.status)) {
        throw conflict(`Ticket ${ticket.number} is ${ticket.status}; visits are booked on open tickets.`, { current_status: ticket.status });
      }
      const buffer = await checkSlot(tx, { technicianId: input.technician_id, start, end, outsideHours: input.outside_hours ?? false, reason: input.reason ?? null }, now);
      const planned = await partLines(tx, input.planned_parts, '/body/planned_parts');
      const holdsUntil = new Date(end.getTime() + buffer * MINUTE);
      held = { technicianId: input.technician_id, start, holdsUntil };
      const row = await repo.insertVisit(tx, {
        id: newId(),
        ticket_id: ticket.id,
        customer_id: ticket.customer_id,
        technician_id: input.technician_id,
        window_start: start,
        window_end: end,
        buffer_minutes: buffer,
        holds_until: holdsUntil,
        outside_hours: input.outside_hours ?? false,
        outside_hours_reason: input.reason ?? null,
        planned_parts: JSON.stringify(planned.lines),
        notes: input.notes ?? null,
        created_at: now,
        updated_at: now,
      });
      const view = present(row);
      await recordVisitStep(deps, tx, ctx, ticket, now, { action: 'scheduled', data: slotData(view), body: input.notes });
      await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'visit', resource_id: row.id, fields: Object.keys(input) }]);
      await insertEvents(tx, [visitEvent(ctx, now, 'visit.scheduled', view)]);
      return view;
    }),
  );
}

const slotData = (v: VisitView) => ({
  visit_id: v.id,
  technician_id: v.technician_id,
  window_start: v.window_start,
  window_end: v.window_end,
  ...(v.outside_hours ? { outside_hours: true, reason: v.outside_hours_reason } : {}),
});

export async function getVisit(deps: VisitDeps, actor: Actor, id: string): Promise<VisitView> {
  const row = await repo.findVisit(deps.db, id);
  assertVisible(actor, row, id);
  return present(row);
}

/**
 * In schedule order (window_start, then id) by default; with updated_since, oldest change
 * first for incremental sync. A technician key lists its own visits only.
 */
export async function listVisits(deps: VisitDeps, actor: Actor, q: VisitListQuery) {
  const { limit = 50, cursor, updated_since, ...filter } = q;
  const f = { ...filter, ...(actor.role === 'technician' ? { technician_id: actor.technicianId ?? '00000000-0000-0000-0000-000000000000' } : {}) };
  if (actor.role === 'technician' && filter.technician_id && filter.technician_id !== actor.technicianId) return { data: [], next_cursor: null };
  if (updated_since !== undefined || (cursor !== undefined && cursorKind(cursor) === 'updated')) {
    const ks = keysetFrom({ limit, ...(cursor ? { cursor } : {}), ...(updated_since ? { updated_since } : {}) }) as Extract<Keyset, { mode: 'updated' }>;
    const page = pageOf(await repo.visitChangesQuery(deps.db, f, ks).execute(), ks);
    return { data: page.data.map(present), next_cursor: page.next_cursor };
  }
  const after = decodeCursor(cursor, 'window') as TimedCursor | undefined;
  const rows = await repo.visitScheduleQuery(deps.db, f, { limit, ...(after ? { after: { t: new Date(after.t), id: after.id } } : {}) }).execute();
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return {
    data: data.map(present),
    next_cursor: rows.length > limit && last ? encodeCursor({ s: 'window', t: last.window_start.toISOString(), id: last.id }) : null,
  };
}

/**
 * Runs one step of a visit's life: locks its ticket, then the visit, checks who asks and
 * whether the state machine allows the action, and lets `work` write it.
 */
async function changeVisit<R>(
  deps: VisitDeps,
  ctx: ChangeContext,
  id: string,
  action: VisitAction,
  expectedVersion: number | undefined,
  work: (tx: Tx, visit: repo.VisitRow, ticket: Awaited<ReturnType<typeof lockTicketForVisit>>, now: Date) => Promise<R>,
): Promise<R> {
  const found = await repo.findVisit(deps.db, id);
  assertVisible(ctx.actor, found, id);
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const ticket = await lockTicketForVisit(tx, found.ticket_id);
    const visit = await repo.lockVisit(tx, id);
    assertVersion('Visit', id, visit, expectedVersion);
    if (!nextVisitStatus(visit.status, action)) {
      throw conflict(`A visit that is ${visit.status} cannot ${visitActionName(action)}; allowed: ${allowedVisitActions(visit.status).join(', ') || 'none'}.`, {
        current_status: visit.status,
        allowed_actions: allowedVisitActions(visit.status),
      });
    }
    return work(tx, visit, ticket, now);
  });
}

/** Writes a step: the visit's new row, the ticket's timeline entry, the audit line and the event. */
async function finishStep(
  deps: VisitDeps,
  tx: Tx,
  ctx: ChangeContext,
  now: Date,
  ticket: Awaited<ReturnType<typeof lockTicketForVisit>>,
  visit: repo.VisitRow,
  patch: Parameters<typeof repo.updateVisit>[2],
  step: VisitStep | null,
  event: EventType,
  fields: string[],
): Promise<VisitView> {
  const view = present(await repo.updateVisit(tx, visit.id, patch, now));
  if (step) await recordVisitStep(deps, tx, ctx, ticket, now, step);
  await recordAudit(tx, ctx, now, [{ action: event.slice('visit.'.length), resource_type: 'visit', resource_id: visit.id, fields }]);
  await insertEvents(tx, [visitEvent(ctx, now, event, view)]);
  return view;
}

/** PATCH: a new window or technician (the booking rules again, overlap included), or new notes and planned parts. */
export async function updateVisit(deps: VisitDeps, ctx: ChangeContext, id: string, input: UpdateVisit, expectedVersion: number | undefined): Promise<VisitView> {
  let held: { technicianId: string; start: Date; holdsUntil: Date } | undefined;
  return holdingSlot(deps, () => held, id, () =>
    changeVisit(deps, ctx, id, 'reschedule', expectedVersion, async (tx, visit, ticket, now) => {
      const start = input.window_start ? new Date(input.window_start) : visit.window_start;
      const end = input.window_end ? new Date(input.window_end) : visit.window_end;
      const technicianId = input.technician_id ?? visit.technician_id;
      const outsideHours = input.outside_hours ?? visit.outside_hours;
      // Turning outside_hours off drops the old reason; a reason sent without it is refused by checkSlot.
      const reason = outsideHours ? (input.reason ?? visit.outside_hours_reason) : (input.reason ?? null);
      const moved = start.getTime() !== visit.window_start.getTime() || end.getTime() !== visit.window_end.getTime() || technicianId !== visit.technician_id;
      const patch: Parameters<typeof repo.updateVisit>[2] = {};
      if (moved || input.outside_hours !== undefined || input.reason !== undefined) {
        const buffer = await checkSlot(tx, { technicianId, start, end, outsideHours, reason }, now);
        const holdsUntil = new Date(end.getTime() + buffer * MINUTE);
        held = { technicianId, start, holdsUntil };
        Object.assign(patch, {
          technician_id: technicianId,
          window_start: start,
          window_end: end,
          buffer_minutes: buffer,
          holds_until: holdsUntil,
          outside_hours: outsideHours,
          outside_hours_reason: outsideHours ? reason : null,
        });
        // A new time needs a new reminder.
        if (start.getTime() !== visit.window_start.getTime()) patch.reminder_sent_at = null;
      }
      if (input.planned_parts) patch.planned_parts = JSON.stringify((await partLines(tx, input.planned_parts, '/body/planned_parts')).lines);
      if (input.notes !== undefined) patch.notes = input.notes;
      const fields = Object.keys(input);
      const view = await finishStep(deps, tx, ctx, now, ticket, visit, patch, null, moved ? 'visit.rescheduled' : 'visit.updated', fields);
      if (moved) {
        await recordVisitStep(deps, tx, ctx, ticket, now, {
          action: 'rescheduled',
          data: { ...slotData(view), previous: { technician_id: visit.technician_id, window_start: visit.window_start.toISOString(), window_end: visit.window_end.toISOString() } },
        });
      }
      return view;
    }),
  );
}

/** Arrival on site: the ticket's first on-site contact (its first response when none came before). */
export async function checkIn(deps: VisitDeps, ctx: ChangeContext, id: string, body: VisitNoteBody, expectedVersion: number | undefined): Promise<VisitView> {
  return changeVisit(deps, ctx, id, 'check_in', expectedVersion, (tx, visit, ticket, now) =>
    finishStep(deps, tx, ctx, now, ticket, visit, { status: 'checked_in', checked_in_at: now }, { action: 'checked_in', data: { visit_id: id, technician_id: visit.technician_id }, body: body.note }, 'visit.checked_in', ['status']),
  );
}

export async function cancelVisit(deps: VisitDeps, ctx: ChangeContext, id: string, body: CancelVisitBody, expectedVersion: number | undefined): Promise<VisitView> {
  return changeVisit(deps, ctx, id, 'cancel', expectedVersion, (tx, visit, ticket, now) =>
    finishStep(
      deps,
      tx,
      ctx,
      now,
      ticket,
      visit,
      { status: 'cancelled', cancelled_at: now, cancel_reason: body.reason },
      { action: 'cancelled', data: { visit_id: id, technician_id: visit.technician_id, reason: body.reason } },
      'visit.cancelled',
      ['status'],
    ),
  );
}

/** The customer was not there: the slot is freed, the ticket stays open to book again. Only once the window has begun. */
export async function noShow(deps: VisitDeps, ctx: ChangeContext, id: string, body: VisitNoteBody, expectedVersion: number | undefined): Promise<VisitView> {
  return changeVisit(deps, ctx, id, 'no_show', expectedVersion, (tx, visit, ticket, now) => {
    if (now < visit.window_start) {
      throw conflict(`The visit's window starts at ${visit.window_start.toISOString()}; a no-show is recorded once it has begun.`, {
        current_status: visit.status,
        allowed_actions: allowedVisitActions(visit.status).filter((a) => a !== 'no-show'),
      });
    }
    return finishStep(deps, tx, ctx, now, ticket, visit, { status: 'no_show', no_show_at: now }, { action: 'no_show', data: { visit_id: id, technician_id: visit.technician_id }, body: body.note }, 'visit.no_show', ['status']);
  });
}

/** SHA-256, in hex, of the record's canonical JSON (RFC 8785: sorted keys, no spaces, fixed number forms). */
export const recordHash = (record: unknown): string => sha256(canonicalize(record) ?? '').toString('hex');

/**
 * Completion, in one transaction: the parts leave stock (all or none: a short part refuses
 * the whole completion), the repair record is built, hashed and stored (the database
 * refuses any later change to it or to the completed visit), the ticket's timeline shows it.
 */
export async function completeVisit(deps: VisitDeps, ctx: ChangeContext, id: string, body: CompleteVisitBody, expectedVersion: number | undefined): Promise<VisitView> {
  checkSignature(body.signoff.signature);
  const signedAt = new Date(body.signoff.signed_at);
  return changeVisit(deps, ctx, id, 'complete', expectedVersion, async (tx, visit, ticket, now) => {
    if (signedAt.getTime() > now.getTime() + SKEW_MS || signedAt.getTime() < visit.checked_in_at!.getTime() - SKEW_MS) {
      throw ruleViolated('signed-at-invalid', `signed_at must lie between the check-in (${visit.checked_in_at!.toISOString()}) and now.`, [
        { path: '/body/signoff/signed_at', message: 'is in the future or before check-in' },
      ]);
    }
    const { lines, parts } = await partLines(tx, body.parts_used, '/body/parts_used');
    const currencies = [...new Set(parts.map((p) => p.currency))];
    if (currencies.length > 1) {
      throw ruleViolated('parts-currency-mixed', `The parts used are priced in ${currencies.join(' and ')}.`, [{ path: '/body/parts_used', message: 'mixes currencies' }]);
    }
    await consumeForVisit(tx, ctx, now, id, lines);
    const record = await buildRecord(tx, visit, body, lines, parts, now);
    const hash = recordHash(record);
    const view = await finishStep(
      deps,
      tx,
      ctx,
      now,
      ticket,
      visit,
      { status: 'completed', completed_at: now },
      {
        action: 'completed',
        data: {
          visit_id: id,
          technician_id: visit.technician_id,
          test_passed: body.test_passed,
          parts_used: record.parts.map((p) => ({ part_id: p.part_id, sku: p.sku, quantity: p.quantity })),
          signed_by: body.signoff.signed_by,
          record_sha256: hash,
        },
        body: body.work_summary,
      },
      'visit.completed',
      ['status', 'record'],
    );
    await repo.insertRecord(tx, { visit_id: id, ticket_id: visit.ticket_id, record: JSON.stringify(record), sha256: hash, created_at: now });
    return view;
  });
}

async function buildRecord(
  tx: Tx,
  visit: repo.VisitRow,
  body: CompleteVisitBody,
  lines: { part_id: string; quantity: number }[],
  parts: Awaited<ReturnType<typeof partsNamed>>,
  now: Date,
): Promise<RepairRecord> {
  const c = await repo.recordContext(tx, visit);
  const decided = c.warranty_decision
    ? { result: c.warranty_decision.result, chargeable: c.warranty_decision.chargeable, basis: 'ticket_decision' as const }
    : (() => {
        const d = decideWarranty({
          method: 'repair',
          reportedOn: c.reported_at.toISOString().slice(0, 10),
          asset: c.asset_id ? { warranty_until: c.warranty_until, proof_of_purchase: c.proof_of_purchase } : null,
        });
        // A repair decided from the record alone always decides (no finding, no charges to refuse).
        const decision = d.ok ? d.decision : { result: 'out_of_warranty' as const, chargeable: true };
        return { result: decision.result, chargeable: decision.chargeable, basis: 'product_record' as const };
      })();
  const byId = new Map(parts.map((p) => [p.id, p]));
  const recordParts = lines.map((l) => {
    const p = byId.get(l.part_id)!;
    return { part_id: p.id, sku: p.sku, name: p.name, quantity: l.quantity, unit_price: p.unit_price, currency: p.currency, amount: decided.chargeable ? p.unit_price * l.quantity : 0 };
  });
  return {
    format: 'aftercare.repair-record/1',
    visit: {
      id: visit.id,
      window_start: visit.window_start.toISOString(),
      window_end: visit.window_end.toISOString(),
      outside_hours: visit.outside_hours,
      checked_in_at: visit.checked_in_at!.toISOString(),
      completed_at: now.toISOString(),
    },
    ticket: { id: c.ticket_id, number: c.number, type: c.type, category: c.category, subject: c.subject, reported_at: c.reported_at.toISOString() },
    customer: { id: c.customer_id, name: c.customer_name, address: c.customer_address },
    product: c.asset_id ? { asset_id: c.asset_id, product_model: c.product_model!, serial_number: c.serial_number, warranty_until: c.warranty_until } : null,
    technician: { id: visit.technician_id, name: c.technician_name },
    work_summary: body.work_summary,
    test_passed: body.test_passed,
    test_notes: body.test_notes ?? null,
    parts: recordParts,
    warranty: decided,
    charges: { currency: recordParts[0]?.currency ?? null, parts_total: recordParts.reduce((s, p) => s + p.amount, 0) },
    signoff: { signed_by: body.signoff.signed_by, signature: body.signoff.signature, signed_at: new Date(body.signoff.signed_at).toISOString() },
  };
}

/** The frozen record, its stored hash, and whether the record as stored still hashes to it. */
export async function getRecord(deps: VisitDeps, actor: Actor, id: string) {
  const visit = await repo.findVisit(deps.db, id);
  assertVisible(actor, visit, id);
  const row = await repo.findRecord(deps.db, id);
  if (!row) throw conflict(`Visit ${id} is ${visit.status}; a repair record exists once it is completed.`, { current_status: visit.status, allowed_actions: allowedVisitActions(visit.status) });
  const record = row.record as unknown as RepairRecord;
  return { visit_id: id, ticket_id: row.ticket_id, sha256: row.sha256, verifies: recordHash(record) === row.sha256, created_at: row.created_at.toISOString(), record };
}

export type VisitRecordView = Awaited<ReturnType<typeof getRecord>>;

/** Emits visit.reminder_due once for each visit starting within the lead time (the visit-reminders job). */
export async function remindVisitsDue(tx: Tx, now: Date, leadMinutes: number, batch: number): Promise<number> {
  const due = await repo.claimRemindersDue(tx, now, new Date(now.getTime() + leadMinutes * MINUTE), batch);
  const ctx = systemContext();
  await insertEvents(tx, due.map((v) => visitEvent(ctx, now, 'visit.reminder_due', present(v))));
  return due.length;
}

/** A ticket's cancellation (ticket commands' afterCancel): its scheduled visits are cancelled with it, each with its event. */
export async function cancelVisitsOfTicket(tx: Tx, ctx: ChangeContext, ticketId: string, now: Date, reason: string) {
  const cancelled = await repo.cancelScheduledOfTicket(tx, ticketId, now, reason.slice(0, 500));
  if (cancelled.length === 0) return [];
  await recordAudit(tx, ctx, now, cancelled.map((v) => ({ action: 'cancelled', resource_type: 'visit' as const, resource_id: v.id, fields: ['status'] })));
  await insertEvents(tx, cancelled.map((v) => visitEvent(ctx, now, 'visit.cancelled', present(v))));
  return cancelled;
}
