import { sha256 } from '../lib/hash.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Db, Tx } from '../db/types.ts';
import type { ChangeContext } from '../db/context.ts';
import { badRequest, conflict, Problem } from './problem.ts';
import { replayHeaders } from './etag.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Creating POSTs honour Idempotency-Key; set false to opt a POST out. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotency: { apiKeyId: string; key: string; recorded: boolean; serialize: (body: unknown, status: number) => string } | null;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** An in-flight claim older than this is taken to belong to a crashed request and may be taken over. */
const IN_FLIGHT_LEASE_MS = 60_000;

/** Same JSON, whatever the key order: a retried request from another SDK still matches. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What makes two requests "the same request": method, path and query, and the body's content. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return sha256(`${method} ${url}\n${canonical(body)}`).toString('hex');
}

export interface IdempotencyOptions {
  db: Db;
  clock: Clock;
  ttlHours: number;
}

async function storeResult(
  db: Db | Tx,
  scope: { apiKeyId: string; key: string },
  status: number,
  body: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: status, response_body: body, locked_until: null })
    .where('api_key_id', '=', scope.apiKeyId)
    .where('key', '=', scope.key)
    .execute();
}

/**
 * The change context for a request. When the request carries an Idempotency-Key, the
 * result is recorded inside the change's own transaction (see inChange), so the change
 * and the record of it commit together. `present` turns the result into the body the
 * route sends (e.g. without a secret that must not be stored). `status` is needed only where a
 * route declares more than one 2xx (an upsert's 200 or 201).
 */
export function changeContext(
  request: FastifyRequest,
  opts: { status?: number; present?: (result: unknown) => unknown } = {},
): ChangeContext {
  const actor = request.actor;
  if (!actor) throw new Error('changeContext on a route without an actor');
  const scope = request.idempotency;
  const ctx: ChangeContext = { actor, requestId: String(request.id) };
  if (scope) {
    // The status recorded for a replay: given, else the one 2xx the route declares (a POST
    // that answers 200, like a ledger entry or a workflow action, is not a 201).
    const declared = Object.keys((request.routeOptions.schema?.response ?? {}) as object).filter((k) => /^2\d\d$/.test(k));
    ctx.recordResult = async (tx, result) => {
      const status = opts.status ?? (declared.length === 1 ? Number(declared[0]) : 201);
      // Serialized exactly as the route will send it (its response schema, its key order),
      // so a replay is byte for byte the first response's body.
      const body = scope.serialize(opts.present ? opts.present(result) : result, status);
      await storeResult(tx, scope, status, body);
      scope.recorded = true;
    };
  }
  return ctx;
}

export const idempotencyPlugin = fp(
  async (app: FastifyInstance, opts: IdempotencyOptions) => {
    const { db, clock } = opts;
    app.decorateRequest('idempotency', null);

    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'POST' || request.routeOptions.config?.idempotent === false) return;
      const raw = request.headers['idempotency-key'];
      if (raw === undefined || !request.actor?.id) return;
      const key = Array.isArray(raw) ? raw[0]! : raw;
      if (!KEY_PATTERN.test(key)) {
        throw badRequest('Idempotency-Key must be 1 to 255 printable ASCII characters.', [
          { path: '/header/idempotency-key', message: 'is invalid' },
        ]);
      }
      const hash = requestFingerprint(request.method, request.url, request.body);
      const now = clock.now();
      const scope = { apiKeyId: request.actor.id, key };

      // The claim is its own short statement, committed at once, so a concurrent request
      // with the same key sees it in flight. An expired or abandoned claim is taken over.
      const claimed = await db
        .insertInto('idempotency_keys')
        .values({
          api_key_id: scope.apiKeyId,
          key,
          method: request.method,
          path: request.url,
          request_hash: hash,
          state: 'in_flight',
          locked_until: new Date(now.getTime() + IN_FLIGHT_LEASE_MS),
          created_at: now,
          expires_at: new Date(now.getTime() + opts.ttlHours * 3_600_000),
        })
        .onConflict((oc) =>
          oc.columns(['api_key_id', 'key']).doUpdateSet({
            request_hash: hash,
            method: request.method,
            path: request.url,
            state: 'in_flight',
            locked_until: new Date(now.getTime() + IN_FLIGHT_LEASE_MS),
            response_status: null,
            response_body: null,
            created_at: now,
            expires_at: new Date(now.getTime() + opts.ttlHours * 3_600_000),
          }).where(({ or, eb }) =>
            or([
              eb('idempotency_keys.expires_at', '<=', now),
              eb.and([eb('idempotency_keys.state', '=', 'in_flight'), eb('idempotency_keys.locked_until', '<=', now)]),
            ]),
          ),
        )
        .returning(sql<boolean>`true`.as('ok'))
        .executeTakeFirst();
      if (claimed) {
        request.idempotency = { ...scope, recorded: false, serialize: (body, status) => reply.serializeInput(body as Record<string, unknown>, String(status)) as string };
        return;
      }

      const existing = await db
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'state', 'response_status', 'response_body'])
        .where('api_key_id', '=', scope.apiKeyId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!existing) throw conflict('This Idempotency-Key was released a moment ago; retry.');
      if (existing.request_hash !== hash) {
        throw new Problem(
          'idempotency-key-reused',
          'This Idempotency-Key was used with a different request; use a new key for a new request.',
        );
      }
      if (existing.state === 'in_flight') {
        throw new Problem('idempotency-in-flight', 'A request with this Idempotency-Key is still being processed; retry later.', {
          headers: { 'retry-after': '1' },
        });
      }
      const status = existing.response_status ?? 200;
      replayHeaders(reply, status, existing.response_body ?? '');
      reply
        .code(status)
        .header('idempotent-replayed', 'true')
        .type(status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8')
        .serializer((p: unknown) => p as string);
      return reply.send(existing.response_body ?? '');
    });

    // A request that ended without recording its result in its transaction: a 4xx from a
    // rule is stored so a retry gets the same answer; a 5xx releases the key so a retry runs.
    app.addHook('onSend', async (request, reply, payload) => {
      const scope = request.idempotency;
      if (!scope || scope.recorded) return payload;
      scope.recorded = true;
      try {
        if (reply.statusCode >= 500) {
          await db.deleteFrom('idempotency_keys').where('api_key_id', '=', scope.apiKeyId).where('key', '=', scope.key).where('state', '=', 'in_flight').execute();
        } else {
          await storeResult(db, scope, reply.statusCode, typeof payload === 'string' ? payload : JSON.stringify(payload ?? null));
        }
      } catch (err) {
        request.log.warn({ err: { message: (err as Error).message } }, 'could not settle idempotency key');
      }
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['auth'] },
);
