import type { Clock } from '../../clock.ts';
import { recordAudit } from '../../db/audit.ts';
import { inChange } from '../../db/change.ts';
import type { ChangeContext } from '../../db/context.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { eventRow, insertEvents } from '../../db/outbox.ts';
import { decodeCursor, keysetFrom, pageOf } from '../../db/pagination.ts';
import type { Db, Tx } from '../../db/types.ts';
import { assertVersion, conflict, invalidInput, notFound } from '../../domain/errors.ts';
import { newId } from '../../lib/ids.ts';
import * as repo from './parts.repository.ts';
import type { CreateMovement, CreatePart, MovementListQuery, PartListQuery, UpdatePart } from './parts.schemas.ts';

export interface PartDeps {
  db: Db;
  clock: Clock;
}

export function present(row: repo.PartRow) {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    category: row.category,
    unit_price: Number(row.unit_price),
    currency: row.currency,
    stock: row.stock,
    reorder_level: row.reorder_level,
    low_stock: row.stock <= row.reorder_level,
    active: row.active,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}
export type PartView = ReturnType<typeof present>;

function presentMovement(m: repo.MovementRow) {
  return {
    id: m.id,
    part_id: m.part_id,
    kind: m.kind,
    quantity: m.quantity,
    stock_after: m.stock_after,
    reason: m.reason,
    occurred_at: m.occurred_at.toISOString(),
    visit_id: m.visit_id,
    actor: { kind: m.actor_kind, id: m.actor_id, role: m.actor_role },
  };
}

const duplicateSku = (sku: string) => conflict(`A part with sku ${sku} already exists.`);

/** `part.low_stock`, once per crossing: when a change takes a part from above its reorder level to at or below it. */
async function lowStockCrossed(tx: Tx, ctx: ChangeContext, at: Date, before: { stock: number; reorder_level: number }, after: repo.PartRow): Promise<void> {
  if (before.stock > before.reorder_level && after.stock <= after.reorder_level) {
    await insertEvents(tx, [eventRow(ctx, at, 'part.low_stock', { type: 'part', id: after.id }, present(after))]);
  }
}

function movementRow(ctx: ChangeContext, at: Date, partId: string, kind: repo.MovementRow['kind'], quantity: number, stockAfter: number, reason: string | null, visitId: string | null = null) {
  return {
    id: newId(),
    part_id: partId,
    kind,
    quantity,
    stock_after: stockAfter,
    reason,
    occurred_at: at,
    actor_kind: ctx.actor.kind,
    actor_id: ctx.actor.id,
    actor_role: ctx.actor.role,
    request_id: ctx.requestId,
    visit_id: visitId,
  };
}

export async function createPart(deps: PartDeps, ctx: ChangeContext, input: CreatePart): Promise<PartView> {
  const now = deps.clock.now();
  try {
    return await inChange(deps.db, ctx, async (tx) => {
      const stock = input.stock ?? 0;
      const row = await repo.insertPart(tx, {
        id: newId(),
        sku: input.sku,
        name: input.name,
        category: input.category ?? null,
        unit_price: input.unit_price,
        currency: input.currency,
        stock,
        reorder_level: input.reorder_level ?? 0,
        active: input.active ?? true,
        created_at: now,
        updated_at: now,
      });
      // The opening balance is the ledger's first row, so stock is always the ledger's sum.
      if (stock > 0) await repo.insertMovement(tx, movementRow(ctx, now, row.id, 'opening', stock, stock, null));
      await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'part', resource_id: row.id, fields: Object.keys(input) }]);
      return present(row);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'parts_sku_key')) throw duplicateSku(input.sku);
    throw err;
  }
}

export async function getPart(deps: PartDeps, id: string): Promise<PartView> {
  const row = await repo.findPart(deps.db, id);
  if (!row) throw notFound('Part', id);
  return present(row);
}

export async function listParts(deps: PartDeps, q: PartListQuery) {
  const ks = keysetFrom(q);
  const { limit: _l, cursor: _c, updated_since: _u, ...filter } = q;
  const page = pageOf(await repo.partListQuery(deps.db, filter, ks).execute(), ks);
  return { data: page.data.map(present), next_cursor: page.next_cursor };
}

