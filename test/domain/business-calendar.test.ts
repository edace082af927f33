import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, CalendarError, type CalendarSpec } from '../../src/domain/business-calendar.ts';

const nineToSix = (timezone = 'Asia/Shanghai', extra: Partial<CalendarSpec> = {}): CalendarSpec => ({
  timezone,
  hours: {
    mon: [['09:00', '18:00']],
    tue: [['09:00', '18:00']],
    wed: [['09:00', '18:00']],
    thu: [['09:00', '18:00']],
    fri: [['09:00', '18:00']],
    sat: [],
    sun: [],
  },
  holidays: [],
  workdays: [],
  ...extra,
});
const lunch: CalendarSpec = {
  ...nineToSix('Asia/Shanghai'),
  hours: { ...nineToSix().hours, mon: [['09:00', '12:00'], ['13:00', '18:00']], tue: [['09:00', '12:00'], ['13:00', '18:00']] },
};
const allDay = ['00:00', '24:00'] as [string, string];
const always: CalendarSpec = {
  timezone: 'UTC',
  hours: { mon: [allDay], tue: [allDay], wed: [allDay], thu: [allDay], fri: [allDay], sat: [allDay], sun: [allDay] },
  holidays: [],
  workdays: [],
};
const at = (s: string) => new Date(s);

