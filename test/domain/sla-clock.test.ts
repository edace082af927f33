import { describe, expect, it } from 'vitest';
import { BusinessCalendar, type CalendarSpec } from '../../src/domain/business-calendar.ts';
import { computeClocks, type HistoryEvent } from '../../src/domain/sla-clock.ts';

const span = [['09:00', '18:00']] as [string, string][];
const business = new BusinessCalendar({
  timezone: 'Asia/Shanghai',
  hours: { mon: span, tue: span, wed: span, thu: span, fri: span, sat: [], sun: [] },
  holidays: [],
  workdays: [],
} satisfies CalendarSpec);
const policy = { targets: { first_response: 60, resolution: 1440, follow_up: 1620, periodic_update: 540 }, warn_at_percent: 80, pause_on: ['waiting_customer'] };
const at = (s: string) => new Date(`${s}+08:00`);
const clocks = (reported: string, history: [string, HistoryEvent['kind'], string?][], now: string) =>
  computeClocks({
    reportedAt: at(reported),
    history: history.map(([t, kind, reason]) => ({ at: at(t), kind, ...(reason ? { reason } : {}) })),
    policy,
    calendar: business,
    now: at(now),
  });

describe('SLA clocks from a ticket history', () => {
  it('first response: reported Friday 17:30, due Monday 09:30, warning at 80%, then breached', () => {
    const friday = clocks('2026-03-06T17:30:00', [], '2026-03-06T17:45:00').first_response!;
    expect(friday).toMatchObject({ state: 'running', elapsed_minutes: 15, remaining_minutes: 45 });
    expect(friday.due_at).toEqual(at('2026-03-09T09:30:00'));
    expect(friday.warn_at).toEqual(at('2026-03-09T09:18:00'));
    expect(clocks('2026-03-06T17:30:00', [], '2026-03-09T09:20:00').first_response!.state).toBe('warning');
    const late = clocks('2026-03-06T17:30:00', [], '2026-03-09T09:31:00').first_response!;
    expect(late).toMatchObject({ state: 'breached', elapsed_minutes: 61, remaining_minutes: -1 });
  });

  it('first response met by the first customer-visible contact', () => {
    const c = clocks('2026-03-06T17:30:00', [['2026-03-09T09:10:00', 'first_response']], '2026-03-10T12:00:00').first_response!;
    expect(c).toMatchObject({ state: 'met', elapsed_minutes: 40, completed_at: at('2026-03-09T09:10:00'), due_at: at('2026-03-09T09:30:00') });
  });

  it('a hold waiting for the customer stops the resolution clock; waiting for parts does not', () => {
    const history: [string, HistoryEvent['kind'], string?][] = [
      ['2026-03-02T10:00:00', 'hold', 'waiting_customer'],
      ['2026-03-03T10:00:00', 'resume'],
    ];
    const c = clocks('2026-03-02T09:00:00', history, '2026-03-03T11:00:00').resolution!;
    expect(c.segments.map((s) => [s.kind, s.business_minutes])).toEqual([
      ['running', 60],
      ['paused', 540],
      ['running', 60],
    ]);
    expect(c.elapsed_minutes).toBe(120);
    // 24 business hours of running time: 1 on Monday, 8 on Tuesday, 9 on Wednesday, 6 on Thursday.
    expect(c.due_at).toEqual(at('2026-03-05T15:00:00'));
    const paused = clocks('2026-03-02T09:00:00', [history[0]!], '2026-03-02T15:00:00').resolution!;
    expect(paused).toMatchObject({ state: 'paused', due_at: null, elapsed_minutes: 60 });
    const parts = clocks('2026-03-02T09:00:00', [['2026-03-02T10:00:00', 'hold', 'waiting_parts']], '2026-03-02T15:00:00').resolution!;
    expect(parts).toMatchObject({ state: 'running', elapsed_minutes: 360 });
  });

  it('resolve starts the follow-up clock; a follow-up meets it; a reopen resumes resolution without counting the resolved time', () => {
    const resolved = clocks('2026-03-02T09:00:00', [['2026-03-02T12:00:00', 'resolve']], '2026-03-03T09:00:00');
    expect(resolved.resolution).toMatchObject({ state: 'met', elapsed_minutes: 180 });
    expect(resolved.follow_up).toMatchObject({ state: 'running', started_at: at('2026-03-02T12:00:00'), due_at: at('2026-03-05T12:00:00') });
    expect(resolved.periodic_update).toBeNull();
    const followed = clocks('2026-03-02T09:00:00', [['2026-03-02T12:00:00', 'resolve'], ['2026-03-04T10:00:00', 'follow_up']], '2026-03-06T09:00:00');
    expect(followed.follow_up).toMatchObject({ state: 'met', completed_at: at('2026-03-04T10:00:00') });
    const reopened = clocks(
      '2026-03-02T09:00:00',
      [['2026-03-02T12:00:00', 'resolve'], ['2026-03-03T12:00:00', 'reopen']],
      '2026-03-03T13:00:00',
    );
    expect(reopened.follow_up).toBeNull();
    expect(reopened.resolution).toMatchObject({ state: 'running', elapsed_minutes: 240 });
    expect(reopened.resolution!.segments.map((s) => s.kind)).toEqual(['running', 'paused', 'running']);
  });

  it('periodic update restarts at every customer-visible update while the ticket is open', () => {
    const c = clocks('2026-03-02T09:00:00', [['2026-03-02T09:10:00', 'first_response'], ['2026-03-03T11:00:00', 'customer_update']], '2026-03-03T12:00:00').periodic_update!;
    expect(c).toMatchObject({ started_at: at('2026-03-03T11:00:00'), elapsed_minutes: 60, due_at: at('2026-03-04T11:00:00') });
  });

  it('cancel or close stops every clock', () => {
    const c = clocks('2026-03-02T09:00:00', [['2026-03-02T10:00:00', 'cancel']], '2026-03-10T09:00:00');
    expect(c.first_response).toMatchObject({ state: 'met', completed_at: at('2026-03-02T10:00:00') });
    expect(c.resolution).toMatchObject({ state: 'met' });
    expect(c.periodic_update).toBeNull();
  });
});

