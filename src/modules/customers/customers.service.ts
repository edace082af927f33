import type { Clock } from '../../clock.ts';
import { inChange, inChangeStatement } from '../../db/change.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { forgetStoredResponsesMentioning } from '../../db/idempotency.ts';
import type { Db, Tx } from '../../db/types.ts';
import { keysetFrom, pageOf } from '../../db/pagination.ts';
import { conflict, notFound, StaleVersion } from '../../domain/errors.ts';
import type { Static } from 'typebox';
import type { ChurnRiskSchema } from './customers.schemas.ts';
import type { ChangeContext } from '../../db/context.ts';
import { newId } from '../../lib/ids.ts';
import { auditRow, recordAudit } from '../../db/audit.ts';
import { eventRow, insertEvents, scrubResourceEvents } from '../../db/outbox.ts';
import { eraseCustomerComments } from '../surveys/surveys.service.ts';
import * as repo from './customers.repository.ts';
import type { CreateCustomer, CustomerListQuery, PutCustomer, UpdateCustomer } from './customers.schemas.ts';

type StoredChurnRisk = Static<typeof ChurnRiskSchema>;

export interface CustomerDeps {
  db: Db;
  clock: Clock;
}

export function present(row: repo.CustomerRow) {
  return {
    id: row.id,
    external_ref: row.external_ref,
    name: row.name,
    kind: row.kind,
    phone: row.phone,
    email: row.email,
    region: row.region,
    address: row.address,
    tier: row.tier,
    tags: row.tags,
    status: row.status,
    // jsonb written only by churn-scan, in the shape of domain/churn-score.ts's result.
    churn_risk: row.churn_risk as StoredChurnRisk | null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}
export type CustomerView = ReturnType<typeof present>;

/** The stored row for what a client sent: omitted optional fields take their defaults. */
function writableRow(input: PutCustomer) {
  return {
    name: input.name,
    kind: input.kind ?? ('person' as const),
    phone: input.phone ?? null,
    email: input.email ?? null,
    region: input.region ?? null,
    address: input.address ?? null,
    tier: input.tier ?? ('standard' as const),
    tags: input.tags ?? [],
  };
}

const duplicateRef = (ref: string | null | undefined) =>
  conflict(`A customer with external_ref ${ref} already exists; update it with PUT /v1/customers/by-external-ref/{ref}.`);

export async function createCustomer(deps: CustomerDeps, ctx: ChangeContext, input: CreateCustomer): Promise<CustomerView> {
  const now = deps.clock.now();
  const id = newId();
  try {
    const { external_ref, ...fields } = input;
    const row: repo.CustomerRow = {
      id,
      external_ref: external_ref ?? null,
      ...writableRow(fields),
      status: 'active',
      churn_risk: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const view = present(row);
    const audit = auditRow(ctx, now, { action: 'created', resource_type: 'customer', resource_id: id, fields: Object.keys(input) });
    await inChangeStatement(deps.db, ctx, (db) =>
      repo.insertCustomer(db, { ...row, tags: [...row.tags] }, audit, eventRow(ctx, now, 'customer.created', { type: 'customer', id }, view)),
    );
    return view;
  } catch (err) {
    if (isUniqueViolation(err, 'customers_external_ref_key')) throw duplicateRef(input.external_ref);
    throw err;
  }
}

export async function getCustomer(deps: CustomerDeps, id: string): Promise<CustomerView> {
  const row = await repo.findCustomer(deps.db, id);
  if (!row) throw notFound('Customer', id);
  return present(row);
}

export async function listCustomers(deps: CustomerDeps, q: CustomerListQuery) {
  const ks = keysetFrom(q);
  const { limit: _l, cursor: _c, updated_since: _u, ...filter } = q;
  const rows = await repo.listCustomers(deps.db, filter, ks);
  const page = pageOf(rows, ks);
  return { data: page.data.map(present), next_cursor: page.next_cursor };
}

/** Explains why a conditional write touched no row. */
async function whyNotUpdated(deps: CustomerDeps, id: string, expected: number | undefined): Promise<never> {
  const current = await repo.findCustomer(deps.db, id);
  if (!current) throw notFound('Customer', id);
  if (current.status === 'erased') throw conflict(`Customer ${id} was erased and can no longer be changed.`);
  throw new StaleVersion('Customer', id, current.version, expected);
}

export async function updateCustomer(
  deps: CustomerDeps,
  ctx: ChangeContext,
  id: string,
  patch: UpdateCustomer,
  expectedVersion: number | undefined,
): Promise<CustomerView> {
  const now = deps.clock.now();
  let row: repo.CustomerRow | undefined;
  try {
    row = await inChange(deps.db, ctx, async (tx) => {
      const updated = await repo.updateCustomer(tx, id, patch, now, expectedVersion);
      if (updated) {
        await recordAudit(tx, ctx, now, [{ action: 'updated', resource_type: 'customer', resource_id: id, fields: Object.keys(patch) }]);
        await insertEvents(tx, [eventRow(ctx, now, 'customer.updated', { type: 'customer', id }, present(updated))]);
      }
      return updated;
    });
  } catch (err) {
    if (isUniqueViolation(err, 'customers_external_ref_key')) throw duplicateRef(patch.external_ref);
    throw err;
  }
  if (!row) return whyNotUpdated(deps, id, expectedVersion);
  return present(row);
}

/** Creates (inserted: true) or replaces the customer the CRM knows by `ref`. */
export async function putByExternalRef(
  deps: CustomerDeps,
  ctx: ChangeContext,
  ref: string,
  input: PutCustomer,
  expectedVersion: number | undefined,
): Promise<{ customer: CustomerView; inserted: boolean }> {
  const now = deps.clock.now();
  const result = await inChange(deps.db, ctx, async (tx) => {
    const row = await repo.upsertByExternalRef(
      tx,
      {
        id: newId(),
        external_ref: ref,
        ...writableRow(input),
        created_at: now,
        updated_at: now,
      },
      now,
      expectedVersion,
    );
    if (row) {
      await recordAudit(tx, ctx, now, [
        { action: row.inserted ? 'created' : 'updated', resource_type: 'customer', resource_id: row.id, fields: Object.keys(input) },
      ]);
      const { inserted, ...customer } = row;
      await insertEvents(tx, [eventRow(ctx, now, inserted ? 'customer.created' : 'customer.updated', { type: 'customer', id: row.id }, present(customer))]);
    }
    return row;
  });
  if (!result) {
    const current = await repo.findByExternalRef(deps.db, ref);
    throw new StaleVersion('Customer', ref, current?.version, expectedVersion);
  }
  const { inserted, ...row } = result;
  return { customer: present(row), inserted };
}

/**
 * Erasure on request: personal data is scrubbed in place, the record and everything that
 * points at it stay for statistics. Erasing an erased customer changes nothing.
 */
export async function eraseCustomer(deps: CustomerDeps, ctx: ChangeContext, id: string, expectedVersion: number | undefined): Promise<CustomerView> {
  const now = deps.clock.now();
  const row = await inChange(deps.db, ctx, async (tx) => {
    const erased = await repo.updateCustomer(
      tx,
      id,
      { name: 'erased', external_ref: null, phone: null, email: null, address: null, tags: [], status: 'erased', erased_at: now, churn_risk: null },
      now,
      expectedVersion,
    );
    if (erased) {
      // Earlier events carried the customer as it was: they now carry it as it is, scrubbed.
      await scrubResourceEvents(tx, 'customer', id, present(erased));
      await forgetStoredResponsesMentioning(tx, id);
      await eraseCustomerComments(tx, id);
      await insertEvents(tx, [eventRow(ctx, now, 'customer.updated', { type: 'customer', id }, present(erased))]);
      await recordAudit(tx, ctx, now, [
        { action: 'erased', resource_type: 'customer', resource_id: id, fields: ['name', 'external_ref', 'phone', 'email', 'address', 'tags', 'status'] },
      ]);
    }
    return erased;
  });
  if (row) return present(row);
  const current = await repo.findCustomer(deps.db, id);
  if (current?.status === 'erased') return present(current);
  return whyNotUpdated(deps, id, expectedVersion);
}

/** The churn scan's results (churn-score.ts), in the scan's transaction: returns the customers changed, as GET shows them. */
export async function recordChurnRisk(tx: Tx, changes: { id: string; status: string; risk: unknown }[], now: Date): Promise<CustomerView[]> {
  return (await repo.setChurnRisk(tx, changes, now)).map(present);
}
