import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, type CalendarSpec } from '../../src/domain/business-calendar.ts';
import { clocksOfFold, foldEvents, startFold, type ClockFold } from '../../src/domain/sla-clock-fold.ts';
import { computeClocks, METRICS, type ClockPolicy, type HistoryEvent, type HistoryKind } from '../../src/domain/sla-clock.ts';

/*
 * The fold kept between changes must give exactly the clocks computeClocks walks out of the
 * whole history: for any history, folded at once or in pieces that pass through JSON (as
 * they are stored between changes).
 */

const span = [['09:00', '12:00'], ['13:00', '18:00']] as [string, string][];
const calendars = {
  business: new BusinessCalendar({
    timezone: 'Asia/Shanghai',
    hours: { mon: span, tue: span, wed: span, thu: span, fri: span, sat: [], sun: [] },
    holidays: ['2026-03-04'],
    workdays: ['2026-03-07'],
  } satisfies CalendarSpec),
  always: new BusinessCalendar({
    timezone: 'UTC',
    hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])) as CalendarSpec['hours'],
    holidays: [],
    workdays: [],
  }),
};

const KINDS: HistoryKind[] = ['hold', 'resume', 'first_response', 'customer_update', 'resolve', 'reopen', 'follow_up', 'close', 'cancel'];
const MIN = 60_000;
const base = Date.parse('2026-03-02T00:30:00Z');

const historyArb = fc.record({
  // reported up to 5 minutes after the first event (the skew a client may send) or hours before
  reportedOffset: fc.integer({ min: -600, max: 5 }),
  steps: fc.array(
    fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 })),
      kind: fc.constantFrom(...KINDS),
      reason: fc.constantFrom('waiting_customer', 'waiting_parts', undefined),
    }),
    { maxLength: 40 },
  ),
  nowAfter: fc.integer({ min: 0, max: 6000 }),
  split: fc.nat(),
  calendar: fc.constantFrom('business', 'always') as fc.Arbitrary<keyof typeof calendars>,
  policy: fc.record({
    targets: fc.record({
      first_response: fc.integer({ min: 1, max: 600 }),
      resolution: fc.integer({ min: 1, max: 4000 }),
      follow_up: fc.integer({ min: 1, max: 3000 }),
      periodic_update: fc.option(fc.integer({ min: 1, max: 900 }), { nil: null }),
    }),
    // as the policies table allows: 1 to 99, targets of a minute or more
    warn_at_percent: fc.integer({ min: 1, max: 99 }),
    pause_on: fc.constantFrom(['waiting_customer'], ['waiting_customer', 'waiting_parts'], [] as string[]),
  }) as fc.Arbitrary<ClockPolicy>,
});

const withoutSegments = (clocks: ReturnType<typeof computeClocks>) =>
  Object.fromEntries(METRICS.map((m) => [m, clocks[m] && (({ segments: _s, ...rest }) => rest)(clocks[m])]));

describe('the SLA clock fold', () => {
  it('gives the clocks computeClocks walks out of the whole history, folded at once or in pieces through JSON', () => {
    fc.assert(
      fc.property(historyArb, ({ reportedOffset, steps, nowAfter, split, calendar, policy }) => {
        let t = base;
        const history: HistoryEvent[] = steps.map((s) => {
          t += s.gap * MIN;
          return { at: new Date(t), kind: s.kind, ...(s.kind === 'hold' && s.reason ? { reason: s.reason } : {}) };
        });
        const reportedAt = new Date(base + reportedOffset * MIN);
        const now = new Date(t + nowAfter * MIN);
        const cal = calendars[calendar];
        const expected = withoutSegments(computeClocks({ reportedAt, history, policy, calendar: cal, now }));
        const whole = foldEvents(startFold(reportedAt), history, policy, cal)!;
        expect(clocksOfFold(whole, policy, cal, now)).toEqual(expected);
        const cut = history.length ? split % (history.length + 1) : 0;
        const first = JSON.parse(JSON.stringify(foldEvents(startFold(reportedAt), history.slice(0, cut), policy, cal))) as ClockFold;
        const pieces = foldEvents(first, history.slice(cut), policy, cal)!;
        expect(clocksOfFold(pieces, policy, cal, now)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses an event earlier than what it has folded (the caller folds the whole history again)', () => {
    const cal = calendars.always;
    const policy: ClockPolicy = { targets: { first_response: 60, resolution: 600, follow_up: 60 }, warn_at_percent: 80, pause_on: ['waiting_customer'] };
    const f = foldEvents(startFold(new Date(base)), [{ at: new Date(base + 10 * MIN), kind: 'hold', reason: 'waiting_customer' }], policy, cal)!;
    expect(foldEvents(f, [{ at: new Date(base + 5 * MIN), kind: 'resume' }], policy, cal)).toBeNull();
    expect(foldEvents(f, [{ at: new Date(base + 10 * MIN), kind: 'resume' }], policy, cal)).not.toBeNull();
  });
});
