import Type, { type Static } from 'typebox';
import { DateOnly, ListQueryBase, Page, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

const Time = Type.String({ maxLength: 5, pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', description: 'HH:MM, or 24:00 as an end' });
const Span = Type.Array(Time, { minItems: 2, maxItems: 2, description: '["09:00","18:00"]' });
const Day = Type.Array(Span, { maxItems: 12, description: 'Working spans of the day; empty: a day off.' });
const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const Hours = Type.Object(Object.fromEntries(days.map((d) => [d, Day])) as Record<(typeof days)[number], typeof Day>, {
  additionalProperties: false,
  required: [...days],
});
const Dates = (description: string) => Type.Array(DateOnly, { maxItems: 1000, uniqueItems: true, description });

export const CalendarSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String({ maxLength: 200 }),
    timezone: Type.String({ maxLength: 64, description: 'IANA timezone, e.g. Asia/Shanghai' }),
    hours: Hours,
    holidays: Type.Array(DateOnly, { maxItems: 1000 }),
    workdays: Type.Array(DateOnly, { maxItems: 1000, description: 'Make-up working days on a weekend (调休), worked with the hours of mon.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
  },
  { $id: 'Calendar', additionalProperties: false },
);
registerShared(CalendarSchema);
export const CalendarPage = Page(CalendarSchema, 'CalendarPage');
registerShared(CalendarPage);

const writable = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  timezone: Type.String({ minLength: 1, maxLength: 64 }),
  hours: Hours,
  holidays: Type.Optional(Dates('Public holidays: no working time that day.')),
  workdays: Type.Optional(Dates('Make-up working days on a weekend (调休), worked with the hours of mon.')),
};
export const CreateCalendar = Type.Object(writable, { additionalProperties: false });
export type CreateCalendar = Static<typeof CreateCalendar>;
export const UpdateCalendar = Type.Object(
  { name: Type.Optional(writable.name), timezone: Type.Optional(writable.timezone), hours: Type.Optional(Hours), holidays: writable.holidays, workdays: writable.workdays },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCalendar = Static<typeof UpdateCalendar>;
export const CalendarListQuery = Type.Object({ ...ListQueryBase }, { additionalProperties: false });
export type CalendarListQuery = Static<typeof CalendarListQuery>;
