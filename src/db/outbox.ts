/*
 * The outbox: every module writes the events of a change in that change's own transaction
 * (or statement) through eventRow + insertEvents, so an event exists exactly when its change
 * committed. The sequencer numbers committed events for the feed (GET /v1/events).
 */
import { sql, type Insertable } from 'kysely';
import type { Db, EventsTable, Tx } from './types.ts';
import type { ChangeContext } from './context.ts';
import { newId } from '../lib/ids.ts';
import { BULK_FROM, insertJsonRows, type BulkColumn } from './bulk.ts';
import { ADVISORY_LOCKS } from './locks.ts';

const SEQUENCE_BATCH = 5_000;

/** Every event type, by the resource it is about; the feed's `data` is that resource as its GET returns it. */
export const EVENT_TYPES = {
  ticket: [
    'ticket.created',
    'ticket.updated',
    'ticket.assigned',
    'ticket.escalated',
    'ticket.status_changed',
    'ticket.resolved',
    'ticket.closed',
    'ticket.complaint_major',
    'ticket.sla_warning',
    'ticket.sla_breached',
    'ticket.follow_up_due',
  ],
  survey: ['survey.sent', 'survey.answered'],
  customer: ['customer.created', 'customer.updated', 'customer.churn_risk_changed'],
  part: ['part.low_stock'],
  webhook: ['webhook.disabled'],
  visit: ['visit.scheduled', 'visit.rescheduled', 'visit.updated', 'visit.checked_in', 'visit.completed', 'visit.cancelled', 'visit.no_show', 'visit.reminder_due'],
} as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES][number];
/** The document's schema for each kind of event (the feed's oneOf, the webhooks' payloads). */
export const EVENT_SCHEMAS = { ticket: 'TicketEvent', survey: 'SurveyEvent', customer: 'CustomerEvent', part: 'PartEvent', visit: 'VisitEvent', webhook: 'WebhookEvent' } as const satisfies Record<keyof typeof EVENT_TYPES, string>;

/** The outbox row for a change, written in the change's own transaction (or statement). */
export function eventRow(
  ctx: ChangeContext,
  at: Date,
  type: EventType,
  resource: { type: string; id: string },
  data: unknown,
  /** For the event's intended receiver only (a webhook delivery), never the feed. */
  privateData?: Record<string, unknown>,
): Insertable<EventsTable> {
  return {
    id: newId(),
    type,
    occurred_at: at,
    actor: JSON.stringify({ kind: ctx.actor.kind, id: ctx.actor.id, role: ctx.actor.role }),
    resource_type: resource.type,
    resource_id: resource.id,
    data: JSON.stringify(data),
    private_data: privateData ? JSON.stringify(privateData) : null,
  };
}

const EVENT_COLUMNS: BulkColumn[] = [
  { name: 'id', type: 'uuid' },
  { name: 'type', type: 'text' },
  { name: 'occurred_at', type: 'timestamptz' },
  { name: 'actor', type: 'jsonb' },
  { name: 'resource_type', type: 'text' },
  { name: 'resource_id', type: 'uuid' },
  { name: 'data', type: 'jsonb' },
  { name: 'private_data', type: 'jsonb' },
];

export async function insertEvents(tx: Db | Tx, rows: Insertable<EventsTable>[]): Promise<void> {
  if (rows.length >= BULK_FROM) await insertJsonRows(tx, 'events', EVENT_COLUMNS, rows);
  else if (rows.length) await tx.insertInto('events').values(rows).execute();
}

/**
 * Erasure reaches the outbox: every event about the resource gets its scrubbed state as
 * data. Events are never deleted (the feed keeps its positions), only their payload changes.
 */
export async function scrubResourceEvents(tx: Tx, resourceType: string, resourceId: string, data: unknown): Promise<void> {
  await tx
    .updateTable('events')
    .set({ data: JSON.stringify(data) })
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId)
    .execute();
}

/**
 * Numbers the events of every transaction that has finished, in (xid, seq) order, after the
 * highest position given so far. Only one sequencer runs at a time (the others skip); a
 * transaction still running holds back its own events and every later one, so positions
 * only ever grow in the order readers will see them. Returns how many were numbered.
 */
export async function sequenceEvents(db: Db): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${ADVISORY_LOCKS.eventSequencer}) as locked`.execute(tx);
    if (!rows[0]?.locked) return 0;
    const result = await sql`
      with batch as (
        select id, row_number() over (order by xid, seq) as rn
        from events
        where position is null and xid < pg_snapshot_xmin(pg_current_snapshot())
        order by xid, seq
        limit ${SEQUENCE_BATCH}
      ), base as (select coalesce(max(position), 0) as p from events)
      update events e set position = base.p + batch.rn
      from batch, base
      where e.id = batch.id`.execute(tx);
    return Number(result.numAffectedRows ?? 0);
  });
}

/** Erasure of one field of the payloads of events about these resources (a survey's comment, say). */
export async function scrubEventField(tx: Tx, resourceType: string, resourceIds: string[], field: string): Promise<void> {
  if (resourceIds.length === 0) return;
  await sql`
    update events set data = jsonb_set(data, ${`{${field}}`}::text[], 'null')
    where resource_type = ${resourceType} and resource_id = any(${resourceIds}::uuid[]) and data ? ${field} and data ->> ${field} is not null`.execute(tx);
}

/**
 * Retention of the feed: deletes up to `limit` numbered events that happened before `before`,
 * oldest first, except those a webhook delivery still refers to (their log is kept for
 * WEBHOOK_DELIVERIES_RETENTION_DAYS; the event goes at the first run after its deliveries).
 */
export async function deleteEventsBefore(db: Db, before: Date, limit: number): Promise<number> {
  return db.transaction().execute(async (tx) => {
    // The feed refuses deletes (a trigger) except in a transaction that says it is retention.
    await sql`set local aftercare.retention = 'on'`.execute(tx);
    const result = await sql`
      delete from events where id in (
        select e.id from events e
         where e.position is not null and e.occurred_at < ${before}
           and not exists (select 1 from webhook_deliveries d where d.event_id = e.id)
         order by e.position
         limit ${limit}
           for update skip locked)`.execute(tx);
    return Number(result.numAffectedRows ?? 0);
  });
}
