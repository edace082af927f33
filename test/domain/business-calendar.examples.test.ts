import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, CalendarError, isValidTimezone, type CalendarSpec } from '../../src/domain/business-calendar.ts';

const week = (spans: [string, string][], weekend: [string, string][] = []): CalendarSpec['hours'] => ({ mon: spans, tue: spans, wed: spans, thu: spans, fri: spans, sat: weekend, sun: weekend });
const cal = (timezone: string, hours: CalendarSpec['hours'], extra: Partial<CalendarSpec> = {}) => new BusinessCalendar({ timezone, hours, holidays: [], workdays: [], ...extra });
const iso = (d: Date) => d.toISOString();
const at = (s: string) => new Date(s);

// Shanghai, 09:30–12:00 and 13:30–18:00 (an opening off the hour and a lunch break).
const shop = cal('Asia/Shanghai', week([['09:30', '12:00'], ['13:30', '18:00']]));

describe('business time by example (Asia/Shanghai, 09:30–12:00 and 13:30–18:00, Mon–Fri)', () => {
  it.each([
    // from (local), minutes, due (local)
    ['2026-03-06T17:30:00+08:00', 60, '2026-03-09T10:00:00+08:00'], // Friday 17:30 + 60: 30 on Friday, 30 on Monday from 09:30
    ['2026-03-09T08:00:00+08:00', 30, '2026-03-09T10:00:00+08:00'], // before opening: from 09:30, not 09:00 or 08:30
    ['2026-03-09T08:00:00+08:00', 0, '2026-03-09T09:30:00+08:00'], // nothing to add: the next working instant
    ['2026-03-09T10:00:00+08:00', 0, '2026-03-09T10:00:00+08:00'], // already working: now
    ['2026-03-09T12:00:00+08:00', 0, '2026-03-09T13:30:00+08:00'], // at a span's end: the next span
    ['2026-03-09T11:30:00+08:00', 60, '2026-03-09T14:00:00+08:00'], // across lunch
    ['2026-03-09T12:15:00+08:00', 15, '2026-03-09T13:45:00+08:00'], // during lunch
    ['2026-03-09T17:00:00+08:00', 60, '2026-03-09T18:00:00+08:00'], // ends exactly at closing
    ['2026-03-09T17:00:00+08:00', 61, '2026-03-10T09:31:00+08:00'],
    ['2026-03-07T10:00:00+08:00', 10, '2026-03-09T09:40:00+08:00'], // Saturday
  ])('%s + %i business minutes = %s', (from, minutes, due) => {
    expect(iso(shop.addBusinessMinutes(at(from), minutes))).toBe(iso(at(due)));
    if (minutes > 0) expect(shop.businessMinutesBetween(at(from), at(due))).toBe(minutes);
  });

  it.each([
    ['2026-03-09T09:00:00+08:00', '2026-03-09T18:00:00+08:00', 420], // a whole day: 150 + 270
    ['2026-03-09T12:00:00+08:00', '2026-03-09T13:30:00+08:00', 0], // lunch
    ['2026-03-09T10:00:00+08:00', '2026-03-09T10:00:00+08:00', 0],
    ['2026-03-09T11:00:00+08:00', '2026-03-09T10:00:00+08:00', 0], // backwards
    ['2026-03-06T17:00:00+08:00', '2026-03-09T10:00:00+08:00', 90], // over the weekend
    ['2026-03-09T00:00:00+08:00', '2026-03-09T09:30:00+08:00', 0],
  ])('between %s and %s: %i business minutes', (from, to, minutes) => {
    expect(shop.businessMinutesBetween(at(from), at(to))).toBe(minutes);
  });

  it.each([
    ['2026-03-09T09:30:00+08:00', false], // a span's start belongs to the time before it
    ['2026-03-09T09:30:01+08:00', true],
    ['2026-03-09T12:00:00+08:00', true], // its end belongs to it
    ['2026-03-09T12:00:01+08:00', false],
    ['2026-03-09T13:00:00+08:00', false],
    ['2026-03-09T18:00:00+08:00', true],
    ['2026-03-09T18:00:01+08:00', false],
    ['2026-03-09T03:00:00+08:00', false],
    ['2026-03-07T10:00:00+08:00', false], // Saturday
  ])('at %s working: %s', (instant, working) => {
    expect(shop.isWorking(at(instant))).toBe(working);
  });
});

