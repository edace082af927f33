import { RuleViolated } from './errors.ts';
/**
 * Business-time arithmetic on a calendar: working spans per weekday in an IANA timezone,
 * holidays, and make-up working days (调休) that are worked with Monday's hours. Pure: no
 * I/O, no clock. Instants are Dates; durations are milliseconds (minute helpers below).
 *
 * Local wall times are turned into instants through Intl, so DST changes follow the timezone
 * database: a wall time in a skipped hour moves forward by the gap (as Temporal's
 * "compatible" rule does), a repeated wall time means its first occurrence, and business
 * time is always measured between real instants, so a short or long day counts what passes.
 */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface CalendarSpec {
  timezone: string;
  hours: Record<Weekday, [string, string][]>;
  holidays: readonly string[];
  workdays: readonly string[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Ten years of days without a working minute means the calendar has none. */
const MAX_DAYS = 3_660;
const YEAR_DAYS = 365;

/**
 * A calendar that cannot compute. Written calendars are checked before they are stored; one
 * that still fails (a calendar stored before a check existed) is a broken rule of its
 * calendar, answered 422 calendar-invalid, never a 500.
 */
export class CalendarError extends RuleViolated {
  /** What is wrong, without the sentence around it. */
  readonly reason: string;
  constructor(reason: string) {
    super('calendar-invalid', `The SLA calendar cannot compute: ${reason}.`);
    this.reason = reason;
  }
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timezone);
  // Stryker disable next-line ConditionalExpression: a cache; without it the same formatter is built again
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timezone, f);
  }
  return f;
}

