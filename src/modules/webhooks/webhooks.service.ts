import type { Clock } from '../../clock.ts';
import { recordAudit } from '../../db/audit.ts';
import { inChange } from '../../db/change.ts';
import type { ChangeContext } from '../../db/context.ts';
import { EVENT_TYPES, sequenceEvents } from '../../db/outbox.ts';
import { decodeCursor, keysetFrom, pageOf } from '../../db/pagination.ts';
import type { Db } from '../../db/types.ts';
import { assertVersion, conflict, notFound, ruleViolated } from '../../domain/errors.ts';
import { idFloorAt, newId } from '../../lib/ids.ts';
import { newSecret, type SecretBox } from './webhook-secrets.ts';
import { TargetRefused, checkResolved, checkUrl, type TargetPolicy } from './webhook-target.ts';
import * as repo from './webhooks.repository.ts';
import type { CreateWebhook, DeliveryListQuery, ReplayBody, UpdateWebhook, WebhookListQuery } from './webhooks.schemas.ts';

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  policy: TargetPolicy;
  /** The secret box, opened once per process (its key may live in the database). */
  box: () => Promise<SecretBox>;
}

const HOUR = 3_600_000;
/** Deliveries are retried for at least this long, then dead. */
export const RETRY_WINDOW_MS = 24 * HOUR;
const DEFAULT_PREVIOUS_SECRET_MINUTES = 1440;
/** The most events one replay queues (the answer says how far it got; replay again from there). */
const REPLAY_CAP = 100_000;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function present(row: repo.WebhookRow) {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    active: row.active,
    previous_secret_expires_at: row.previous_secret_enc ? iso(row.previous_secret_expires_at) : null,
    disabled_at: iso(row.disabled_at),
    disabled_reason: row.disabled_reason,
    last_success_at: iso(row.last_success_at),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}
export type WebhookView = ReturnType<typeof present>;

export function presentDelivery(d: repo.DeliveryRow) {
  const finished = d.status === 'succeeded' || d.status === 'dead';
  return {
    id: d.id,
    webhook_id: d.webhook_id,
    event_id: d.event_id,
    event_type: d.event_type,
    event_position: Number(d.event_position),
    resource: { type: d.resource_type, id: d.resource_id },
    kind: d.kind,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: finished ? null : d.next_attempt_at.toISOString(),
    give_up_at: d.give_up_at.toISOString(),
    last_attempt_at: iso(d.last_attempt_at),
    last_status: d.last_status,
    last_latency_ms: d.last_latency_ms,
    last_error: d.last_error,
    response_excerpt: d.response_excerpt,
    delivered_at: iso(d.delivered_at),
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}

const RESOURCES = Object.keys(EVENT_TYPES);
const TYPES = new Set<string>(Object.values(EVENT_TYPES).flat());

async function checkTarget(deps: WebhookDeps, raw: string): Promise<void> {
  try {
    await checkResolved(checkUrl(raw, deps.policy), deps.policy);
  } catch (err) {
    if (err instanceof TargetRefused) throw ruleViolated('webhook-url-refused', `The webhook URL ${err.message}.`, [{ path: '/body/url', message: err.message }]);
    throw err;
  }
}

function checkPatterns(patterns: readonly string[]): void {
  const unknown = patterns.filter((p) => p !== '*' && !TYPES.has(p) && !(p.endsWith('.*') && RESOURCES.includes(p.slice(0, -2))));
  if (unknown.length) {
    throw ruleViolated(
      'webhook-event-unknown',
      `No event ${unknown.join(', ')}: the types are ${[...TYPES].join(', ')}, or <resource>.* (${RESOURCES.join(', ')}), or *.`,
      unknown.map((p) => ({ path: '/body/events', message: `${p} matches no event type` })),
    );
  }
}

export async function createWebhook(deps: WebhookDeps, ctx: ChangeContext, input: CreateWebhook) {
  checkPatterns(input.events);
  await checkTarget(deps, input.url);
  const box = await deps.box();
  const secret = input.secret ?? newSecret();
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    await sequenceEvents(deps.db);
    const row = await repo.insertWebhook(tx, {
      id: newId(),
      url: input.url,
      events: input.events,
      description: input.description ?? null,
      active: input.active ?? true,
      secret_enc: box.seal(secret),
      previous_secret_enc: null,
      previous_secret_expires_at: null,
      // It receives what happens from now on; replay reaches back.
      outbox_position: await repo.lastPosition(tx),
      disabled_at: null,
      disabled_reason: null,
      last_success_at: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'webhook', resource_id: row.id, fields: Object.keys(input) }]);
    return { ...present(row), secret };
  });
}

