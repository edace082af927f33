import { Agent, request, type Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import { systemContext } from '../../db/context.ts';
import { eventRow, insertEvents, sequenceEvents } from '../../db/outbox.ts';
import type { Db } from '../../db/types.ts';
import { APP_VERSION } from '../../version.ts';
import { deliveryOutcomes } from './webhook-metrics.ts';
import { signature, type SecretBox } from './webhook-secrets.ts';
import { TargetRefused, checkUrl, checkedLookup, type TargetPolicy } from './webhook-target.ts';
import * as repo from './webhooks.repository.ts';
import { RETRY_WINDOW_MS, present } from './webhooks.service.ts';

/*
 * The webhook-delivery job: turns new events into deliveries (fan-out), then claims due
 * deliveries and POSTs them, until none is due or the run's time is up. At least once, in
 * order per webhook and resource, any number of workers (the claim is SKIP LOCKED with a
 * lease), retried with exponential backoff and full jitter for RETRY_WINDOW_MS, then dead.
 */

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  box: SecretBox;
  policy: TargetPolicy;
  dispatcher: Dispatcher;
}

/** A 2xx within this is success. */
const TIMEOUT_MS = 10_000;
/** A claimed delivery not finished within this is taken back (its instance died). */
const LEASE_MS = 60_000;
const EXCERPT_BYTES = 1024;
const BASE_DELAY_MS = 10_000;
const MAX_DELAY_MS = 3_600_000;

/** The wait before attempt n+1 after n failed: full jitter over an exponential ceiling (AWS's "full jitter"). */
export function backoff(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempts - 1, 20));
  return Math.max(1_000, Math.floor(random() * ceiling));
}

/** The HTTP client of the deliveries: keep-alive, a bounded number of connections per host, addresses checked as they are resolved. */
export function deliveryAgent(policy: TargetPolicy): Dispatcher {
  return new Agent({
    connections: 8,
    keepAliveTimeout: 30_000,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
    connect: { timeout: TIMEOUT_MS, lookup: checkedLookup(policy) as never },
  });
}

async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= EXCERPT_BYTES) break;
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}

type Claimed = Awaited<ReturnType<typeof repo.claimDue>>[number];

async function attempt(deps: DeliveryDeps, d: Claimed, payload: unknown, now: Date): Promise<repo.Outcome> {
  const body = JSON.stringify(payload);
  const secrets = [
    ...(d.previous_secret_enc && d.previous_secret_expires_at && d.previous_secret_expires_at > now ? [deps.box.open(d.previous_secret_enc)] : []),
    deps.box.open(d.secret_enc),
  ];
  const started = performance.now();
  let status: number | null = null;
  let error: string | null = null;
  let excerpt: string | null = null;
  try {
    checkUrl(d.url, deps.policy);
    const res = await request(d.url, {
      method: 'POST',
      body,
      dispatcher: deps.dispatcher,
      headers: {
        'content-type': 'application/json',
        'user-agent': `Aftercare-Webhooks/${APP_VERSION}`,
        'aftercare-event-id': d.event_id ?? d.id,
        'aftercare-event-type': d.event_type,
        'aftercare-delivery-id': d.id,
        'aftercare-signature': signature(body, Math.floor(now.getTime() / 1000), secrets),
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    status = res.statusCode;
    excerpt = await readExcerpt(res.body).catch(() => null);
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string };
    error = err instanceof TargetRefused ? `refused: the URL ${e.message}` : e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' ? 'no answer within 10 s' : `${e.code ?? e.name ?? 'error'}: ${e.message ?? ''}`.slice(0, 500);
  }
  const latency = Math.round(performance.now() - started);
  if (status !== null && status >= 200 && status < 300) {
    return { id: d.id, status: 'succeeded', next_attempt_at: null, last_status: status, last_latency_ms: latency, last_error: null, response_excerpt: excerpt, delivered_at: now };
  }
  const dead = now >= d.give_up_at;
  return {
    id: d.id,
    status: dead ? 'dead' : 'pending',
    next_attempt_at: dead ? null : new Date(now.getTime() + backoff(d.attempts)),
    last_status: status,
    last_latency_ms: latency,
    last_error: error ?? (status !== null ? `answered ${status}` : null),
    response_excerpt: excerpt,
    delivered_at: null,
  };
}

/** The body of a delivery: the event as the feed shows it (with its part for the receiver alone, as the survey link), or the ping. */
function payloadsOf(events: Awaited<ReturnType<typeof repo.eventsByIds>>) {
  return new Map(
    events.map((e) => [
      e.id,
      {
        id: e.id,
        type: e.type,
        position: Number(e.position),
        occurred_at: e.occurred_at.toISOString(),
        actor: e.actor,
        resource: { type: e.resource_type, id: e.resource_id },
        data: e.private_data ? { ...e.data, ...e.private_data } : e.data,
      },
    ]),
  );
}

/** Runs items with at most `limit` at once. */
async function eachLimited<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await run(items[i]!);
      }
    }),
  );
  return out;
}

export async function deliverWebhooks(deps: DeliveryDeps, opts: { batch?: number; concurrency?: number; budgetMs?: number } = {}) {
  const { batch = 200, concurrency = 32, budgetMs = 8_000 } = opts;
  const started = performance.now();
  const now = deps.clock.now();
  await sequenceEvents(deps.db);
  const created = await repo.fanOut(deps.db, now, new Date(now.getTime() + RETRY_WINDOW_MS), 5_000);
  const released = await repo.releaseExpiredLeases(deps.db, now);
  const counts = { created, released, succeeded: 0, failed: 0, dead: 0, disabled: 0 };
  while (performance.now() - started < budgetMs) {
    const claimed = await repo.claimDue(deps.db, now, new Date(now.getTime() + LEASE_MS), batch);
    if (claimed.length === 0) break;
    const payloads = payloadsOf(await repo.eventsByIds(deps.db, claimed.flatMap((d) => (d.event_id ? [d.event_id] : []))));
    const outcomes = await eachLimited(claimed, concurrency, (d) => attempt(deps, d, d.payload ?? payloads.get(d.event_id!), now));
    await repo.recordOutcomes(deps.db, outcomes, now);
    const dead = outcomes.filter((o) => o.status === 'dead').map((o) => o.id);
    for (const o of outcomes) deliveryOutcomes.inc({ outcome: o.status === 'pending' ? 'retrying' : o.status });
    counts.succeeded += outcomes.filter((o) => o.status === 'succeeded').length;
    counts.failed += outcomes.filter((o) => o.status === 'pending').length;
    counts.dead += dead.length;
    if (dead.length) {
      const disabled = await deps.db.transaction().execute(async (tx) => {
        const rows = await repo.disableFailing(tx, dead, now, 'its deliveries failed for 24 hours without a success');
        const ctx = systemContext();
        await insertEvents(tx, rows.map((w) => eventRow(ctx, now, 'webhook.disabled', { type: 'webhook', id: w.id }, present(w))));
        return rows;
      });
      for (const w of disabled) deps.log.warn({ webhook: w.id }, 'webhook disabled: its deliveries kept failing');
      counts.disabled += disabled.length;
    }
  }
  return counts;
}
