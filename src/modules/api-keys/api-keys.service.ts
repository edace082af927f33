import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { inChange } from '../../db/change.ts';
import type { Db, Role } from '../../db/types.ts';
import type { ApiKeyCache } from '../../http/key-cache.ts';
import { sha256 } from '../../lib/hash.ts';
import { keysetFrom, pageOf } from '../../db/pagination.ts';
import { assertVersion, conflict, notFound, ruleViolated } from '../../domain/errors.ts';
import { systemContext, type ChangeContext } from '../../db/context.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../../db/audit.ts';
import * as repo from './api-keys.repository.ts';
import type { ApiKeyListQuery, CreateApiKey } from './api-keys.schemas.ts';

export interface ApiKeyDeps {
  db: Db;
  clock: Clock;
  /** This instance's key cache, emptied of a revoked key before the response goes out. */
  keyCache?: ApiKeyCache;
}

/** `ak_` and 43 base64url characters: 256 random bits, so a plain SHA-256 is a safe store. */
export const generateSecret = (): string => `ak_${randomBytes(32).toString('base64url')}`;
const prefixOf = (secret: string) => secret.slice(0, 11);

export function present(row: repo.ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    technician_id: row.technician_id,
    prefix: row.prefix,
    expires_at: row.expires_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}

export async function createApiKey(deps: ApiKeyDeps, ctx: ChangeContext, input: CreateApiKey) {
  const now = deps.clock.now();
  if (input.expires_at && new Date(input.expires_at) <= now) {
    throw ruleViolated('expiry-in-past', 'expires_at must be in the future.', [{ path: '/body/expires_at', message: 'is in the past' }]);
  }
  if ((input.role === 'technician') !== (input.technician_id !== undefined)) {
    throw ruleViolated('technician-binding', 'A technician key needs technician_id, and only a technician key may have one.', [
      { path: '/body/technician_id', message: input.role === 'technician' ? 'is required for role technician' : 'is only for role technician' },
    ]);
  }
  const secret = generateSecret();
  const row = await inChange(deps.db, ctx, async (tx) => {
    if (input.technician_id && !(await repo.technicianExists(tx, input.technician_id))) {
      throw ruleViolated('technician-not-found', `Technician ${input.technician_id} does not exist.`, [
        { path: '/body/technician_id', message: 'does not exist' },
      ]);
    }
    const created = await repo.insertApiKey(tx, {
      id: newId(),
      name: input.name,
      role: input.role,
      technician_id: input.technician_id ?? null,
      prefix: prefixOf(secret),
      secret_hash: sha256(secret),
      expires_at: input.expires_at ? new Date(input.expires_at) : null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'api_key', resource_id: created.id, fields: ['name', 'role'] }]);
    return present(created);
  });
  return { ...row, secret };
}

export async function listApiKeys(deps: ApiKeyDeps, q: ApiKeyListQuery) {
  const ks = keysetFrom(q);
  const rows = await repo.listApiKeys(deps.db, { ...(q.role ? { role: q.role } : {}), ...(q.revoked !== undefined ? { revoked: q.revoked } : {}) }, ks);
  const page = pageOf(rows, ks);
  return { data: page.data.map(present), next_cursor: page.next_cursor };
}

export async function getApiKey(deps: ApiKeyDeps, id: string) {
  const row = await repo.findApiKey(deps.db, id);
  if (!row) throw notFound('API key', id);
  return present(row);
}

/** Revokes at once (the next request with it gets 401). The last working admin key cannot be revoked. */
export async function revokeApiKey(deps: ApiKeyDeps, ctx: ChangeContext, id: string, expectedVersion?: number) {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const seen = await repo.findApiKey(tx, id);
    if (!seen) throw notFound('API key', id);
    // Admin keys are locked all together first (in one order, so two revocations cannot
    // deadlock or both take the last two); then this key's row, for the version check.
    const admins = seen.role === 'admin' ? await repo.lockActiveAdmins(tx, now) : undefined;
    const existing = await repo.lockApiKey(tx, id);
    assertVersion('API key', id, existing, expectedVersion);
    if (existing.revoked_at) return present(existing);
    if (admins && admins.length === 1 && admins[0] === id) {
      throw conflict('This is the last working admin key; create another admin key before revoking it.');
    }
    const row = await repo.revokeApiKey(tx, id, now);
    if (!row) throw conflict('The key changed while it was being revoked; retry.');
    await recordAudit(tx, ctx, now, [{ action: 'revoked', resource_type: 'api_key', resource_id: id, fields: ['revoked_at'] }]);
    // Delivered to every instance's key cache when this transaction commits.
    await repo.notifyKeyChanged(tx, id);
    return present(row);
  }).finally(() => deps.keyCache?.forget(id));
}

/**
 * Start-up keys: BOOTSTRAP_API_KEY is ensured as an admin key (idempotent, also under
 * concurrent starts); otherwise a first start with no keys at all generates one admin key
 * and returns its secret so the server prints it once.
 */
export async function ensureStartupKey(deps: ApiKeyDeps, bootstrapSecret: string | undefined): Promise<{ generated?: string }> {
  const now = deps.clock.now();
  const ctx = systemContext();
  return deps.db.transaction().execute(async (tx) => {
    // Serialises concurrent starts of several instances on one database.
    await repo.lockStartupKeys(tx);
    if (bootstrapSecret) {
      const hash = sha256(bootstrapSecret);
      if (await repo.findIdBySecretHash(tx, hash)) return {};
      const row = await repo.insertApiKey(tx, {
        id: newId(),
        name: 'bootstrap',
        role: 'admin' satisfies Role,
        technician_id: null,
        prefix: prefixOf(bootstrapSecret),
        secret_hash: hash,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'api_key', resource_id: row.id, fields: ['name', 'role'] }]);
      return {};
    }
    if ((await repo.countKeys(tx)) > 0) return {};
    const secret = generateSecret();
    const row = await repo.insertApiKey(tx, {
      id: newId(),
      name: 'first admin key',
      role: 'admin',
      technician_id: null,
      prefix: prefixOf(secret),
      secret_hash: sha256(secret),
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'api_key', resource_id: row.id, fields: ['name', 'role'] }]);
    return { generated: secret };
  });
}
