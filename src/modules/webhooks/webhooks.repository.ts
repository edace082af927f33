import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { applyKeyset, type Keyset } from '../../db/pagination.ts';
import type { Db, Tx, WebhookDeliveriesTable, WebhooksTable } from '../../db/types.ts';

export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

export async function insertWebhook(db: Db | Tx, row: Insertable<WebhooksTable>): Promise<WebhookRow> {
  return db.insertInto('webhooks').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findWebhook(db: Db | Tx, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockWebhook(tx: Tx, id: string): Promise<WebhookRow | undefined> {
  return tx.selectFrom('webhooks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateWebhook(tx: Tx, id: string, patch: Updateable<WebhooksTable>, at: Date): Promise<WebhookRow> {
  return tx
    .updateTable('webhooks')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteWebhook(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('webhooks').where('id', '=', id).execute();
}

export function webhookListQuery(db: Db, f: { active?: boolean }, ks: Keyset) {
  let q = db.selectFrom('webhooks').selectAll();
  if (f.active === true) q = q.where(sql<boolean>`active`);
  if (f.active === false) q = q.where(sql<boolean>`not active`);
  return applyKeyset(q, 'webhooks', ks);
}

/** The feed's last position: where a new webhook starts (it receives what happens from now on). */
export async function lastPosition(db: Db | Tx): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
  return Number(row?.p ?? 0);
}

export async function insertDelivery(db: Db | Tx, row: Insertable<WebhookDeliveriesTable>): Promise<DeliveryRow> {
  return db.insertInto('webhook_deliveries').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findDelivery(db: Db | Tx, webhookId: string, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).where('id', '=', id).executeTakeFirst();
}

export async function lockDelivery(tx: Tx, webhookId: string, id: string): Promise<DeliveryRow | undefined> {
  return tx.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateDelivery(tx: Tx, id: string, patch: Updateable<WebhookDeliveriesTable>): Promise<DeliveryRow> {
  return tx.updateTable('webhook_deliveries').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** The deliveries log of a webhook, newest first (one index per filter, each led by the webhook). */
export function deliveryListQuery(db: Db, webhookId: string, f: { status?: string; event_type?: string; resource_id?: string }, ks: Extract<Keyset, { mode: 'id' }>) {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  if (f.status) q = q.where('status', '=', f.status as DeliveryRow['status']);
  if (f.event_type) q = q.where('event_type', '=', f.event_type);
  if (f.resource_id) q = q.where('resource_id', '=', f.resource_id);
  if (ks.after) q = q.where('id', '<', ks.after.id);
  return q.orderBy('id', 'desc').limit(ks.limit + 1);
}

/** Whether an event matches a webhook's patterns: *, its type, or <its resource>.* (checkPatterns in webhooks.service.ts admits only these). */
const matching = sql<boolean>`('*' = any(w.events) or e.type = any(w.events) or split_part(e.type, '.', 1) || '.*' = any(w.events))`;

/**
 * Replay: a delivery of every matching event after `fromPosition` up to the feed's end, in one
 * INSERT … SELECT (at most `cap` events; the answer says how far it went).
 */
export async function replayInto(tx: Tx, webhookId: string, fromPosition: number, now: Date, giveUpAt: Date, cap: number) {
  const { rows } = await sql<{ n: number; last: number | null }>`
    with w as (select id, events from webhooks where id = ${webhookId}),
    picked as (
      select e.id, e.position, e.type, e.resource_type, e.resource_id from events e, w
      where e.position > ${fromPosition} and ${matching}
      order by e.position limit ${cap}
    ), ins as (
      insert into webhook_deliveries (id, webhook_id, event_id, event_position, event_type, resource_type, resource_id, kind, next_attempt_at, give_up_at, created_at, updated_at)
      select gen_random_uuid(), ${webhookId}, id, position, type, resource_type, resource_id, 'replay', ${now}, ${giveUpAt}, ${now}, ${now} from picked
      returning event_position
    )
    select count(*)::int as n, max(event_position) as last from ins`.execute(tx);
  return { n: rows[0]!.n, last: rows[0]!.last === null ? null : Number(rows[0]!.last) };
}

/** The position of the first event that occurred at or after `at`, less one (replay from a time). */
export async function positionBefore(db: Db | Tx, at: Date): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.min('position').as('p')).where('occurred_at', '>=', at).where('position', 'is not', null).executeTakeFirst();
  return row?.p === null || row?.p === undefined ? await lastPosition(db) : Number(row.p) - 1;
}

/**
 * Fan-out: turns the events sequenced since each active webhook's outbox_position into its
 * deliveries, and moves the position, in one statement. The webhooks are claimed FOR UPDATE
 * SKIP LOCKED, so two workers never fan out the same webhook, and a webhook's deliveries are
 * created exactly once per event. At most `cap` events per webhook per call.
 */
export async function fanOut(db: Db, now: Date, giveUpAt: Date, cap: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with w as (
      select id, events, outbox_position, created_at from webhooks where active order by id for update skip locked
    ), top as (select coalesce(max(position), 0) as p from events),
    upto as (select w.id, least(top.p, w.outbox_position + ${cap}) as p from w, top),
    ins as (
      insert into webhook_deliveries (id, webhook_id, event_id, event_position, event_type, resource_type, resource_id, kind, next_attempt_at, give_up_at, created_at, updated_at)
      select gen_random_uuid(), w.id, e.id, e.position, e.type, e.resource_type, e.resource_id, 'event', ${now}, ${giveUpAt}, ${now}, ${now}
      from w join upto on upto.id = w.id
      join events e on e.position > w.outbox_position and e.position <= upto.p
      -- An event that committed before the webhook was made but was numbered after it is not
      -- news to it (replay reaches back on purpose).
      where ${matching} and e.occurred_at >= w.created_at
      returning 1
    ), moved as (
      update webhooks set outbox_position = upto.p from upto where webhooks.id = upto.id and upto.p > webhooks.outbox_position returning 1
    )
    select (select count(*) from ins)::int as n`.execute(db);
  return rows[0]!.n;
}

/** Deliveries whose lease ran out (their instance died mid-delivery) go back to pending. */
export async function releaseExpiredLeases(db: Db, now: Date): Promise<number> {
  const r = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', lease_until: null, next_attempt_at: now, updated_at: now })
    .where('status', '=', 'delivering')
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Claims due deliveries: pending, due, of an active webhook, and with no earlier unfinished
 * delivery of the same webhook and resource (order per resource). Claimed with SKIP LOCKED
 * and leased (status delivering, lease_until), so any number of workers share the queue.
 */
export async function claimDue(db: Db, now: Date, leaseUntil: Date, limit: number) {
  const { rows } = await sql<DeliveryRow & { url: string; secret_enc: Buffer; previous_secret_enc: Buffer | null; previous_secret_expires_at: Date | null }>`
    with due as (
      select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id and w.active
      where d.status = 'pending' and d.next_attempt_at <= ${now}
        and not exists (
          select 1 from webhook_deliveries e
          where e.webhook_id = d.webhook_id and e.resource_id = d.resource_id
            and e.status in ('pending', 'delivering') and e.event_position < d.event_position
        )
      order by d.next_attempt_at, d.event_position
      limit ${limit}
      for update of d skip locked
    )
    update webhook_deliveries d set status = 'delivering', lease_until = ${leaseUntil}, attempts = d.attempts + 1, last_attempt_at = ${now}, updated_at = ${now}
    from due, webhooks w
    where d.id = due.id and w.id = d.webhook_id
    returning d.*, w.url, w.secret_enc, w.previous_secret_enc, w.previous_secret_expires_at`.execute(db);
  return rows;
}

/** The events (as the feed shows them, with their private part for the receiver) of claimed deliveries. */
export async function eventsByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('events')
    .select(['id', 'type', 'position', 'occurred_at', 'actor', 'resource_type', 'resource_id', 'data', 'private_data'])
    .where('id', 'in', ids)
    .execute();
}

export interface Outcome {
  id: string;
  status: 'succeeded' | 'pending' | 'dead';
  next_attempt_at: Date | null;
  last_status: number | null;
  last_latency_ms: number;
  last_error: string | null;
  response_excerpt: string | null;
  delivered_at: Date | null;
}

/** Records the outcomes of a batch of attempts in one statement, and the webhooks' last success. */
export async function recordOutcomes(db: Db, outcomes: Outcome[], now: Date): Promise<void> {
  if (outcomes.length === 0) return;
  await sql`
    with o as (
      select * from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb)
        as o(id uuid, status text, next_attempt_at timestamptz, last_status int, last_latency_ms int, last_error text, response_excerpt text, delivered_at timestamptz)
    ), upd as (
      update webhook_deliveries d set status = o.status, next_attempt_at = coalesce(o.next_attempt_at, d.next_attempt_at), lease_until = null,
        last_status = o.last_status, last_latency_ms = o.last_latency_ms, last_error = o.last_error, response_excerpt = o.response_excerpt,
        delivered_at = o.delivered_at, updated_at = ${now}
      from o where d.id = o.id and d.status = 'delivering'
      returning d.webhook_id, o.status
    )
    update webhooks w set last_success_at = ${now}
    where w.id in (select webhook_id from upd where status = 'succeeded')`.execute(db);
}

/**
 * Webhooks whose deliveries keep dying: a delivery died (it failed for its whole retry window)
 * and nothing succeeded since that delivery was created. Switched off in the same statement.
 */
export async function disableFailing(db: Db | Tx, deadIds: string[], now: Date, reason: string): Promise<WebhookRow[]> {
  if (deadIds.length === 0) return [];
  return (
    await sql<WebhookRow>`
      update webhooks w set active = false, disabled_at = ${now}, disabled_reason = ${reason}, updated_at = ${now}, version = w.version + 1
      where w.active and w.id in (
        select d.webhook_id from webhook_deliveries d
        where d.id = any(${deadIds}::uuid[]) and d.status = 'dead' and (w.last_success_at is null or w.last_success_at < d.created_at)
      )
      returning w.*`.execute(db)
  ).rows;
}

/** Metrics: the age of the oldest delivery still pending (the delivery lag), in seconds. */
export async function oldestPendingAge(db: Db, now: Date): Promise<number> {
  const row = await db.selectFrom('webhook_deliveries').select((eb) => eb.fn.min('created_at').as('oldest')).where('status', '=', 'pending').executeTakeFirst();
  return row?.oldest ? Math.max(0, (now.getTime() - new Date(row.oldest).getTime()) / 1000) : 0;
}

/** Retention: up to `limit` finished deliveries (succeeded or dead) created before the id floor, oldest first. */
export async function deleteFinishedDeliveries(db: Db, beforeId: string, limit: number): Promise<number> {
  const result = await sql`
    delete from webhook_deliveries where id in (
      select id from webhook_deliveries
       where id < ${beforeId}::uuid and status in ('succeeded', 'dead')
       order by id
       limit ${limit}
         for update skip locked)`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
