import { sequenceEvents } from '../../db/outbox.ts';
import type { Db } from '../../db/types.ts';
import { invalidInput } from '../../domain/errors.ts';
import { listEvents } from './events.repository.ts';

/** The feed's cursor is its position, opaque to clients (its own order, not a keyset on id). */
const encode = (position: number) => Buffer.from(`p:${position}`).toString('base64url');
function decode(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = /^p:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!/^[A-Za-z0-9_-]+$/.test(cursor) || !m) throw invalidInput('after is not a cursor this feed gave out', [{ path: '/query/after', message: 'is invalid' }]);
  return Number(m[1]);
}

/**
 * GET /v1/events: numbers what has committed since the last call (on the primary), then reads
 * the page after the cursor (`reads`: the replica when there is one, which may be a little
 * behind: its feed is then a shorter prefix, never one with gaps). next_cursor always comes
 * back (the same one when nothing is new), so a follower polls with it forever.
 */
export async function readFeed(deps: { db: Db; reads?: Db }, q: { after?: string; limit?: number; types?: string }) {
  const after = decode(q.after);
  const limit = q.limit ?? 100;
  await sequenceEvents(deps.db);
  const rows = await listEvents(deps.reads ?? deps.db, after, q.types?.split(','), limit);
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return {
    data: data.map(presentEvent),
    next_cursor: encode(last ? Number(last.position) : after),
  };
}

/** A stored event as the feed (and webhooks) show it. */
export function presentEvent<R extends { id: string; type: string; position: number | string | bigint | null; occurred_at: Date; actor: unknown; resource_type: string; resource_id: string; data: unknown }>(r: R) {
  return {
    id: r.id,
    type: r.type,
    position: Number(r.position),
    occurred_at: r.occurred_at.toISOString(),
    actor: r.actor,
    resource: { type: r.resource_type, id: r.resource_id },
    data: r.data,
  };
}