describe('holidays and make-up days in every month', () => {
  const plain = week([['09:00', '18:00']]);
  it.each([
    // holiday, the working day before it at 17:00 + 120 minutes lands on
    ['2026-01-02', '2026-01-01T17:00:00+08:00', '2026-01-05T10:00:00+08:00'], // Friday 2 January off
    ['2026-02-17', '2026-02-16T17:00:00+08:00', '2026-02-18T10:00:00+08:00'],
    ['2026-04-06', '2026-04-03T17:00:00+08:00', '2026-04-07T10:00:00+08:00'],
    ['2026-05-01', '2026-04-30T17:00:00+08:00', '2026-05-04T10:00:00+08:00'],
    ['2026-06-19', '2026-06-18T17:00:00+08:00', '2026-06-22T10:00:00+08:00'],
    ['2026-09-25', '2026-09-24T17:00:00+08:00', '2026-09-28T10:00:00+08:00'],
    ['2026-12-25', '2026-12-24T17:00:00+08:00', '2026-12-28T10:00:00+08:00'],
  ])('a holiday on %s is skipped', (holiday, from, due) => {
    expect(iso(cal('Asia/Shanghai', plain, { holidays: [holiday] }).addBusinessMinutes(at(from), 120))).toBe(iso(at(due)));
  });

  it.each([
    ['2026-01-04', '2026-01-02T17:00:00+08:00', '2026-01-04T10:00:00+08:00'], // Sunday 4 January worked
    ['2026-02-14', '2026-02-13T17:00:00+08:00', '2026-02-14T10:00:00+08:00'], // Saturday 14 February
    ['2026-09-20', '2026-09-18T17:00:00+08:00', '2026-09-20T10:00:00+08:00'],
  ])('a make-up day on %s is worked with Monday’s hours', (day, from, due) => {
    const hours = { ...plain, mon: [['08:00', '12:00']] as [string, string][] };
    const makeUp = cal('Asia/Shanghai', { ...hours, fri: [['09:00', '18:00']] }, { workdays: [day] });
    // 60 minutes on Friday until 18:00, then Monday's hours (08:00–12:00) on the make-up day: 09:00.
    expect(iso(makeUp.addBusinessMinutes(at(from), 120))).toBe(iso(new Date(at(due).getTime() - 3_600_000)));
  });

  it('a holiday wins over a make-up day on the same date', () => {
    const both = cal('Asia/Shanghai', plain, { holidays: ['2026-02-14'], workdays: ['2026-02-14'] });
    expect(both.businessMinutesBetween(at('2026-02-14T00:00:00+08:00'), at('2026-02-15T00:00:00+08:00'))).toBe(0);
  });
});