describe('SLA clocks, by property', () => {
  it('elapsed is the running segments, and elapsed plus remaining is the target, whatever the history', async () => {
    const fc = (await import('fast-check')).default;
    const kinds: HistoryEvent['kind'][] = ['hold', 'resume', 'first_response', 'customer_update', 'resolve', 'reopen', 'follow_up'];
    const start = Date.parse('2026-03-02T01:00:00Z');
    fc.assert(
      fc.property(
        fc.array(fc.record({ offset: fc.integer({ min: 0, max: 10 * 86_400_000 }), kind: fc.constantFrom(...kinds), reason: fc.constantFrom('waiting_customer', 'waiting_parts') }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 12 * 86_400_000 }),
        (events, nowOffset) => {
          const result = computeClocks({
            reportedAt: new Date(start),
            history: events.map((e) => ({ at: new Date(start + e.offset), kind: e.kind, reason: e.reason })),
            policy,
            calendar: business,
            now: new Date(start + nowOffset),
          });
          for (const c of Object.values(result)) {
            if (!c) continue;
            const running = c.segments.filter((s) => s.kind === 'running').reduce((n, s) => n + s.business_minutes, 0);
            expect(c.elapsed_minutes).toBeCloseTo(running, 6);
            expect(c.elapsed_minutes + c.remaining_minutes).toBeCloseTo(c.target_minutes, 6);
            if (c.state === 'breached') expect(c.elapsed_minutes).toBeGreaterThanOrEqual(c.target_minutes);
            if (c.state === 'met') expect(c.elapsed_minutes).toBeLessThanOrEqual(c.target_minutes);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
