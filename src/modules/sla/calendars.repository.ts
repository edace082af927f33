import { sql } from 'kysely';
import type { Insertable, Selectable, Updateable } from 'kysely';
import { applyKeyset } from '../../db/pagination.ts';
import type { CalendarsTable, Db, Tx } from '../../db/types.ts';
import type { Keyset } from '../../db/pagination.ts';

export const CALENDAR_COLUMNS = ['id', 'name', 'timezone', 'hours', 'holidays', 'workdays', 'created_at', 'updated_at', 'version'] as const;
export type CalendarRow = Pick<Selectable<CalendarsTable>, (typeof CALENDAR_COLUMNS)[number]>;

export async function insertCalendar(tx: Tx, row: Insertable<CalendarsTable>): Promise<CalendarRow> {
  return tx.insertInto('calendars').values(row).returning(CALENDAR_COLUMNS).executeTakeFirstOrThrow();
}

export async function findCalendar(db: Db | Tx, id: string): Promise<CalendarRow | undefined> {
  return db.selectFrom('calendars').select(CALENDAR_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function lockCalendar(tx: Tx, id: string): Promise<CalendarRow | undefined> {
  return tx.selectFrom('calendars').select(CALENDAR_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export function calendarListQuery(db: Db, ks: Keyset) {
  return applyKeyset(db.selectFrom('calendars').select(CALENDAR_COLUMNS), 'calendars', ks);
}

export async function updateCalendar(tx: Tx, id: string, patch: Updateable<CalendarsTable>, at: Date): Promise<CalendarRow> {
  return tx
    .updateTable('calendars')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning(CALENDAR_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** The largest target (in minutes) of the policies counted in this calendar; 0 when none uses it. */
export async function largestTargetUsing(tx: Tx, calendarId: string): Promise<number> {
  const { rows } = await sql<{ largest: number | null }>`
    select max(t.minutes::int) as largest
    from sla_policies p, jsonb_each_text(p.targets) t(metric, minutes)
    where p.calendar_id = ${calendarId} and t.minutes ~ '^[0-9]+$'`.execute(tx);
  return rows[0]?.largest ?? 0;
}