describe('around the clock', () => {
  const allDay = [['00:00', '24:00']] as [string, string][];
  it('a 24×7 calendar counts wall time, and a holiday in it is a day off', () => {
    const open = cal('UTC', week(allDay, allDay));
    expect(open.alwaysOpen).toBe(true);
    expect(iso(open.addBusinessMinutes(at('2026-03-09T23:00:00Z'), 120))).toBe('2026-03-10T01:00:00.000Z');
    expect(open.isWorking(at('2026-03-10T00:00:00Z'))).toBe(true);
    const withHoliday = cal('UTC', week(allDay, allDay), { holidays: ['2026-03-10'] });
    expect(withHoliday.alwaysOpen).toBe(false);
    expect(iso(withHoliday.addBusinessMinutes(at('2026-03-09T23:00:00Z'), 120))).toBe('2026-03-11T01:00:00.000Z');
    expect(withHoliday.businessMinutesBetween(at('2026-03-09T00:00:00Z'), at('2026-03-12T00:00:00Z'))).toBe(2 * 1440);
    expect(withHoliday.isWorking(at('2026-03-10T12:00:00Z'))).toBe(false);
  });

  it('is not always open with one short day, or with two spans that cover the day', () => {
    expect(cal('UTC', { ...week(allDay, allDay), sun: [['00:00', '23:00']] }).alwaysOpen).toBe(false);
    expect(cal('UTC', { ...week(allDay, allDay), sun: [['00:00', '12:00'], ['12:00', '24:00']] }).alwaysOpen).toBe(false);
    expect(cal('UTC', { ...week(allDay, allDay), sun: [] }).alwaysOpen).toBe(false);
    expect(cal('UTC', { ...week(allDay, allDay), sun: [['00:01', '24:00']] }).alwaysOpen).toBe(false);
  });
});

describe('daylight saving time (America/New_York)', () => {
  const ny = cal('America/New_York', { ...week([['09:00', '17:00']]), sun: [['01:00', '04:00']] });
  it('a night that loses an hour has two hours between 01:00 and 04:00', () => {
    // 8 March 2026, 02:00 EST becomes 03:00 EDT.
    expect(ny.businessMinutesBetween(at('2026-03-08T00:00:00-05:00'), at('2026-03-08T12:00:00-04:00'))).toBe(120);
    expect(iso(ny.addBusinessMinutes(at('2026-03-08T00:00:00-05:00'), 90))).toBe(iso(at('2026-03-08T03:30:00-04:00')));
  });
  it('a night that gains an hour has four', () => {
    // 1 November 2026, 02:00 EDT becomes 01:00 EST.
    expect(ny.businessMinutesBetween(at('2026-11-01T00:00:00-04:00'), at('2026-11-01T12:00:00-05:00'))).toBe(240);
  });
  it('a wall time in the skipped hour moves forward by the gap; a repeated one is the first', () => {
    const gap = cal('America/New_York', { ...week([['09:00', '17:00']]), sun: [['02:30', '05:00']] });
    // 02:30 does not exist on 8 March: the span starts at 03:30 EDT (07:30Z) and lasts 90 minutes.
    expect(iso(gap.addBusinessMinutes(at('2026-03-08T00:00:00-05:00'), 0))).toBe('2026-03-08T07:30:00.000Z');
    expect(gap.businessMinutesBetween(at('2026-03-08T00:00:00-05:00'), at('2026-03-08T12:00:00-04:00'))).toBe(90);
    const repeated = cal('America/New_York', { ...week([['09:00', '17:00']]), sun: [['01:30', '03:00']] });
    // 01:30 happens twice on 1 November: the first (05:30Z); the span ends at 03:00 EST (08:00Z).
    expect(iso(repeated.addBusinessMinutes(at('2026-11-01T00:00:00-04:00'), 0))).toBe('2026-11-01T05:30:00.000Z');
    expect(repeated.businessMinutesBetween(at('2026-11-01T00:00:00-04:00'), at('2026-11-01T12:00:00-05:00'))).toBe(150);
  });
  it('a timezone that moves to a later day keeps its local dates (Pacific/Auckland, UTC+13 in March)', () => {
    const akl = cal('Pacific/Auckland', week([['09:00', '17:00']]));
    expect(iso(akl.addBusinessMinutes(at('2026-03-06T16:30:00+13:00'), 60))).toBe(iso(at('2026-03-09T09:30:00+13:00')));
  });
});

