import type { Insertable, Selectable, Updateable } from 'kysely';
import { applyKeyset } from '../../db/pagination.ts';
import type { AssetsTable, Db, Tx } from '../../db/types.ts';
import type { Keyset } from '../../db/pagination.ts';

export const ASSET_COLUMNS = [
  'id',
  'customer_id',
  'product_model',
  'category',
  'serial_number',
  'purchased_on',
  'proof_of_purchase',
  'warranty_until',
  'installed_on',
  'created_at',
  'updated_at',
  'version',
] as const;
export type AssetRow = Pick<Selectable<AssetsTable>, (typeof ASSET_COLUMNS)[number]>;

export async function insertAsset(tx: Tx, row: Insertable<AssetsTable>): Promise<AssetRow> {
  return tx.insertInto('assets').values(row).returning(ASSET_COLUMNS).executeTakeFirstOrThrow();
}

export async function findAsset(db: Db | Tx, id: string): Promise<AssetRow | undefined> {
  return db.selectFrom('assets').select(ASSET_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export type AssetFilter = { serial_number?: string; customer_id?: string; category?: string };

export function assetListQuery(db: Db, f: AssetFilter, ks: Keyset) {
  let q = db.selectFrom('assets').select(ASSET_COLUMNS);
  if (f.serial_number) q = q.where('serial_number', '=', f.serial_number);
  if (f.customer_id) q = q.where('customer_id', '=', f.customer_id);
  if (f.category) q = q.where('category', '=', f.category);
  return applyKeyset(q, 'assets', ks);
}

export async function listAssets(db: Db, f: AssetFilter, ks: Keyset): Promise<AssetRow[]> {
  return assetListQuery(db, f, ks).execute();
}

/** Locks the asset row so the date rules are checked against what is being overwritten. */
export async function lockAsset(tx: Tx, id: string): Promise<AssetRow | undefined> {
  return tx.selectFrom('assets').select(ASSET_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateAsset(tx: Tx, id: string, patch: Updateable<AssetsTable>, at: Date): Promise<AssetRow> {
  return tx
    .updateTable('assets')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning(ASSET_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Locks the owning customer (share mode) so it cannot be erased while an asset is added. */
export async function lockCustomerForAsset(tx: Tx, customerId: string) {
  return tx.selectFrom('customers').select(['id', 'status']).where('id', '=', customerId).forShare().executeTakeFirst();
}