export function isValidTimezone(timezone: string): boolean {
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of an instant in the timezone. */
function localParts(ms: number, timezone: string) {
  const p: Record<string, number> = {};
  // Stryker disable next-line ConditionalExpression,StringLiteral: literal parts would only add an unused NaN entry
  for (const part of formatter(timezone).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour!, mi: p.minute!, s: p.second! };
}

/** Offset of the timezone from UTC at an instant, in ms. */
function offsetAt(ms: number, timezone: string): number {
  const l = localParts(ms, timezone);
  // Called with whole minutes only (wall times and instants derived from them): no sub-second part to drop.
  return Date.UTC(l.y, l.m - 1, l.d, l.h, l.mi, l.s) - ms;
}

// Converting wall times through Intl is the costly part of the arithmetic, and the same few
// (timezone, date, time) combinations recur for every ticket: remember them (bounded).
const instants = new Map<string, number>();
const MAX_INSTANTS = 100_000;

/**
 * The instant at which local time `minutes` after midnight of the local date (y, m, d)
 * occurs. In a skipped hour: moved forward by the gap; in a repeated hour: the first one.
 */
function instantOf(y: number, m: number, d: number, minutes: number, timezone: string): number {
  const key = `${timezone}|${y}-${m}-${d}|${minutes}`;
  const known = instants.get(key);
  // Stryker disable next-line all: a bounded cache of a pure computation; every answer is the same without it
  if (known !== undefined) return known;
  const value = computeInstant(y, m, d, minutes, timezone);
  // Stryker disable next-line all: the cache's bound
  if (instants.size >= MAX_INSTANTS) instants.clear();
  // Stryker disable next-line all: filling the cache
  instants.set(key, value);
  return value;
}

function computeInstant(y: number, m: number, d: number, minutes: number, timezone: string): number {
  const wall = Date.UTC(y, m - 1, d) + minutes * MINUTE;
  const first = wall - offsetAt(wall, timezone);
  const second = wall - offsetAt(first, timezone);
  // Stryker disable next-line ConditionalExpression: a fast path; the loop below picks the same instant with one more Intl call
  if (first === second) return first;
  // Between two offsets: take the earlier instant that still reads at or after the wall time.
  const candidates = [first, second].sort((a, b) => a - b);
  for (const c of candidates) if (c + offsetAt(c, timezone) >= wall) return c;
  return candidates[1]!;
}

const parseTime = (hhmm: string): number => {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new CalendarError(`${hhmm} is not HH:MM`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || minutes > 24 * 60) throw new CalendarError(`${hhmm} is not a time of day`);
  return minutes;
};

// Stryker disable next-line StringLiteral: the year's padding matters only before the year 1000
const isoDate = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

export interface Span {
  start: number;
  end: number;
}

/** A calendar ready for arithmetic: spans checked once, lookups by date. */
export class BusinessCalendar {
  readonly timezone: string;
  readonly #hours: Record<Weekday, [number, number][]>;
  readonly #holidays: Set<string>;
  readonly #workdays: Set<string>;
  readonly alwaysOpen: boolean;

  constructor(spec: CalendarSpec) {
    if (!isValidTimezone(spec.timezone)) throw new CalendarError(`unknown timezone ${spec.timezone}`);
    this.timezone = spec.timezone;
    const hours = {} as Record<Weekday, [number, number][]>;
    for (const day of WEEKDAYS) {
      const spans = (spec.hours[day] ?? []).map(([a, b]) => [parseTime(a), parseTime(b)] as [number, number]).sort((x, y) => x[0] - y[0]);
      spans.forEach(([a, b], i) => {
        if (a >= b) throw new CalendarError(`${day}: a span must end after it starts`);
        if (i > 0 && a < spans[i - 1]![1]) throw new CalendarError(`${day}: spans overlap`);
      });
      hours[day] = spans;
    }
    this.#hours = hours;
    this.#holidays = new Set(spec.holidays);
    this.#workdays = new Set(spec.workdays);
    if (WEEKDAYS.every((d) => hours[d].length === 0) && this.#workdays.size === 0) {
      throw new CalendarError('the calendar has no working hours at all');
    }
    this.alwaysOpen = this.#holidays.size === 0 && WEEKDAYS.every((d) => hours[d].length === 1 && hours[d][0]![0] === 0 && hours[d][0]![1] === 1440);
  }

  /** The working spans (local minutes) of a date by the rules: a holiday none, a make-up day Monday's, else its weekday's. */
  #spansOn(iso: string, weekday: Weekday): [number, number][] {
    return this.#holidays.has(iso) ? [] : this.#workdays.has(iso) ? this.#hours.mon : this.#hours[weekday];
  }

  /** The working spans (as instants) of the local date that contains `ms`, and of the dates after. */
  *spansFrom(ms: number): Generator<Span> {
    const l = localParts(ms, this.timezone);
    let day = Date.UTC(l.y, l.m - 1, l.d);
    // Stryker disable next-line EqualityOperator: ten years or ten years and a day, the same refusal
    for (let i = 0; i < MAX_DAYS; i++, day += DAY) {
      const date = new Date(day);
      const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
      const iso = isoDate(y, m, d);
      const weekday = WEEKDAYS[date.getUTCDay()]!;
      const spans = this.#spansOn(iso, weekday);
      for (const [a, b] of spans) {
        const start = instantOf(y, m, d, a, this.timezone);
        const end = instantOf(y, m, d, b, this.timezone);
        // Stryker disable next-line ConditionalExpression,EqualityOperator: defensive; a span of two valid wall times never collapses (a skipped hour moves both ends forward)
        if (end > start) yield { start, end };
      }
    }
    throw new CalendarError('no working time within ten years');
  }

  /**
   * The working day around an instant: its local date, and the instants at which the first
   * working span of that date starts and the last one ends (breaks between spans included).
   * Undefined when the local date has no working hours (a weekend, a holiday).
   */
  workingDayOf(at: Date): { date: string; start: Date; end: Date } | undefined {
    const l = localParts(at.getTime(), this.timezone);
    const iso = isoDate(l.y, l.m, l.d);
    const spans = this.#spansOn(iso, WEEKDAYS[new Date(Date.UTC(l.y, l.m - 1, l.d)).getUTCDay()]!);
    if (spans.length === 0) return undefined;
    return {
      date: iso,
      start: new Date(instantOf(l.y, l.m, l.d, spans[0]![0], this.timezone)),
      end: new Date(instantOf(l.y, l.m, l.d, spans[spans.length - 1]![1], this.timezone)),
    };
  }

  /** Working minutes of a local date by the calendar's rules: a holiday none, a make-up day Monday's, else its weekday's. */
  minutesOn(iso: string): number {
    const spans = this.#spansOn(iso, WEEKDAYS[new Date(`${iso}T00:00:00Z`).getUTCDay()]!);
    return spans.reduce((sum, [a, b]) => sum + (b - a), 0);
  }

  /**
   * The fewest working minutes in any 365 days from the local date of `from` until a year past
   * the last date the calendar lists (holidays, make-up days): what a target can count on.
   * After the last listed date every year repeats the weekly hours, so later years add nothing.
   */
  leanestYearMinutes(from: Date): number {
    const l = localParts(from.getTime(), this.timezone);
    const start = Date.UTC(l.y, l.m - 1, l.d);
    const listed = [...this.#holidays, ...this.#workdays].map((iso) => Date.parse(`${iso}T00:00:00Z`));
    const until = Math.min(Math.max(start, ...listed) + YEAR_DAYS * DAY, start + MAX_DAYS * DAY);
    const minutes: number[] = [];
    // Stryker disable next-line EqualityOperator: the last day only closes a window past every listed date, a plain year of weekly hours
    for (let day = start; day <= until; day += DAY) {
      const d = new Date(day);
      minutes.push(this.minutesOn(isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())));
    }
    let window = minutes.slice(0, YEAR_DAYS).reduce((a, b) => a + b, 0);
    let leanest = window;
    for (let i = YEAR_DAYS; i < minutes.length; i++) {
      window += minutes[i]! - minutes[i - YEAR_DAYS]!;
      leanest = Math.min(leanest, window);
    }
    return leanest;
  }

  /** The instant at which `ms` of working time, counted from `from`, have passed. */
  addBusinessMs(from: Date, ms: number): Date {
    if (ms < 0) throw new CalendarError('a duration cannot be negative');
    const t = from.getTime();
    // Stryker disable next-line ConditionalExpression: a fast path; the spans of a 24×7 calendar give the same answer
    if (this.alwaysOpen) return new Date(t + ms);
    let left = ms;
    for (const span of this.spansFrom(t)) {
      if (span.end <= t) continue;
      const start = Math.max(span.start, t);
      const available = span.end - start;
      if (left <= available) return new Date(start + left);
      left -= available;
    }
    // Stryker disable next-line StringLiteral: unreachable, spansFrom throws first
    throw new CalendarError('unreachable');
  }

  /** Working time between two instants (0 when `to` is not after `from`), in ms. */
  businessMsBetween(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast path; the loop adds nothing when to is not after from
    if (b <= a) return 0;
    // Stryker disable next-line ConditionalExpression: a fast path; the spans of a 24×7 calendar give the same answer
    if (this.alwaysOpen) return b - a;
    let total = 0;
    for (const span of this.spansFrom(a)) {
      // Stryker disable next-line EqualityOperator: a span starting at `to` adds 0 either way
      if (span.start >= b) break;
      total += Math.max(0, Math.min(span.end, b) - Math.max(span.start, a));
    }
    return total;
  }

  /** Whether the instant is inside working time (a span's end belongs to the span). */
  isWorking(at: Date): boolean {
    // Stryker disable next-line ConditionalExpression: a fast path; the spans of a 24×7 calendar give the same answer
    if (this.alwaysOpen) return true;
    const t = at.getTime();
    for (const span of this.spansFrom(t - DAY)) {
      // Stryker disable next-line EqualityOperator: a span starting at t does not contain it, nor do the later ones
      if (span.start > t) return false;
      if (t > span.start && t <= span.end) return true;
    }
    // Stryker disable next-line BooleanLiteral: unreachable, spansFrom throws first
    return false;
  }

  addBusinessMinutes(from: Date, minutes: number): Date {
    return this.addBusinessMs(from, minutes * MINUTE);
  }

  businessMinutesBetween(from: Date, to: Date): number {
    return this.businessMsBetween(from, to) / MINUTE;
  }
}
