import type pg from 'pg';
import type { Logger } from 'pino';
import type { Role } from '../db/types.ts';

export interface CachedKey {
  id: string;
  role: Role;
  technician_id: string | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export const KEY_CHANNEL = 'aftercare_api_keys';
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Remembers recently seen API keys so a request costs no key lookup. Correctness rests on
 * invalidation, not on the TTL: every change to a key sends NOTIFY on KEY_CHANNEL in its
 * own transaction, and every instance LISTENs and forgets the key when it commits. While
 * the LISTEN connection is down the cache is empty and bypassed, so a missed notification
 * can never keep a revoked key alive; the TTL is only a second line of defence.
 */
export class ApiKeyCache {
  #byHash = new Map<string, { key: CachedKey; at: number }>();
  #listening = false;
  #client: pg.PoolClient | undefined;
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

  async start(): Promise<void> {
    if (!this.#pool || this.#closed) return;
    try {
      const client = await this.#pool.connect();
      this.#client = client;
      client.on('notification', (msg) => {
        if (msg.channel === KEY_CHANNEL) this.forget(msg.payload ?? '');
      });
      const lost = () => {
        if (this.#client !== client) return;
        this.#listening = false;
        this.#byHash.clear();
        this.#client = undefined;
        client.release(true);
        this.#scheduleRetry();
      };
      client.on('error', lost);
      client.on('end', lost);
      await client.query(`listen ${KEY_CHANNEL}`);
      this.#listening = true;
    } catch (err) {
      this.#log?.warn({ err: { message: (err as Error).message } }, 'API key cache off until the database answers');
      this.#scheduleRetry();
    }
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.start();
    }, 1_000);
    this.#retry.unref();
  }

  get(hash: string, now: number): CachedKey | undefined {
    if (!this.#listening) return undefined;
    const hit = this.#byHash.get(hash);
    if (!hit) return undefined;
    if (now - hit.at > TTL_MS) {
      this.#byHash.delete(hash);
      return undefined;
    }
    return hit.key;
  }

  set(hash: string, key: CachedKey, now: number): void {
    if (!this.#listening) return;
    if (this.#byHash.size >= MAX_ENTRIES) this.#byHash.delete(this.#byHash.keys().next().value!);
    this.#byHash.set(hash, { key, at: now });
  }

  /** Forgets one key by id (an empty id forgets everything). */
  forget(id: string): void {
    if (!id) return this.#byHash.clear();
    for (const [hash, { key }] of this.#byHash) if (key.id === id) this.#byHash.delete(hash);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listening = false;
    if (this.#retry) clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      await client.query(`unlisten ${KEY_CHANNEL}`).catch(() => undefined);
      client.release();
    }
  }
}
