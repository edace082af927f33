import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';

type Listener = (payload: string) => void;

/** The NOTIFY channels, one per cache: API keys (payload: the key id) and SLA settings (policies and calendars). */
export const CHANNELS = { apiKeys: 'aftercare_api_keys', slaSettings: 'aftercare_sla_settings' } as const;
/** Where each LISTEN connection proves, on opening, that notifications reach it. */
const CHECK_CHANNEL = 'aftercare_listen_check';

/**
 * One LISTEN connection per instance for cache invalidation. Writers send NOTIFY on a
 * channel inside their transaction (delivered when it commits); subscribers forget what
 * changed. While the connection is down `active` is false, every subscriber is told to
 * forget everything, and caches must not serve: a missed notification can never keep stale
 * data alive. The connection is re-opened every second until it works.
 */
export class Invalidations {
  #listeners = new Map<string, Set<Listener>>();
  #client: pg.PoolClient | undefined;
  #listening = false;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  readonly #pool: pg.Pool | undefined;
  readonly #log: Logger | undefined;

  constructor(pool: pg.Pool | undefined, log?: Logger) {
    this.#pool = pool;
    this.#log = log;
  }

  get active(): boolean {
    return this.#listening;
  }

  /** Calls `listener` with each payload on `channel`, and with '' when everything must be forgotten. */
  on(channel: string, listener: Listener): void {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`bad channel ${channel}`);
    let set = this.#listeners.get(channel);
    if (!set) this.#listeners.set(channel, (set = new Set()));
    set.add(listener);
  }

  #forgetAll(): void {
    for (const set of this.#listeners.values()) for (const l of set) l('');
  }

  async start(): Promise<void> {
    if (!this.#pool || this.#closed) return;
    try {
      const client = await this.#pool.connect();
      this.#client = client;
      client.on('notification', (msg) => {
        for (const l of this.#listeners.get(msg.channel) ?? []) l(msg.payload ?? '');
      });
      const lost = () => {
        if (this.#client !== client) return;
        this.#listening = false;
        this.#forgetAll();
        this.#client = undefined;
        client.release(true);
        this.#scheduleRetry();
      };
      client.on('error', lost);
      client.on('end', lost);
      if (!(await this.#deliversNotifications(client))) {
        // PgBouncer in transaction mode hands the LISTEN's server connection to others: no
        // notification would ever arrive, so caches stay off rather than serve stale keys.
        this.#log?.warn('LISTEN receives no notifications on this connection (PgBouncer in transaction mode?): caches stay off; set DATABASE_DIRECT_URL to a direct connection to the primary');
        this.#client = undefined;
        client.release(true);
        this.#scheduleRetry(60_000);
        return;
      }
      for (const channel of this.#listeners.keys()) await client.query(`listen ${channel}`);
      this.#listening = true;
    } catch (err) {
      this.#log?.warn({ err: { message: (err as Error).message } }, 'caches off until the database answers');
      this.#scheduleRetry();
    }
  }

  /** Sends a NOTIFY from another connection and waits for it here: proof that LISTEN works through this connection. */
  async #deliversNotifications(client: pg.PoolClient): Promise<boolean> {
    const token = randomUUID();
    await client.query(`listen ${CHECK_CHANNEL}`);
    const received = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 2_000);
      const onMessage = (msg: pg.Notification) => {
        if (msg.channel !== CHECK_CHANNEL || msg.payload !== token) return;
        clearTimeout(timer);
        client.off('notification', onMessage);
        resolve(true);
      };
      client.on('notification', onMessage);
    });
    await this.#pool!.query('select pg_notify($1, $2)', [CHECK_CHANNEL, token]);
    const ok = await received;
    if (ok) await client.query(`unlisten ${CHECK_CHANNEL}`);
    return ok;
  }

  #scheduleRetry(ms = 1_000): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.start();
    }, ms);
    this.#retry.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listening = false;
    if (this.#retry) clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      await client.query('unlisten *').catch(() => undefined);
      client.release();
    }
  }
}
