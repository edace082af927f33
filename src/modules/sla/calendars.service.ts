import type { Clock } from '../../clock.ts';
import { inChange } from '../../db/change.ts';
import type { Db, Tx } from '../../db/types.ts';
import { keysetFrom, pageOf } from '../../db/pagination.ts';
import { notFound, ruleViolated, type FieldError, assertVersion } from '../../domain/errors.ts';
import type { ChangeContext } from '../../db/context.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../../db/audit.ts';
import { notifySlaSettingsChanged } from './sla-settings.service.ts';
import { BusinessCalendar, CalendarError, type CalendarSpec } from '../../domain/business-calendar.ts';
import * as repo from './calendars.repository.ts';
import { calendarOf } from './sla-matching.service.ts';
import type { CalendarListQuery, CreateCalendar, UpdateCalendar } from './calendars.schemas.ts';

export interface CalendarDeps {
  db: Db;
  clock: Clock;
}

export function present(row: repo.CalendarRow) {
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    hours: row.hours as CalendarSpec['hours'],
    holidays: row.holidays,
    workdays: row.workdays,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}

/**
 * A calendar must compute: known timezone, ordered non-overlapping spans, working hours on
 * some weekday (make-up days alone run out), working time in every year from now on, weekend
 * make-up days; and as much working time in its leanest year as the policies using it need.
 * So a clock counted in it always falls due.
 */
export function checkCalendar(spec: CalendarSpec, now: Date, neededMinutes = 0): void {
  const errors: FieldError[] = [];
  try {
    const cal = new BusinessCalendar(spec);
    if (Object.values(spec.hours).every((spans) => !spans?.length)) {
      errors.push({ path: '/body/hours', message: 'has no working hours on any weekday (make-up days alone run out)' });
    } else {
      const leanest = cal.leanestYearMinutes(now);
      if (leanest === 0) errors.push({ path: '/body/holidays', message: 'leave a whole year without working time' });
      else if (leanest < neededMinutes) {
        errors.push({ path: '/body/hours', message: `give at most ${leanest} working minutes in a year, less than the ${neededMinutes} a policy using this calendar targets` });
      }
    }
  } catch (err) {
    if (!(err instanceof CalendarError)) throw err;
    errors.push({ path: /timezone/.test(err.reason) ? '/body/timezone' : '/body/hours', message: err.reason });
  }
  for (const day of spec.workdays) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) errors.push({ path: '/body/workdays', message: `${day} is not a Saturday or Sunday` });
  }
  for (const day of spec.holidays) if (spec.workdays.includes(day)) errors.push({ path: '/body/holidays', message: `${day} is both a holiday and a workday` });
  if (errors.length) throw ruleViolated('calendar-invalid', `The calendar cannot be used: ${errors.map((e) => e.message).join('; ')}.`, errors);
}

export async function createCalendar(deps: CalendarDeps, ctx: ChangeContext, input: CreateCalendar) {
  const spec: CalendarSpec = { timezone: input.timezone, hours: input.hours as CalendarSpec['hours'], holidays: input.holidays ?? [], workdays: input.workdays ?? [] };
  const now = deps.clock.now();
  checkCalendar(spec, now);
  return inChange(deps.db, ctx, async (tx) => {
    const row = await repo.insertCalendar(tx, {
      id: newId(),
      name: input.name,
      timezone: spec.timezone,
      hours: JSON.stringify(spec.hours),
      holidays: [...spec.holidays],
      workdays: [...spec.workdays],
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'calendar', resource_id: row.id, fields: Object.keys(input) }]);
    await notifySlaSettingsChanged(tx, now);
    return present(row);
  });
}

export async function getCalendar(deps: CalendarDeps, id: string) {
  const row = await repo.findCalendar(deps.db, id);
  if (!row) throw notFound('Calendar', id);
  return present(row);
}

export async function listCalendars(deps: CalendarDeps, q: CalendarListQuery) {
  const ks = keysetFrom(q);
  const page = pageOf(await repo.calendarListQuery(deps.db, ks).execute(), ks);
  return { data: page.data.map(present), next_cursor: page.next_cursor };
}

export async function updateCalendar(deps: CalendarDeps, ctx: ChangeContext, id: string, patch: UpdateCalendar, expectedVersion: number | undefined) {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const current = await repo.lockCalendar(tx, id);
    assertVersion('Calendar', id, current, expectedVersion);
    const spec: CalendarSpec = {
      timezone: patch.timezone ?? current.timezone,
      hours: (patch.hours ?? current.hours) as CalendarSpec['hours'],
      holidays: patch.holidays ?? current.holidays,
      workdays: patch.workdays ?? current.workdays,
    };
    checkCalendar(spec, now, await repo.largestTargetUsing(tx, id));
    const { hours, ...rest } = patch;
    const row = await repo.updateCalendar(tx, id, { ...rest, ...(hours ? { hours: JSON.stringify(hours) } : {}) }, now);
    await recordAudit(tx, ctx, now, [{ action: 'updated', resource_type: 'calendar', resource_id: id, fields: Object.keys(patch) }]);
    await notifySlaSettingsChanged(tx, now);
    return present(row);
  });
}

/** A calendar ready for arithmetic (parsed once per version), or undefined when there is none with this id. */
export async function businessCalendar(db: Db | Tx, id: string): Promise<BusinessCalendar | undefined> {
  const row = await repo.findCalendar(db, id);
  return row ? calendarOf(row) : undefined;
}

/** The seeded business-hours calendar (its id is fixed by the SLA migration): where report days and weeks begin by default. */
export const DEFAULT_CALENDAR_ID = '01900000-0000-7000-8000-000000000001';

/** The timezone of the default business calendar (UTC if it was deleted). */
export async function defaultTimezone(db: Db | Tx): Promise<string> {
  return (await db.selectFrom('calendars').select('timezone').where('id', '=', DEFAULT_CALENDAR_ID).executeTakeFirst())?.timezone ?? 'UTC';
}
