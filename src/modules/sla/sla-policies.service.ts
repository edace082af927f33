import type { Clock } from '../../clock.ts';
import { inChange } from '../../db/change.ts';
import type { Db, Tx } from '../../db/types.ts';
import { keysetFrom, pageOf } from '../../db/pagination.ts';
import { notFound, ruleViolated, assertVersion } from '../../domain/errors.ts';
import type { ChangeContext } from '../../db/context.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../../db/audit.ts';
import { notifySlaSettingsChanged } from './sla-settings.service.ts';
import * as repo from './sla-policies.repository.ts';
import { BusinessCalendar, type CalendarSpec } from '../../domain/business-calendar.ts';
import type { CreateSlaPolicy, SlaPolicy, SlaPolicyListQuery, UpdateSlaPolicy } from './sla-policies.schemas.ts';

export interface SlaPolicyDeps {
  db: Db;
  clock: Clock;
}

export function present(row: repo.PolicyRow): SlaPolicy {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    match: row.match as SlaPolicy['match'],
    targets: row.targets as SlaPolicy['targets'],
    calendar_id: row.calendar_id,
    warn_at_percent: row.warn_at_percent,
    pause_on: row.pause_on as SlaPolicy['pause_on'],
    on_breach: row.on_breach,
    active: row.active,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}

/** The calendar exists, and its leanest year has the working time every target needs (else the clock could never fall due). */
async function assertCalendar(tx: Tx, id: string, targets: Record<string, number | null | undefined>, now: Date): Promise<void> {
  const row = await repo.calendarForShare(tx, id);
  if (!row) {
    throw ruleViolated('calendar-not-found', `Calendar ${id} does not exist.`, [{ path: '/body/calendar_id', message: 'does not exist' }]);
  }
  const leanest = new BusinessCalendar({ timezone: row.timezone, hours: row.hours as CalendarSpec['hours'], holidays: row.holidays, workdays: row.workdays }).leanestYearMinutes(now);
  const errors = Object.entries(targets)
    .filter(([, minutes]) => typeof minutes === 'number' && minutes > leanest)
    .map(([metric, minutes]) => ({ path: `/body/targets/${metric}`, message: `${minutes} minutes is more than the ${leanest} working minutes calendar ${id} has in its leanest year` }));
  if (errors.length) throw ruleViolated('sla-target-unreachable', `A target cannot be reached in calendar ${id}: ${errors.map((e) => e.message).join('; ')}.`, errors);
}

export async function createPolicy(deps: SlaPolicyDeps, ctx: ChangeContext, input: CreateSlaPolicy) {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    await assertCalendar(tx, input.calendar_id, input.targets, now);
    const row = await repo.insertPolicy(tx, {
      id: newId(),
      name: input.name,
      position: input.position,
      match: JSON.stringify(input.match ?? {}),
      targets: JSON.stringify(input.targets),
      calendar_id: input.calendar_id,
      warn_at_percent: input.warn_at_percent ?? 80,
      pause_on: input.pause_on ?? ['waiting_customer'],
      on_breach: JSON.stringify(input.on_breach ?? {}),
      active: input.active ?? true,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'sla_policy', resource_id: row.id, fields: Object.keys(input) }]);
    await notifySlaSettingsChanged(tx, now);
    return present(row);
  });
}

export async function getPolicy(deps: SlaPolicyDeps, id: string) {
  const row = await repo.findPolicy(deps.db, id);
  if (!row) throw notFound('SLA policy', id);
  return present(row);
}

export async function listPolicies(deps: SlaPolicyDeps, q: SlaPolicyListQuery) {
  const ks = keysetFrom(q);
  const page = pageOf(await repo.policyListQuery(deps.db, { ...(q.active !== undefined ? { active: q.active } : {}) }, ks).execute(), ks);
  return { data: page.data.map(present), next_cursor: page.next_cursor };
}

export async function updatePolicy(deps: SlaPolicyDeps, ctx: ChangeContext, id: string, patch: UpdateSlaPolicy, expectedVersion: number | undefined) {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const current = await repo.lockPolicy(tx, id);
    assertVersion('SLA policy', id, current, expectedVersion);
    if (patch.calendar_id || patch.targets) await assertCalendar(tx, patch.calendar_id ?? current!.calendar_id, (patch.targets ?? current!.targets) as Record<string, number | null>, now);
    const { match, targets, on_breach, ...rest } = patch;
    const row = await repo.updatePolicy(
      tx,
      id,
      {
        ...rest,
        ...(match ? { match: JSON.stringify(match) } : {}),
        ...(targets ? { targets: JSON.stringify(targets) } : {}),
        ...(on_breach ? { on_breach: JSON.stringify(on_breach) } : {}),
      },
      now,
    );
    await recordAudit(tx, ctx, now, [{ action: 'updated', resource_type: 'sla_policy', resource_id: id, fields: Object.keys(patch) }]);
    await notifySlaSettingsChanged(tx, now);
    return present(row);
  });
}
