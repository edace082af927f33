import type { Clock } from '../../clock.ts';
import { inChange } from '../../db/change.ts';
import type { Db } from '../../db/types.ts';
import { keysetFrom, pageOf } from '../../db/pagination.ts';
import { conflict, notFound, ruleViolated, type FieldError, assertVersion } from '../../domain/errors.ts';
import type { ChangeContext } from '../../db/context.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../../db/audit.ts';
import * as repo from './assets.repository.ts';
import type { AssetListQuery, CreateAsset, UpdateAsset } from './assets.schemas.ts';

export interface AssetDeps {
  db: Db;
  clock: Clock;
}

export function present(row: repo.AssetRow) {
  return {
    id: row.id,
    customer_id: row.customer_id,
    product_model: row.product_model,
    category: row.category,
    serial_number: row.serial_number,
    purchased_on: row.purchased_on,
    proof_of_purchase: row.proof_of_purchase,
    warranty_until: row.warranty_until,
    installed_on: row.installed_on,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}
export type AssetView = ReturnType<typeof present>;

type AssetDates = Pick<repo.AssetRow, 'purchased_on' | 'warranty_until' | 'installed_on' | 'proof_of_purchase'>;

/** Dates that contradict each other would make every later warranty decision wrong. */
export function dateRuleViolations(a: AssetDates, today: string): FieldError[] {
  const errors: FieldError[] = [];
  if (a.purchased_on && a.purchased_on > today) errors.push({ path: '/body/purchased_on', message: 'is in the future' });
  if (a.purchased_on && a.warranty_until && a.warranty_until < a.purchased_on)
    errors.push({ path: '/body/warranty_until', message: 'is before purchased_on' });
  if (a.purchased_on && a.installed_on && a.installed_on < a.purchased_on)
    errors.push({ path: '/body/installed_on', message: 'is before purchased_on' });
  if (a.proof_of_purchase && a.proof_of_purchase.issued_on > today)
    errors.push({ path: '/body/proof_of_purchase/issued_on', message: 'is in the future' });
  return errors;
}

function assertDates(a: AssetDates, now: Date): void {
  const errors = dateRuleViolations(a, now.toISOString().slice(0, 10));
  if (errors.length) throw ruleViolated('asset-dates', 'The asset dates contradict each other.', errors);
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

export async function createAsset(deps: AssetDeps, ctx: ChangeContext, customerId: string, input: CreateAsset): Promise<AssetView> {
  const now = deps.clock.now();
  const dates: AssetDates = {
    purchased_on: input.purchased_on ?? null,
    warranty_until: input.warranty_until ?? null,
    installed_on: input.installed_on ?? null,
    proof_of_purchase: input.proof_of_purchase ?? null,
  };
  assertDates(dates, now);
  return inChange(deps.db, ctx, async (tx) => {
    const customer = await repo.lockCustomerForAsset(tx, customerId);
    if (!customer) throw notFound('Customer', customerId);
    if (customer.status === 'erased') throw conflict(`Customer ${customerId} was erased; no products can be added.`);
    const row = await repo.insertAsset(tx, {
      id: newId(),
      customer_id: customerId,
      product_model: input.product_model,
      category: input.category,
      serial_number: input.serial_number ?? null,
      ...dates,
      proof_of_purchase: json(dates.proof_of_purchase),
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'asset', resource_id: row.id, fields: Object.keys(input) }]);
    return present(row);
  });
}

export async function getAsset(deps: AssetDeps, id: string): Promise<AssetView> {
  const row = await repo.findAsset(deps.db, id);
  if (!row) throw notFound('Asset', id);
  return present(row);
}

export async function listAssets(deps: AssetDeps, q: AssetListQuery) {
  const ks = keysetFrom(q);
  const { limit: _l, cursor: _c, updated_since: _u, ...filter } = q;
  const page = pageOf(await repo.listAssets(deps.db, filter, ks), ks);
  return { data: page.data.map(present), next_cursor: page.next_cursor };
}

export async function updateAsset(
  deps: AssetDeps,
  ctx: ChangeContext,
  id: string,
  patch: UpdateAsset,
  expectedVersion: number | undefined,
): Promise<AssetView> {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const current = await repo.lockAsset(tx, id);
    assertVersion('Asset', id, current, expectedVersion);
    const merged: AssetDates = {
      purchased_on: patch.purchased_on !== undefined ? patch.purchased_on : current.purchased_on,
      warranty_until: patch.warranty_until !== undefined ? patch.warranty_until : current.warranty_until,
      installed_on: patch.installed_on !== undefined ? patch.installed_on : current.installed_on,
      proof_of_purchase: patch.proof_of_purchase !== undefined ? patch.proof_of_purchase : current.proof_of_purchase,
    };
    assertDates(merged, now);
    const { proof_of_purchase, ...rest } = patch;
    const row = await repo.updateAsset(
      tx,
      id,
      { ...rest, ...(proof_of_purchase !== undefined ? { proof_of_purchase: json(proof_of_purchase) } : {}) },
      now,
    );
    await recordAudit(tx, ctx, now, [{ action: 'updated', resource_type: 'asset', resource_id: id, fields: Object.keys(patch) }]);
    return present(row);
  });
}
