import { sha256 } from '../lib/hash.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../clock.ts';
import type { Db, Role } from '../db/types.ts';
import type { Actor } from '../db/context.ts';
import type { ApiKeyCache } from './key-cache.ts';
import { forbidden, unauthorized, type Problem } from './problem.ts';

export type Access = 'public' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: 'public' (no key) or the roles allowed. Required on every route. */
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** sha256 of the presented secret; also the rate-limit key, so secrets never sit in memory maps. */
    credentialHash: string | null;
    /** Why the request is refused (401/403), thrown after the rate limiter has counted it. */
    authRefusal: Problem | null;
  }
}


/**
 * The role groups routes name in their `access`. What each role may call, per operation, is
 * also written out in test/reliability/access-matrix.ts (the README's promise), and the
 * reliability suite checks every cell against the service: change both together.
 */
export const ROLES = {
  all: ['admin', 'manager', 'agent', 'technician', 'analyst', 'integration', 'qa'],
  /** Staff who read: quality supervisors (qa) read the records they review. */
  staffRead: ['admin', 'manager', 'agent', 'analyst', 'integration', 'qa'],
  /** Staff readers, and technician keys, which the service then limits to their own records. */
  staffReadAndTechnicians: ['admin', 'manager', 'agent', 'analyst', 'integration', 'qa', 'technician'],
  staffWrite: ['admin', 'manager', 'agent', 'integration'],
  admin: ['admin'],
  managers: ['admin', 'manager'],
  erasers: ['admin', 'manager', 'integration'],
  /** Service reports (KPIs, appraisal cards). */
  reporters: ['admin', 'manager', 'analyst'],
  /** Quality reviewers (质检): managers and quality supervisors. */
  reviewers: ['admin', 'manager', 'qa'],
  /** Who writes knowledge-base articles. */
  authors: ['admin', 'manager', 'agent'],
} as const satisfies Record<string, readonly Role[]>;

/** The actor on a route that requires a key; the auth hook guarantees it is set. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized('An API key is required.');
  return request.actor;
}

const LAST_USED_EVERY_MS = 60_000;

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { db: Db; clock: Clock; cache: ApiKeyCache }) => {
    const { db, clock, cache } = opts;
    // Remembers when this process last wrote last_used_at per key, so a busy key costs one
    // UPDATE a minute instead of one per request.
    const lastUsedWrites = new Map<string, number>();

    app.decorateRequest('actor', null);
    app.decorateRequest('credentialHash', null);
    app.decorateRequest('authRefusal', null);

    // The key is checked on request, but a refusal is thrown only once the route's rate limiter
    // (an onRequest hook of the route, which runs after this one) has counted it: guessing keys
    // costs the guesser's address its budget, and 401/403 carry the rate-limit headers.
    app.addHook('preParsing', async (request) => {
      if (request.authRefusal) throw request.authRefusal;
    });
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+(\S{1,512})\s*$/i.exec(header) : null;
      if (match) request.credentialHash = sha256(match[1]!).toString('hex');

      const access = request.routeOptions.config?.access;
      if (access === 'public' || access === undefined) return;
      if (!header) return void (request.authRefusal = unauthorized('An API key is required: send Authorization: Bearer <key>.'));
      if (!match) return void (request.authRefusal = unauthorized('The Authorization header must be "Bearer <key>".'));

      const now = clock.now();
      const hash = request.credentialHash!;
      let key = cache.get(hash, performance.now());
      if (!key && !cache.isMiss(hash, performance.now())) {
        key = await db
          .selectFrom('api_keys')
          .select(['id', 'role', 'technician_id', 'expires_at', 'revoked_at'])
          .where('secret_hash', '=', Buffer.from(hash, 'hex'))
          .executeTakeFirst();
        if (key) cache.set(hash, key, performance.now());
        else cache.setMiss(hash, performance.now());
      }
      if (!key || key.revoked_at || (key.expires_at && key.expires_at <= now)) {
        return void (request.authRefusal = unauthorized('The API key is unknown, revoked or expired.'));
      }
      request.actor = { kind: 'api_key', id: key.id, role: key.role, technicianId: key.technician_id };
      if (!access.includes(key.role)) {
        return void (request.authRefusal = forbidden(`A ${key.role} key may not do this; allowed roles: ${access.join(', ')}.`));
      }

      const last = lastUsedWrites.get(key.id) ?? 0;
      if (now.getTime() - last >= LAST_USED_EVERY_MS) {
        lastUsedWrites.set(key.id, now.getTime());
        db.updateTable('api_keys')
          .set({ last_used_at: now })
          .where('id', '=', key.id)
          .execute()
          .catch((err: Error) => request.log.warn({ err: { message: err.message } }, 'could not record key use'));
      }
    });
  },
  { name: 'auth' },
);
