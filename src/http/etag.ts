import type { FastifyReply, FastifyRequest } from "fastify";
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