export async function getWebhook(deps: WebhookDeps, id: string): Promise<WebhookView> {
  const row = await repo.findWebhook(deps.db, id);
  if (!row) throw notFound('Webhook', id);
  return present(row);
}

export async function listWebhooks(deps: WebhookDeps, q: WebhookListQuery) {
  const ks = keysetFrom(q);
  const page = pageOf(await repo.webhookListQuery(deps.db, { ...(q.active !== undefined ? { active: q.active } : {}) }, ks).execute(), ks);
  return { data: page.data.map(present), next_cursor: page.next_cursor };
}

/** URL, events, description, active; a new secret (given, or generated with rotate_secret) starts a rotation. */
export async function updateWebhook(deps: WebhookDeps, ctx: ChangeContext, id: string, input: UpdateWebhook, expectedVersion: number | undefined) {
  if (input.events) checkPatterns(input.events);
  if (input.url) await checkTarget(deps, input.url);
  if (input.secret && input.rotate_secret) {
    throw ruleViolated('webhook-secret', 'Send a new secret or rotate_secret: true, not both.', [{ path: '/body/rotate_secret', message: 'goes without secret' }]);
  }
  if (input.previous_secret_expires_in_minutes !== undefined && !input.secret && !input.rotate_secret) {
    throw ruleViolated('webhook-secret', 'previous_secret_expires_in_minutes goes with a new secret.', [{ path: '/body/previous_secret_expires_in_minutes', message: 'needs secret or rotate_secret' }]);
  }
  const box = await deps.box();
  const now = deps.clock.now();
  const generated = input.rotate_secret ? newSecret() : undefined;
  const fresh = input.secret ?? generated;
  return inChange(deps.db, ctx, async (tx) => {
    const current = await repo.lockWebhook(tx, id);
    assertVersion('Webhook', id, current, expectedVersion);
    const keepMinutes = input.previous_secret_expires_in_minutes ?? DEFAULT_PREVIOUS_SECRET_MINUTES;
    const row = await repo.updateWebhook(
      tx,
      id,
      {
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.events !== undefined ? { events: input.events } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        // Switched on again: it was off, so it starts from now (replay reaches back).
        ...(input.active === true && !current.active ? { disabled_at: null, disabled_reason: null, outbox_position: await repo.lastPosition(tx) } : {}),
        ...(fresh
          ? {
              secret_enc: box.seal(fresh),
              previous_secret_enc: keepMinutes > 0 ? current.secret_enc : null,
              previous_secret_expires_at: keepMinutes > 0 ? new Date(now.getTime() + keepMinutes * 60_000) : null,
            }
          : {}),
      },
      now,
    );
    const fields = Object.keys(input).filter((k) => k !== 'secret');
    await recordAudit(tx, ctx, now, [{ action: fresh ? 'secret_rotated' : 'updated', resource_type: 'webhook', resource_id: id, fields }]);
    return generated ? { ...present(row), secret: generated } : present(row);
  });
}

export async function deleteWebhook(deps: WebhookDeps, ctx: ChangeContext, id: string, expectedVersion: number | undefined): Promise<WebhookView> {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const current = await repo.lockWebhook(tx, id);
    assertVersion('Webhook', id, current, expectedVersion);
    await repo.deleteWebhook(tx, id);
    await recordAudit(tx, ctx, now, [{ action: 'deleted', resource_type: 'webhook', resource_id: id }]);
    return present(current);
  });
}

export async function listDeliveries(deps: WebhookDeps, id: string, q: DeliveryListQuery) {
  if (!(await repo.findWebhook(deps.db, id))) throw notFound('Webhook', id);
  const after = decodeCursor(q.cursor, 'id');
  const ks = { mode: 'id' as const, limit: q.limit ?? 50, ...(after ? { after: { id: after.id } } : {}) };
  const { limit: _l, cursor: _c, ...filter } = q;
  const page = pageOf(await repo.deliveryListQuery(deps.db, id, filter, ks).execute(), ks);
  return { data: page.data.map(presentDelivery), next_cursor: page.next_cursor };
}

