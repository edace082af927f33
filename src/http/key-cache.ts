import { CHANNELS, type Invalidations } from '../db/invalidations.ts';
import type { Role } from '../db/types.ts';

export interface CachedKey {
  id: string;
  role: Role;
  technician_id: string | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;
/** How long a secret that matched no key is refused without asking the database again. */
const MISS_TTL_MS = 10_000;

/**
 * Remembers recently seen API keys so a request costs no key lookup. Correctness rests on
 * invalidation, not on the TTL: every change to a key sends NOTIFY on CHANNELS.apiKeys in its
 * own transaction, and every instance forgets the key when it commits. While the LISTEN
 * connection is down the cache is empty and bypassed, so a missed notification can never
 * keep a revoked key alive; the TTL is only a second line of defence.
 */
export class ApiKeyCache {
  #byHash = new Map<string, { key: CachedKey; at: number }>();
  /** Secrets (by hash) that matched no key: a flood of made-up keys costs one lookup each per MISS_TTL_MS. */
  #misses = new Map<string, number>();
  readonly #invalidations: Invalidations;

  constructor(invalidations: Invalidations) {
    this.#invalidations = invalidations;
    invalidations.on(CHANNELS.apiKeys, (id) => this.forget(id));
  }

  get(hash: string, now: number): CachedKey | undefined {
    if (!this.#invalidations.active) return undefined;
    const hit = this.#byHash.get(hash);
    if (!hit) return undefined;
    if (now - hit.at > TTL_MS) {
      this.#byHash.delete(hash);
      return undefined;
    }
    return hit.key;
  }

  set(hash: string, key: CachedKey, now: number): void {
    if (!this.#invalidations.active) return;
    if (this.#byHash.size >= MAX_ENTRIES) this.#byHash.delete(this.#byHash.keys().next().value!);
    this.#byHash.set(hash, { key, at: now });
  }

  /** Whether this secret matched no key a moment ago. */
  isMiss(hash: string, now: number): boolean {
    if (!this.#invalidations.active) return false;
    const at = this.#misses.get(hash);
    if (at === undefined) return false;
    if (now - at > MISS_TTL_MS) {
      this.#misses.delete(hash);
      return false;
    }
    return true;
  }

  setMiss(hash: string, now: number): void {
    if (!this.#invalidations.active) return;
    if (this.#misses.size >= MAX_ENTRIES) this.#misses.delete(this.#misses.keys().next().value!);
    this.#misses.set(hash, now);
  }

  /** Forgets one key by id (an empty id forgets everything). Any change to keys forgets the misses too. */
  forget(id: string): void {
    this.#misses.clear();
    if (!id) return this.#byHash.clear();
    for (const [hash, { key }] of this.#byHash) if (key.id === id) this.#byHash.delete(hash);
  }
}
