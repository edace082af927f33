import { sql, type SelectQueryBuilder } from 'kysely';
import { invalidInput } from '../domain/errors.ts';

/**
 * Cursors are opaque to clients: base64url JSON naming the sort they belong to and the
 * last row's key. A cursor that does not decode to exactly that shape is a 400, never a
 * 500 and never a silently different page.
 */
export type Cursor = { s: 'id'; id: string } | { s: 'updated' | 'due' | 'window'; t: string; id: string } | { s: 'rank'; r: number; id: string };
/** A cursor on (instant, id): an updated_since list, or a list in order of due time. */
export type TimedCursor = Extract<Cursor, { t: string }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(raw: string | undefined, expected: Cursor['s']): Cursor | undefined {
  if (raw === undefined) return undefined;
  const invalid = () => invalidInput('cursor is not a cursor this list gave out', [{ path: '/query/cursor', message: 'is invalid' }]);
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid();
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const c = parsed as Record<string, unknown>;
  if (!c || typeof c !== 'object' || c.s !== expected || typeof c.id !== 'string' || !UUID.test(c.id)) throw invalid();
  if (expected === 'id') {
    if (Object.keys(c).length !== 2) throw invalid();
    return { s: 'id', id: c.id };
  }
  if (expected === 'rank') {
    if (typeof c.r !== 'number' || !Number.isSafeInteger(c.r) || c.r < 0 || Object.keys(c).length !== 3) throw invalid();
    return { s: 'rank', r: c.r, id: c.id };
  }
  if (typeof c.t !== 'string' || Number.isNaN(Date.parse(c.t)) || Object.keys(c).length !== 3) throw invalid();
  return { s: expected, t: new Date(c.t).toISOString(), id: c.id };
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
  updated_since?: string;
}

/** Keyset page spec: newest first by id, or, for incremental sync, oldest change first. */
export type Keyset =
  | { mode: 'id'; limit: number; after?: { id: string } }
  | { mode: 'updated'; limit: number; since: Date; after?: { t: Date; id: string } };

/**
 * A cursor stands alone, as Stripe's and GitHub's do: one from an updated_since list goes on
 * in that order without updated_since being sent again (every row after the cursor's
 * (updated_at, id) changed at or after updated_since anyway). Sent with updated_since, it is
 * the same; an id-order cursor with updated_since is a 400 (it belongs to the other order).
 */
export function keysetFrom(q: PageRequest): Keyset {
  const limit = q.limit ?? 50;
  const timed = q.updated_since !== undefined || (q.cursor !== undefined && cursorKind(q.cursor) === 'updated');
  if (timed) {
    const c = decodeCursor(q.cursor, 'updated') as TimedCursor | undefined;
    const since = q.updated_since !== undefined ? new Date(q.updated_since) : new Date(c!.t);
    return { mode: 'updated', limit, since, ...(c ? { after: { t: new Date(c.t), id: c.id } } : {}) };
  }
  const c = decodeCursor(q.cursor, 'id');
  return { mode: 'id', limit, ...(c ? { after: { id: c.id } } : {}) };
}

/** The order a cursor belongs to, if it decodes at all (decodeCursor then checks it whole). */
export function cursorKind(raw: string): Cursor['s'] | undefined {
  try {
    const s = (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { s?: unknown })?.s;
    return s === 'id' || s === 'updated' || s === 'due' || s === 'window' || s === 'rank' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Rows were fetched with limit + 1: the extra row only says whether there is a next page. */
export function pageOf<T extends { id: string; updated_at: Date | string }>(rows: T[], ks: Keyset): { data: T[]; next_cursor: string | null } {
  const more = rows.length > ks.limit;
  const data = more ? rows.slice(0, ks.limit) : rows;
  const last = data.at(-1);
  if (!more || !last) return { data, next_cursor: null };
  return {
    data,
    next_cursor: encodeCursor(
      ks.mode === 'id' ? { s: 'id', id: last.id } : { s: 'updated', t: new Date(last.updated_at).toISOString(), id: last.id },
    ),
  };
}

/**
 * Applies a keyset page to a query over a table with `id` and `updated_at`: the cost of
 * page 10,000 is the cost of page 1 (an index range scan from the cursor), never an OFFSET.
 */
export function applyKeyset<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  table: string,
  ks: Keyset,
  updatedColumn = 'updated_at',
): SelectQueryBuilder<DB, TB, O> {
  const id = sql.ref(`${table}.id`);
  const updated = sql.ref(`${table}.${updatedColumn}`);
  if (ks.mode === 'id') {
    let q = qb;
    if (ks.after) q = q.where(sql<boolean>`${id} < ${ks.after.id}`);
    return q.orderBy(sql`${id} desc`).limit(ks.limit + 1);
  }
  let q = qb.where(sql<boolean>`${updated} >= ${ks.since}`);
  if (ks.after) q = q.where(sql<boolean>`(${updated}, ${id}) > (${ks.after.t}, ${ks.after.id})`);
  return q.orderBy(sql`${updated} asc, ${id} asc`).limit(ks.limit + 1);
}