export async function getDelivery(deps: WebhookDeps, id: string, deliveryId: string) {
  const d = await repo.findDelivery(deps.db, id, deliveryId);
  if (!d) throw notFound('Delivery', deliveryId);
  return presentDelivery(d);
}

/**
 * Delivers again: a pending delivery now, a dead one revived with a new retry window (same
 * row), a succeeded one as a new delivery of the same event (kind retry), as GitHub's
 * redeliver. One in flight is 409.
 */
export async function retryDelivery(deps: WebhookDeps, ctx: ChangeContext, id: string, deliveryId: string) {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const d = await repo.lockDelivery(tx, id, deliveryId);
    if (!d) throw notFound('Delivery', deliveryId);
    if (d.status === 'delivering') throw conflict(`Delivery ${deliveryId} is being delivered now; retry it once it has an outcome.`);
    if (d.status === 'succeeded') {
      const { id: _id, ...copy } = d;
      const row = await repo.insertDelivery(tx, {
        ...copy,
        id: newId(),
        kind: 'retry',
        payload: d.payload === null ? null : JSON.stringify(d.payload),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        give_up_at: new Date(now.getTime() + RETRY_WINDOW_MS),
        last_attempt_at: null,
        last_status: null,
        last_latency_ms: null,
        last_error: null,
        response_excerpt: null,
        delivered_at: null,
        created_at: now,
        updated_at: now,
      });
      return presentDelivery(row);
    }
    const row = await repo.updateDelivery(tx, d.id, { status: 'pending', next_attempt_at: now, give_up_at: new Date(Math.max(d.give_up_at.getTime(), now.getTime() + RETRY_WINDOW_MS)), updated_at: now });
    return presentDelivery(row);
  });
}

/** Queues a delivery of every matching event since `from` (a position, or a time) again, in event order. */
export async function replay(deps: WebhookDeps, ctx: ChangeContext, id: string, body: ReplayBody) {
  const now = deps.clock.now();
  await sequenceEvents(deps.db);
  return inChange(deps.db, ctx, async (tx) => {
    const w = await repo.lockWebhook(tx, id);
    if (!w) throw notFound('Webhook', id);
    const from = typeof body.from === 'number' ? body.from : await repo.positionBefore(tx, new Date(body.from));
    const { n, last } = await repo.replayInto(tx, id, from, now, new Date(now.getTime() + RETRY_WINDOW_MS), REPLAY_CAP);
    await recordAudit(tx, ctx, now, [{ action: 'replayed', resource_type: 'webhook', resource_id: id }]);
    return { webhook_id: id, deliveries: n, from_position: from, to_position: last ?? from };
  });
}

/** A test event to the webhook, delivered like any other (and logged). */
export async function ping(deps: WebhookDeps, ctx: ChangeContext, id: string) {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const w = await repo.lockWebhook(tx, id);
    if (!w) throw notFound('Webhook', id);
    const deliveryId = newId();
    const payload = {
      id: deliveryId,
      type: 'ping',
      position: 0,
      occurred_at: now.toISOString(),
      actor: { kind: ctx.actor.kind, id: ctx.actor.id, role: ctx.actor.role },
      resource: { type: 'webhook', id },
      data: present(w),
    };
    const row = await repo.insertDelivery(tx, {
      id: deliveryId,
      webhook_id: id,
      event_id: null,
      event_position: 0,
      event_type: 'ping',
      resource_type: 'webhook',
      resource_id: id,
      kind: 'ping',
      payload: JSON.stringify(payload),
      next_attempt_at: now,
      give_up_at: new Date(now.getTime() + RETRY_WINDOW_MS),
      created_at: now,
      updated_at: now,
    });
    return presentDelivery(row);
  });
}

/** Retention of the delivery log: finished deliveries made before `before`, in batches of `limit`. */
export const forgetFinishedDeliveries = (db: Db, before: Date, limit: number) => repo.deleteFinishedDeliveries(db, idFloorAt(before), limit);
