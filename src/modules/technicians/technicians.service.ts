import type { Clock } from '../../clock.ts';
import { inChange, inChangeStatement } from '../../db/change.ts';
import type { Db, Tx } from '../../db/types.ts';
import { keysetFrom, pageOf } from '../../db/pagination.ts';
import { forbidden, notFound, ruleViolated, StaleVersion } from '../../domain/errors.ts';
import type { Actor, ChangeContext } from '../../db/context.ts';
import { newId } from '../../lib/ids.ts';
import { auditRow, recordAudit } from '../../db/audit.ts';
import * as repo from './technicians.repository.ts';
import type { CreateTechnician, TechnicianListQuery, UpdateTechnician } from './technicians.schemas.ts';

export interface TechnicianDeps {
  db: Db;
  clock: Clock;
}

export function present(row: repo.TechnicianRow) {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    tier: row.tier,
    regions: row.regions,
    skills: row.skills,
    max_open_tickets: row.max_open_tickets,
    open_tickets: row.open_tickets,
    active: row.active,
    calendar_id: row.calendar_id,
    travel_buffer_minutes: row.travel_buffer_minutes,
    last_assigned_at: row.last_assigned_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}
export type TechnicianView = ReturnType<typeof present>;

/** A technician key sees its own technician only; another id is a 404, as if it did not exist. */
function assertVisible(actor: Actor, id: string): void {
  if (actor.role === 'technician' && actor.technicianId !== id) throw notFound('Technician', id);
}

export async function createTechnician(deps: TechnicianDeps, ctx: ChangeContext, input: CreateTechnician): Promise<TechnicianView> {
  const now = deps.clock.now();
  const id = newId();
  return inChangeStatement(deps.db, ctx, async (db) => {
    const row = await repo.insertTechnician(
      db,
      {
        id,
        name: input.name,
        phone: input.phone ?? null,
        email: input.email ?? null,
        tier: input.tier,
        regions: input.regions ?? [],
        skills: input.skills ?? [],
        max_open_tickets: input.max_open_tickets,
        active: input.active ?? true,
        calendar_id: input.calendar_id ?? null,
        travel_buffer_minutes: input.travel_buffer_minutes ?? 0,
        created_at: now,
        updated_at: now,
      },
      auditRow(ctx, now, { action: 'created', resource_type: 'technician', resource_id: id, fields: Object.keys(input) }),
    );
    return present(row);
  });
}

export async function getTechnician(deps: TechnicianDeps, actor: Actor, id: string): Promise<TechnicianView> {
  assertVisible(actor, id);
  const row = await repo.findTechnician(deps.db, id);
  if (!row) throw notFound('Technician', id);
  return present(row);
}

export async function listTechnicians(deps: TechnicianDeps, actor: Actor, q: TechnicianListQuery) {
  const ks = keysetFrom(q);
  const { limit: _l, cursor: _c, updated_since: _u, ...filter } = q;
  const rows = await repo
    .technicianListQuery(deps.db, { ...filter, ...(actor.role === 'technician' ? { only: actor.technicianId ?? '' } : {}) }, ks)
    .execute();
  const page = pageOf(rows, ks);
  return { data: page.data.map(present), next_cursor: page.next_cursor };
}

export async function updateTechnician(
  deps: TechnicianDeps,
  ctx: ChangeContext,
  id: string,
  patch: UpdateTechnician,
  expectedVersion: number | undefined,
): Promise<TechnicianView> {
  if (ctx.actor.role === 'technician') throw forbidden('Technicians cannot change technician records.');
  const now = deps.clock.now();
  const row = await inChange(deps.db, ctx, async (tx) => {
    const updated = await repo.updateTechnician(tx, id, patch, now, expectedVersion);
    if (updated) await recordAudit(tx, ctx, now, [{ action: 'updated', resource_type: 'technician', resource_id: id, fields: Object.keys(patch) }]);
    return updated;
  });
  if (row) return present(row);
  const current = await repo.findTechnician(deps.db, id);
  if (!current) throw notFound('Technician', id);
  throw new StaleVersion('Technician', id, current.version, expectedVersion);
}

export async function getWorkload(deps: TechnicianDeps, actor: Actor, id: string) {
  const technician = await getTechnician(deps, actor, id);
  const { counts, oldest, visits } = await repo.workload(deps.db, id, deps.clock.now());
  const by_status = { assigned: 0, in_progress: 0, on_hold: 0 };
  const by_priority = { urgent: 0, high: 0, normal: 0, low: 0 };
  for (const c of counts) {
    by_status[c.status as keyof typeof by_status] += Number(c.n);
    by_priority[c.priority as keyof typeof by_priority] += Number(c.n);
  }
  return {
    technician_id: id,
    open_tickets: technician.open_tickets,
    max_open_tickets: technician.max_open_tickets,
    by_status,
    by_priority,
    tickets: oldest.map((t) => ({ ...t, reported_at: t.reported_at.toISOString() })),
    upcoming_visits: visits.map((v) => ({ ...v, window_start: v.window_start.toISOString(), window_end: v.window_end.toISOString() })),
  };
}

/** The technician a visit is booked with, as the booking needs it: 422 when there is none. */
export async function technicianForVisit(db: Db | Tx, id: string, path: string) {
  const row = await repo.findTechnician(db, id);
  if (!row) throw ruleViolated('technician-not-found', `Technician ${id} does not exist.`, [{ path, message: 'does not exist' }]);
  return row;
}
