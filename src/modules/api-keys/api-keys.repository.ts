import { sql, type Insertable, type Selectable } from 'kysely';
import { applyKeyset, type Keyset } from '../../db/pagination.ts';
import type { ApiKeysTable, Db, Tx } from '../../db/types.ts';
import { CHANNELS } from '../../db/invalidations.ts';
import { ADVISORY_LOCKS } from '../../db/locks.ts';

export const API_KEY_COLUMNS = [
  'id',
  'name',
  'role',
  'technician_id',
  'prefix',
  'expires_at',
  'revoked_at',
  'last_used_at',
  'created_at',
  'updated_at',
  'version',
] as const;
export type ApiKeyRow = Pick<Selectable<ApiKeysTable>, (typeof API_KEY_COLUMNS)[number]>;

export async function insertApiKey(db: Db | Tx, row: Insertable<ApiKeysTable>): Promise<ApiKeyRow> {
  return db.insertInto('api_keys').values(row).returning(API_KEY_COLUMNS).executeTakeFirstOrThrow();
}

export async function findApiKey(db: Db | Tx, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').select(API_KEY_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** The key's row, locked until the revoking transaction ends, so its version check holds. */
export async function lockApiKey(tx: Tx, id: string): Promise<ApiKeyRow | undefined> {
  return tx.selectFrom('api_keys').select(API_KEY_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function apiKeyListQuery(db: Db, f: { role?: string; revoked?: boolean }, ks: Keyset) {
  let q = db.selectFrom('api_keys').select(API_KEY_COLUMNS);
  if (f.role) q = q.where('role', '=', f.role as ApiKeyRow['role']);
  if (f.revoked === true) q = q.where('revoked_at', 'is not', null);
  if (f.revoked === false) q = q.where('revoked_at', 'is', null);
  return applyKeyset(q, 'api_keys', ks);
}

export async function listApiKeys(db: Db, f: { role?: string; revoked?: boolean }, ks: Keyset): Promise<ApiKeyRow[]> {
  return apiKeyListQuery(db, f, ks).execute();
}

/** Revokes unless already revoked; locks every active admin key so two revocations cannot both remove the last one. */
export async function revokeApiKey(tx: Tx, id: string, at: Date): Promise<ApiKeyRow | undefined> {
  return tx
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: at, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(API_KEY_COLUMNS)
    .executeTakeFirst();
}

export async function lockActiveAdmins(tx: Tx, at: Date): Promise<string[]> {
  const rows = await tx
    .selectFrom('api_keys')
    .select('id')
    .where('role', '=', 'admin')
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    // One lock order for every caller, so two revocations wait for each other instead of deadlocking.
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

/** Locks the technician (share mode) so it cannot vanish while a key is bound to it. */
export async function technicianExists(tx: Tx, id: string): Promise<boolean> {
  return (await tx.selectFrom('technicians').select('id').where('id', '=', id).forShare().executeTakeFirst()) !== undefined;
}

export async function notifyKeyChanged(tx: Tx, id: string): Promise<void> {
  await sql`select pg_notify(${CHANNELS.apiKeys}, ${id})`.execute(tx);
}

export async function countKeys(db: Db | Tx): Promise<number> {
  const r = await db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function findIdBySecretHash(db: Db | Tx, hash: Buffer): Promise<string | undefined> {
  const r = await db.selectFrom('api_keys').select('id').where('secret_hash', '=', hash).executeTakeFirst();
  return r?.id;
}

/** Serialises the start-up key check of instances starting at once, until the transaction ends. */
export async function lockStartupKeys(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${ADVISORY_LOCKS.startupKey})`.execute(tx);
}
