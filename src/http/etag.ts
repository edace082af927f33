import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** For a POST that creates: the collection the new resource lives in; Location is `<createdAt>/<id>`. */
    createdAt?: string;
  }
}
import { badRequest } from './problem.ts';

export const etagOf = (version: number) => `"${version}"`;

/**
 * The version an `If-Match` header asks for, or undefined when absent. `*` means any
 * version. A header that names no version is a 400 rather than an unchecked write.
 */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const raw = request.headers['if-match'];
  if (raw === undefined) return undefined;
  const value = (Array.isArray(raw) ? raw[0]! : raw).trim();
  if (value === '*') return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(value);
  if (!m) throw badRequest('If-Match must be an ETag this API gave out, like "3".', [{ path: '/header/if-match', message: 'is invalid' }]);
  return Number(m[1]);
}

/** Sets the ETag header for the entity sent and returns it. */
export function withEtag<T extends { version: number }>(reply: FastifyReply, entity: T): T {
  reply.header('etag', etagOf(entity.version));
  return entity;
}

/** Answers 201 with the created entity, its Location (from the route's `createdAt`) and ETag. */
export function sendCreated<T extends { id: string; version: number }>(reply: FastifyReply, entity: T) {
  const base = reply.request.routeOptions.config.createdAt;
  if (base) reply.header('location', `${base}/${entity.id}`);
  return reply.code(201).send(withEtag(reply, entity));
}

/**
 * The headers a stored answer had the first time, by the same rules: ETag from the entity's
 * version, Location from the route's `createdAt` (idempotent replays send them again).
 */
export function replayHeaders(reply: FastifyReply, status: number, body: string): void {
  if (status >= 300) return;
  let entity: { id?: unknown; version?: unknown };
  try {
    entity = JSON.parse(body) as typeof entity;
  } catch {
    return;
  }
  if (typeof entity?.version === 'number') reply.header('etag', etagOf(entity.version));
  const base = reply.request.routeOptions.config.createdAt;
  if (status === 201 && base && typeof entity.id === 'string') reply.header('location', `${base}/${entity.id}`);
}