/** Name, price, reorder level, activity; never stock, which moves only through movements. */
export async function updatePart(deps: PartDeps, ctx: ChangeContext, id: string, patch: UpdatePart, expectedVersion: number | undefined): Promise<PartView> {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const current = await repo.lockPart(tx, id);
    assertVersion('Part', id, current, expectedVersion);
    const row = await repo.updatePart(tx, id, patch, now);
    await recordAudit(tx, ctx, now, [{ action: 'updated', resource_type: 'part', resource_id: id, fields: Object.keys(patch) }]);
    await lowStockCrossed(tx, ctx, now, current, row);
    return present(row);
  });
}

export async function recordMovement(deps: PartDeps, ctx: ChangeContext, id: string, input: CreateMovement) {
  if (input.quantity === 0) throw invalidInput('quantity is never 0.', [{ path: '/body/quantity', message: 'must not be 0' }]);
  if (input.kind !== 'adjusted' && input.quantity < 0) {
    throw invalidInput(`A ${input.kind} movement adds stock: quantity is positive (take stock out with adjusted and a reason).`, [
      { path: '/body/quantity', message: `must be positive for ${input.kind}` },
    ]);
  }
  if (input.kind === 'adjusted' && !input.reason) {
    throw invalidInput('An adjustment says why the count changed.', [{ path: '/body/reason', message: 'is required for adjusted' }]);
  }
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const moved = await repo.moveStock(tx, id, input.quantity, now);
    if (!moved) {
      const part = await repo.findPart(tx, id);
      if (!part) throw notFound('Part', id);
      if (input.quantity > 0) throw conflict(`Part ${part.sku} has ${part.stock} in stock; it holds at most ${repo.MAX_STOCK.toLocaleString('en')}.`);
      throw conflict(`Part ${part.sku} has ${part.stock} in stock; ${-input.quantity} cannot be taken out.`);
    }
    const { stock_before, ...row } = moved;
    const movement = await repo.insertMovement(tx, movementRow(ctx, now, id, input.kind, input.quantity, row.stock, input.reason ?? null));
    await recordAudit(tx, ctx, now, [{ action: `stock_${input.kind}`, resource_type: 'part', resource_id: id, fields: ['stock'] }]);
    await lowStockCrossed(tx, ctx, now, { stock: stock_before, reorder_level: row.reorder_level }, row);
    return presentMovement(movement);
  });
}

export async function listMovements(deps: PartDeps, id: string, q: MovementListQuery) {
  if (!(await repo.findPart(deps.db, id))) throw notFound('Part', id);
  const after = decodeCursor(q.cursor, 'id');
  const ks = { mode: 'id' as const, limit: q.limit ?? 50, ...(after ? { after: { id: after.id } } : {}) };
  const page = pageOf(await repo.listMovements(deps.db, id, ks), ks);
  return { data: page.data.map(presentMovement), next_cursor: page.next_cursor };
}

/** The parts named by a visit (planned or used), by id: those that exist. */
export async function partsNamed(db: Db | Tx, ids: string[]): Promise<PartView[]> {
  return (await repo.findParts(db, [...new Set(ids)])).map(present);
}

/**
 * Takes a completed visit's parts out of stock, in the completion's transaction: one
 * statement moves every part or none (a part short of stock refuses the whole completion
 * with a 409 naming it and what is left), a `consumed` ledger row per part names the visit,
 * and a part that crosses its reorder level emits part.low_stock.
 */
export async function consumeForVisit(tx: Tx, ctx: ChangeContext, now: Date, visitId: string, lines: { part_id: string; quantity: number }[]): Promise<void> {
  if (lines.length === 0) return;
  const rows = await repo.consumeParts(tx, lines, now);
  const short = rows.filter((r) => r.stock < r.quantity);
  if (short.length) {
    throw conflict(`Not enough stock: ${short.map((r) => `part ${r.sku} has ${r.stock} left, ${r.quantity} needed`).join('; ')}. Nothing was recorded.`);
  }
  await repo.insertMovements(
    tx,
    rows.map((r) => movementRow(ctx, now, r.id, 'consumed', -r.quantity, r.stock - r.quantity, null, visitId)),
  );
  await recordAudit(tx, ctx, now, rows.map((r) => ({ action: 'stock_consumed', resource_type: 'part' as const, resource_id: r.id, fields: ['stock'] })));
  const crossed = rows.filter((r) => r.stock > r.reorder_level && r.stock - r.quantity <= r.reorder_level).map((r) => r.id);
  if (crossed.length) {
    const parts = await repo.findParts(tx, crossed);
    await insertEvents(tx, parts.map((p) => eventRow(ctx, now, 'part.low_stock', { type: 'part', id: p.id }, present(p))));
  }
}