describe('what a calendar refuses', () => {
  const plain = week([['09:00', '18:00']]);
  it.each([
    [{ ...plain, mon: [['9:00', '18:00']] }, '9:00 is not HH:MM'],
    [{ ...plain, mon: [['09:00', '18:00:00']] }, '18:00:00 is not HH:MM'],
    [{ ...plain, mon: [['x09:00', '18:00']] }, 'x09:00 is not HH:MM'],
    [{ ...plain, mon: [['09:00', '24:01']] }, '24:01 is not a time of day'],
    [{ ...plain, mon: [['09:60', '18:00']] }, '09:60 is not a time of day'],
    [{ ...plain, mon: [['18:00', '09:00']] }, 'mon: a span must end after it starts'],
    [{ ...plain, mon: [['09:00', '09:00']] }, 'mon: a span must end after it starts'],
    [{ ...plain, mon: [['09:00', '12:00'], ['11:00', '18:00']] }, 'mon: spans overlap'],
    [{ ...plain, mon: [['13:00', '18:00'], ['09:00', '13:30']] }, 'mon: spans overlap'], // given out of order
    [week([]), 'the calendar has no working hours at all'],
  ] as [CalendarSpec['hours'], string][])('%o: %s', (hours, message) => {
    expect(() => cal('Asia/Shanghai', hours)).toThrow(new CalendarError(message));
  });

  it('accepts 24:00, minute 59, spans that touch, spans given out of order, and a weekday left out', () => {
    expect(() => cal('UTC', { ...plain, mon: [['09:00', '17:59']] })).not.toThrow();
    const noSaturdayKey = { ...plain } as Partial<CalendarSpec['hours']>;
    delete noSaturdayKey.sat;
    expect(cal('UTC', noSaturdayKey as CalendarSpec['hours']).businessMinutesBetween(at('2026-03-07T00:00:00Z'), at('2026-03-08T00:00:00Z'))).toBe(0);
    expect(() => cal('UTC', { ...plain, mon: [['13:00', '24:00'], ['09:00', '13:00']] })).not.toThrow();
    const c = cal('UTC', { ...plain, mon: [['13:00', '18:00'], ['09:00', '12:00']] });
    expect(iso(c.addBusinessMinutes(at('2026-03-09T11:30:00Z'), 60))).toBe('2026-03-09T13:30:00.000Z');
  });

  it('refuses an unknown timezone and a negative duration', () => {
    expect(isValidTimezone('Asia/Shanghai')).toBe(true);
    expect(isValidTimezone('Mars/Olympus')).toBe(false);
    expect(() => cal('Mars/Olympus', plain)).toThrow(new CalendarError('unknown timezone Mars/Olympus'));
    expect(() => cal('UTC', plain).addBusinessMinutes(at('2026-03-09T10:00:00Z'), -1)).toThrow(new CalendarError('a duration cannot be negative'));
  });

  it('a calendar whose only working time is a make-up day (worked with Monday’s hours, here none) has none ahead', () => {
    const past = cal('UTC', week([]), { workdays: ['2020-01-04'] });
    expect(() => past.addBusinessMinutes(at('2026-03-09T10:00:00Z'), 1)).toThrow(new CalendarError('no working time within ten years'));
    expect(() => past.isWorking(at('2026-03-09T10:00:00Z'))).toThrow(CalendarError);
  });
});

describe('properties that can fail', () => {
  const cals = [shop, cal('America/New_York', week([['09:00', '17:00']]), { holidays: ['2026-03-10'], workdays: ['2026-03-14'] })];
  const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }).map((ms) => new Date(ms - (ms % 60_000)));

  it('a positive duration always ends inside working time, and measures back to itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cals), instant, fc.integer({ min: 1, max: 5000 }), (c, from, minutes) => {
        const due = c.addBusinessMinutes(from, minutes);
        expect(c.isWorking(due)).toBe(true);
        expect(c.businessMinutesBetween(from, due)).toBe(minutes);
      }),
      { numRuns: 200 },
    );
  });

  it('isWorking agrees with a one-minute measurement around the instant', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cals), instant, (c, t) => {
        const before = c.businessMinutesBetween(new Date(t.getTime() - 60_000), t);
        expect(c.isWorking(t)).toBe(before === 1);
      }),
      { numRuns: 300 },
    );
  });
});