describe('business calendar, by example', () => {
  const cal = new BusinessCalendar(nineToSix());

  it('a ticket reported Friday 17:30 with a 60-minute target is due Monday 09:30', () => {
    // 2026-03-06 is a Friday; Shanghai is UTC+8.
    expect(cal.addBusinessMinutes(at('2026-03-06T17:30:00+08:00'), 60).toISOString()).toBe(at('2026-03-09T09:30:00+08:00').toISOString());
  });

  it('starts counting at opening time when reported at night', () => {
    expect(cal.addBusinessMinutes(at('2026-03-03T22:00:00+08:00'), 30).toISOString()).toBe(at('2026-03-04T09:30:00+08:00').toISOString());
    expect(cal.addBusinessMinutes(at('2026-03-03T22:00:00+08:00'), 0).toISOString()).toBe(at('2026-03-04T09:00:00+08:00').toISOString());
  });

  it('lands on the end of the day, not the next morning, when the target ends exactly at closing', () => {
    expect(cal.addBusinessMinutes(at('2026-03-03T17:00:00+08:00'), 60).toISOString()).toBe(at('2026-03-03T18:00:00+08:00').toISOString());
  });

  it('skips holidays (the National Day week)', () => {
    const holidays = new BusinessCalendar(nineToSix('Asia/Shanghai', { holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'] }));
    // Wednesday 30 September 17:00 + 120 minutes: 60 that day, then Thursday 1 to Wednesday 7 are off.
    expect(holidays.addBusinessMinutes(at('2026-09-30T17:00:00+08:00'), 120).toISOString()).toBe(at('2026-10-08T10:00:00+08:00').toISOString());
  });

  it('works a make-up Saturday (调休) with Monday hours', () => {
    const makeUp = new BusinessCalendar(nineToSix('Asia/Shanghai', { workdays: ['2026-10-10'] }));
    // Friday 9 October 17:00 + 120 minutes: 60 on Friday, 60 on the make-up Saturday.
    expect(makeUp.addBusinessMinutes(at('2026-10-09T17:00:00+08:00'), 120).toISOString()).toBe(at('2026-10-10T10:00:00+08:00').toISOString());
    expect(makeUp.businessMinutesBetween(at('2026-10-09T00:00:00+08:00'), at('2026-10-12T00:00:00+08:00'))).toBe(18 * 60);
  });

  it('keeps a lunch break out of the clock', () => {
    const c = new BusinessCalendar(lunch);
    expect(c.addBusinessMinutes(at('2026-03-02T11:30:00+08:00'), 60).toISOString()).toBe(at('2026-03-02T13:30:00+08:00').toISOString());
    expect(c.businessMinutesBetween(at('2026-03-02T08:00:00+08:00'), at('2026-03-02T19:00:00+08:00'))).toBe(8 * 60);
  });

  it('follows local working hours across a DST change (New York, 8 March 2026)', () => {
    const ny = new BusinessCalendar(nineToSix('America/New_York'));
    // Friday 6 March 17:30 EST (22:30 UTC) + 60: Monday 9 March 09:30 EDT (13:30 UTC).
    expect(ny.addBusinessMinutes(at('2026-03-06T22:30:00Z'), 60).toISOString()).toBe('2026-03-09T13:30:00.000Z');
    // A whole working week across the change is still 45 hours.
    expect(ny.businessMinutesBetween(at('2026-03-06T00:00:00Z'), at('2026-03-14T00:00:00Z'))).toBe(6 * 9 * 60);
  });

  it('counts the hours that really pass on a 24-hour calendar across a DST change', () => {
    const berlin = new BusinessCalendar({ ...always, timezone: 'Europe/Berlin' });
    // 29 March 2026 has 23 hours in Berlin.
    expect(berlin.businessMinutesBetween(at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(23 * 60);
  });

  it('is plain addition on a 24×7 calendar', () => {
    const c = new BusinessCalendar(always);
    expect(c.alwaysOpen).toBe(true);
    expect(c.addBusinessMinutes(at('2026-03-07T23:30:00Z'), 60).toISOString()).toBe('2026-03-08T00:30:00.000Z');
  });

  it('refuses calendars it cannot compute with', () => {
    expect(() => new BusinessCalendar({ ...nineToSix(), timezone: 'Mars/Olympus' })).toThrow(CalendarError);
    expect(() => new BusinessCalendar({ ...always, hours: { ...always.hours, mon: [['10:00', '09:00']] } })).toThrow(CalendarError);
    expect(() => new BusinessCalendar({ ...always, hours: { ...always.hours, mon: [['09:00', '12:00'], ['11:00', '13:00']] } })).toThrow(/overlap/);
    expect(() => new BusinessCalendar({ ...always, hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } })).toThrow(/no working hours/);
    expect(() => new BusinessCalendar({ ...always, hours: { ...always.hours, mon: [['09:00', '25:00']] } })).toThrow(CalendarError);
  });
});

describe('business calendar, by property', () => {
  const calendars = [
    new BusinessCalendar(nineToSix('Asia/Shanghai', { holidays: ['2026-05-01', '2026-05-04', '2026-05-05'], workdays: ['2026-05-09'] })),
    new BusinessCalendar(lunch),
    new BusinessCalendar(nineToSix('America/New_York')),
    new BusinessCalendar({ ...nineToSix('Europe/Berlin'), hours: { ...nineToSix().hours, sat: [['10:00', '14:00']] } }),
  ];
  const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }).map((ms) => new Date(ms));
  const minutes = fc.integer({ min: 0, max: 5 * 24 * 60 });
  const calendar = fc.constantFrom(...calendars);

  it('adding N business minutes and measuring gives back N', () => {
    fc.assert(
      fc.property(calendar, instant, minutes, (cal, start, n) => {
        const due = cal.addBusinessMinutes(start, n);
        expect(cal.businessMinutesBetween(start, due)).toBe(n);
      }),
      { numRuns: 300 },
    );
  });

  it('is monotonic in the duration and in the start', () => {
    fc.assert(
      fc.property(calendar, instant, minutes, minutes, fc.integer({ min: 0, max: 3 * 86_400_000 }), (cal, start, a, b, shift) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(cal.addBusinessMinutes(start, lo).getTime()).toBeLessThanOrEqual(cal.addBusinessMinutes(start, hi).getTime());
        const later = new Date(start.getTime() + shift);
        expect(cal.addBusinessMinutes(start, lo).getTime()).toBeLessThanOrEqual(cal.addBusinessMinutes(later, lo).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('never lands outside working time', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 1, max: 5 * 24 * 60 }), (cal, start, n) => {
        expect(cal.isWorking(cal.addBusinessMinutes(start, n))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('adds up: measuring a..c is measuring a..b plus b..c', () => {
    fc.assert(
      fc.property(calendar, instant, instant, instant, (cal, x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
        expect(cal.businessMinutesBetween(a, c)).toBeCloseTo(cal.businessMinutesBetween(a, b) + cal.businessMinutesBetween(b, c), 6);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the working time a calendar offers in its leanest year', () => {
  const from = new Date('2026-03-02T01:00:00Z'); // Monday 09:00 in Shanghai

  it('counts a date as a holiday (none), a make-up day (Monday\'s hours) or its weekday', () => {
    const cal = new BusinessCalendar({ ...lunch, holidays: ['2026-10-01'], workdays: ['2026-10-10'] });
    expect(cal.minutesOn('2026-03-02')).toBe(480); // Monday with a lunch break
    expect(cal.minutesOn('2026-03-04')).toBe(540);
    expect(cal.minutesOn('2026-03-07')).toBe(0); // Saturday
    expect(cal.minutesOn('2026-10-01')).toBe(0); // a Thursday, but a holiday
    expect(cal.minutesOn('2026-10-10')).toBe(480); // a Saturday worked as a Monday
  });

  it('is a broken rule of the calendar when it cannot compute, never an unexplained error', () => {
    expect(new CalendarError('no working time within ten years')).toMatchObject({ kind: 'rule-violated', slug: 'calendar-invalid', reason: 'no working time within ten years' });
  });

  it('is a year of weekly hours when nothing is listed', () => {
    // 365 days from a Monday: 52 weeks and one Monday, 9 hours a weekday.
    expect(new BusinessCalendar(nineToSix()).leanestYearMinutes(from)).toBe((52 * 5 + 1) * 540);
  });

  it('is the year the listed holidays thin out most, and zero when a year has no working time', () => {
    const sundays = { ...nineToSix(), hours: { ...nineToSix().hours, mon: [], tue: [], wed: [], thu: [], fri: [], sun: [['09:00', '10:00']] as [string, string][] } };
    const firstSunday = Date.parse('2026-03-08T00:00:00Z');
    const listed = (n: number, skip = 0) => Array.from({ length: n }, (_, i) => new Date(firstSunday + (i + skip) * 7 * 86_400_000).toISOString().slice(0, 10));
    expect(new BusinessCalendar({ ...sundays, holidays: listed(10) }).leanestYearMinutes(from)).toBe(52 * 60 - 10 * 60);
    // Holidays a year ahead still count: the leanest window is the one they fill.
    expect(new BusinessCalendar({ ...sundays, holidays: listed(30, 60) }).leanestYearMinutes(from)).toBe(52 * 60 - 30 * 60);
    expect(new BusinessCalendar({ ...sundays, holidays: listed(53) }).leanestYearMinutes(from)).toBe(0);
    // Holidays already past do not count.
    expect(new BusinessCalendar({ ...sundays, holidays: ['2026-03-01'] }).leanestYearMinutes(from)).toBe(52 * 60);
  });
});

describe('the working day around an instant', () => {
  const cal = new BusinessCalendar({
    timezone: 'Asia/Shanghai',
    hours: { mon: [['13:00', '18:00'], ['09:00', '12:00']], tue: [['09:00', '12:00'], ['13:00', '18:00']], wed: [], thu: [['08:00', '10:00']], fri: [['09:00', '17:00']], sat: [], sun: [] },
    holidays: ['2026-03-06'],
    workdays: ['2026-03-07'],
  });
  const at = (s: string) => new Date(`${s}+08:00`);
  it('spans from the first span\'s start to the last span\'s end of the local date, breaks included', () => {
    expect(cal.workingDayOf(at('2026-03-02T23:30:00'))).toEqual({ date: '2026-03-02', start: at('2026-03-02T09:00:00'), end: at('2026-03-02T18:00:00') });
    expect(cal.workingDayOf(at('2026-03-03T00:10:00'))).toEqual({ date: '2026-03-03', start: at('2026-03-03T09:00:00'), end: at('2026-03-03T18:00:00') });
    expect(cal.workingDayOf(at('2026-03-05T12:00:00'))).toEqual({ date: '2026-03-05', start: at('2026-03-05T08:00:00'), end: at('2026-03-05T10:00:00') });
  });
  it('is none on a day without hours or a holiday, and Monday\'s on a make-up day', () => {
    expect(cal.workingDayOf(at('2026-03-04T10:00:00'))).toBeUndefined();
    expect(cal.workingDayOf(at('2026-03-06T10:00:00'))).toBeUndefined();
    expect(cal.workingDayOf(at('2026-03-08T10:00:00'))).toBeUndefined();
    expect(cal.workingDayOf(at('2026-03-07T10:00:00'))).toEqual({ date: '2026-03-07', start: at('2026-03-07T09:00:00'), end: at('2026-03-07T18:00:00') });
  });
});
