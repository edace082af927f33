import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/types.ts';
import { invalidInput } from '../domain/errors.ts';

/**
 * Tamper-evident cursors. A list's cursor says where its next page starts (db/pagination.ts
 * and the event feed write and read that position); on the way out this plugin signs it for
 * the list that gave it out (HMAC-SHA-256 under a key shared by every instance, kept in
 * server_secrets), and on the way in it checks that signature before anything reads the
 * position. So a cursor the API never issued, or one issued by another list, is a 400 and
 * never reaches a query. Cursors do not expire: they name a position, and the event feed's
 * pollers keep theirs for good.
 */

const MAC_BYTES = 16;
const KEY_NAME = 'cursor';

/** The query parameter a list reads its cursor from: `cursor`, or the event feed's `after`. */
function cursorParam(route: RouteOptions): string | undefined {
  const props = (route.schema?.querystring as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (props?.cursor) return 'cursor';
  if (props?.after) return 'after';
  return undefined;
}

function mac(key: Buffer, list: string, position: string): Buffer {
  return createHmac('sha256', key).update(list).update('\n').update(position).digest().subarray(0, MAC_BYTES);
}

/**
 * A position signed for a list ("GET /v1/customers"): what the API gives out as next_cursor.
 * Exported for the benchmark, which jumps straight to page 1,000 with the database's key.
 */
export function signedCursor(key: Buffer, list: string, position: string): string {
  return `${position}.${mac(key, list, position).toString('base64url')}`;
}

export class CursorSigner {
  #key: Promise<Buffer> | undefined;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Read once, on first use: a start with the database away still serves, and a failed read is tried again. */
  private key(): Promise<Buffer> {
    this.#key ??= this.#db
      .selectFrom('server_secrets')
      .select('secret')
      .where('name', '=', KEY_NAME)
      .executeTakeFirstOrThrow()
      .then((row) => row.secret)
      .catch((err: unknown) => {
        this.#key = undefined;
        throw err;
      });
    return this.#key;
  }

  async sign(list: string, position: string): Promise<string> {
    return signedCursor(await this.key(), list, position);
  }

  /** The position a cursor names, or undefined when this list did not give it out. */
  async open(list: string, cursor: string): Promise<string | undefined> {
    const dot = cursor.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    if (given.length !== MAC_BYTES || given.toString('base64url') !== cursor.slice(dot + 1)) return undefined;
    const position = cursor.slice(0, dot);
    return timingSafeEqual(given, mac(await this.key(), list, position)) ? position : undefined;
  }
}

export const cursorsPlugin = fp(
  async (app: FastifyInstance, opts: { db: Db }) => {
    const signer = new CursorSigner(opts.db);
    app.addHook('onRoute', (route) => {
      const param = cursorParam(route);
      if (!param) return;
      const list = `${String(route.method)} ${route.url}`;
      const open = async (request: FastifyRequest) => {
        const query = request.query as Record<string, unknown>;
        const given = query[param];
        // Anything but one string is left for the schema to refuse.
        if (typeof given !== 'string') return;
        const position = await signer.open(list, given);
        if (position === undefined) {
          throw invalidInput(`${param} is not a cursor this list gave out`, [{ path: `/query/${param}`, message: 'is invalid' }]);
        }
        query[param] = position;
      };
      const sign = async (_request: FastifyRequest, _reply: unknown, payload: unknown) => {
        const page = payload as { next_cursor?: unknown } | null;
        if (page && typeof page.next_cursor === 'string') page.next_cursor = await signer.sign(list, page.next_cursor);
        return payload;
      };
      route.preValidation = [...asArray(route.preValidation), open];
      route.preSerialization = [...asArray(route.preSerialization), sign] as never;
    });
  },
  { name: 'cursors' },
);

function asArray<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}
