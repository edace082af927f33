import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../src/domain/business-calendar.ts';
import { METRICS, computeClocks, type ClockPolicy, type HistoryEvent, type MetricClock } from '../../src/domain/sla-clock.ts';

/*
 * The clocks of one ticket as its history grows, on a 24×7 UTC calendar so every business
 * minute is a wall minute and each figure can be checked by subtraction. Targets: first
 * response 60, resolution 240, follow-up 120, customer update every 100 minutes; warning at
 * 80 %; a hold waiting for the customer pauses, one waiting for parts does not.
 */
const allDay = [['00:00', '24:00']] as [string, string][];
const cal = new BusinessCalendar({ timezone: 'UTC', hours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay }, holidays: [], workdays: [] });
const policy: ClockPolicy = { targets: { first_response: 60, resolution: 240, follow_up: 120, periodic_update: 100 }, warn_at_percent: 80, pause_on: ['waiting_customer'] };
const BASE = Date.parse('2026-03-02T00:00:00Z');
const T = (min: number) => new Date(BASE + min * 60_000);
const ev = (min: number, kind: HistoryEvent['kind'], reason?: string): HistoryEvent => ({ at: T(min), kind, ...(reason ? { reason } : {}) });
const clocks = (history: HistoryEvent[], now: number, p: ClockPolicy = policy) => computeClocks({ reportedAt: T(0), history, policy: p, calendar: cal, now: T(now) });
const brief = (c: MetricClock | null) =>
  c && {
    state: c.state,
    due: c.due_at && (c.due_at.getTime() - BASE) / 60_000,
    warn: c.warn_at && (c.warn_at.getTime() - BASE) / 60_000,
    done: c.completed_at && (c.completed_at.getTime() - BASE) / 60_000,
    elapsed: c.elapsed_minutes,
    remaining: c.remaining_minutes,
    started: (c.started_at.getTime() - BASE) / 60_000,
  };
const segs = (c: MetricClock | null) =>
  c!.segments.map((s) => [s.kind, (s.from.getTime() - BASE) / 60_000, s.to && (s.to.getTime() - BASE) / 60_000, s.business_minutes, s.reason ?? null]);

describe('the clocks of a ticket, step by step', () => {
  it('runs from the report: running, then warning at 80 %, then breached at the target', () => {
    expect(brief(clocks([], 30).first_response)).toEqual({ state: 'running', due: 60, warn: 48, done: null, elapsed: 30, remaining: 30, started: 0 });
    expect(brief(clocks([], 48).first_response)!.state).toBe('warning');
    expect(brief(clocks([], 47).first_response)!.state).toBe('running');
    expect(brief(clocks([], 60).first_response)).toMatchObject({ state: 'breached', elapsed: 60, remaining: 0 });
    expect(brief(clocks([], 30).resolution)).toEqual({ state: 'running', due: 240, warn: 192, done: null, elapsed: 30, remaining: 210, started: 0 });
    expect(brief(clocks([], 30).periodic_update)).toEqual({ state: 'running', due: 100, warn: 80, done: null, elapsed: 30, remaining: 70, started: 0 });
    expect(clocks([], 30).follow_up).toBeNull();
    expect(segs(clocks([], 30).first_response)).toEqual([['running', 0, null, 30, null]]);
    expect(Object.keys(clocks([], 30))).toEqual([...METRICS]);
    expect(METRICS).toEqual(['first_response', 'resolution', 'follow_up', 'periodic_update']);
  });

  it('the first customer-visible contact meets the first response and restarts the update clock', () => {
    const c = clocks([ev(20, 'first_response')], 100);
    expect(brief(c.first_response)).toEqual({ state: 'met', due: 60, warn: 48, done: 20, elapsed: 20, remaining: 40, started: 0 });
    expect(brief(c.periodic_update)).toEqual({ state: 'warning', due: 120, warn: 100, done: null, elapsed: 80, remaining: 20, started: 20 });
    expect(brief(clocks([ev(20, 'first_response'), ev(90, 'customer_update')], 100).periodic_update)).toMatchObject({ started: 90, due: 190, state: 'running' });
    // A second first_response is an update, not a new first response.
    expect(brief(clocks([ev(20, 'first_response'), ev(50, 'first_response')], 100).first_response)).toMatchObject({ done: 20 });
  });

  it('a late first response is breached and stays so, its due time inside the time that ran', () => {
    expect(brief(clocks([ev(70, 'first_response')], 100).first_response)).toEqual({ state: 'breached', due: 60, warn: 48, done: 70, elapsed: 70, remaining: -10, started: 0 });
    expect(brief(clocks([ev(60, 'first_response')], 100).first_response)).toMatchObject({ state: 'met', due: 60, elapsed: 60, remaining: 0 });
  });

  it('a hold waiting for the customer pauses, one waiting for parts does not', () => {
    const c = clocks([ev(10, 'hold', 'waiting_customer'), ev(40, 'resume')], 100);
    expect(brief(c.resolution)).toEqual({ state: 'running', due: 270, warn: 222, done: null, elapsed: 70, remaining: 170, started: 0 });
    expect(segs(c.resolution)).toEqual([
      ['running', 0, 10, 10, null],
      ['paused', 10, 40, 30, 'waiting_customer'],
      ['running', 40, null, 60, null],
    ]);
    expect(brief(c.first_response)).toMatchObject({ state: 'breached', due: 90, elapsed: 70 });
    expect(brief(clocks([ev(10, 'hold', 'waiting_parts'), ev(40, 'resume')], 100).resolution)).toMatchObject({ due: 240, elapsed: 100 });
    expect(brief(clocks([ev(10, 'hold')], 100).resolution)).toMatchObject({ due: 240, elapsed: 100 });
  });

  it('while paused: no due time, and state paused until the target has run', () => {
    const c = clocks([ev(10, 'hold', 'waiting_customer')], 100);
    expect(brief(c.resolution)).toEqual({ state: 'paused', due: null, warn: null, done: null, elapsed: 10, remaining: 230, started: 0 });
    expect(segs(c.resolution)).toEqual([
      ['running', 0, 10, 10, null],
      ['paused', 10, null, 90, 'waiting_customer'],
    ]);
    // Paused after the warning time: that instant is known (it lies in the time that ran); the due time is not.
    expect(brief(clocks([ev(200, 'hold', 'waiting_customer')], 300).resolution)).toMatchObject({ state: 'paused', warn: 192, due: null, elapsed: 200 });
    // Paused after the target ran out: breached.
    expect(brief(clocks([ev(70, 'hold', 'waiting_customer')], 300).first_response)).toMatchObject({ state: 'breached', due: 60, elapsed: 70 });
  });

  it('two holds in a row, and a resume without a hold, count as they should', () => {
    const c = clocks([ev(10, 'hold', 'waiting_customer'), ev(20, 'resume'), ev(25, 'resume'), ev(30, 'hold', 'waiting_customer'), ev(50, 'resume')], 100);
    expect(segs(c.resolution)).toEqual([
      ['running', 0, 10, 10, null],
      ['paused', 10, 20, 10, 'waiting_customer'],
      ['running', 20, 30, 10, null],
      ['paused', 30, 50, 20, 'waiting_customer'],
      ['running', 50, null, 50, null],
    ]);
    expect(brief(c.resolution)).toMatchObject({ elapsed: 70, due: 270 });
  });

  it('the history is read in time order, whatever order it comes in', () => {
    const ordered = [ev(10, 'hold', 'waiting_customer'), ev(40, 'resume'), ev(50, 'resolve')];
    expect(clocks([...ordered].reverse(), 100)).toEqual(clocks(ordered, 100));
  });

  it('resolving stops the resolution clock (also on a pausing hold) and starts the follow-up', () => {
    const c = clocks([ev(10, 'hold', 'waiting_customer'), ev(50, 'resolve')], 100);
    // The deadline that was beaten: 230 minutes still to run when it stopped at 50.
    expect(brief(c.resolution)).toEqual({ state: 'met', due: 280, warn: 232, done: 50, elapsed: 10, remaining: 230, started: 0 });
    expect(segs(c.resolution)).toEqual([
      ['running', 0, 10, 10, null],
      ['paused', 10, 50, 40, 'waiting_customer'],
      ['running', 50, 50, 0, null],
    ]);
    expect(brief(c.follow_up)).toEqual({ state: 'running', due: 170, warn: 146, done: null, elapsed: 50, remaining: 70, started: 50 });
    expect(c.periodic_update).toBeNull(); // no updates owed on a resolved ticket
  });

  it('a reopen pauses nothing it should not: the resolved time does not count, the follow-up goes', () => {
    const c = clocks([ev(50, 'resolve'), ev(80, 'reopen')], 100);
    expect(brief(c.resolution)).toEqual({ state: 'running', due: 270, warn: 222, done: null, elapsed: 70, remaining: 170, started: 0 });
    expect(segs(c.resolution)).toEqual([
      ['running', 0, 50, 50, null],
      ['paused', 50, 80, 30, 'resolved'],
      ['running', 80, null, 20, null],
    ]);
    expect(c.follow_up).toBeNull();
    expect(brief(c.periodic_update)).toMatchObject({ state: 'breached', elapsed: 100 });
    // Resolved again: the follow-up starts anew from the last resolution.
    const again = clocks([ev(50, 'resolve'), ev(60, 'follow_up'), ev(80, 'reopen'), ev(90, 'resolve')], 100);
    expect(brief(again.follow_up)).toMatchObject({ state: 'running', started: 90, done: null, due: 210 });
    expect(brief(again.resolution)).toMatchObject({ state: 'met', done: 90, elapsed: 60 });
  });

  it('the follow-up call meets the follow-up clock; one before any resolution does not', () => {
    expect(brief(clocks([ev(50, 'resolve'), ev(100, 'follow_up')], 300).follow_up)).toEqual({ state: 'met', due: 170, warn: 146, done: 100, elapsed: 50, remaining: 70, started: 50 });
    expect(brief(clocks([ev(50, 'resolve'), ev(100, 'follow_up'), ev(150, 'follow_up')], 300).follow_up)).toMatchObject({ done: 100 });
    expect(brief(clocks([ev(10, 'follow_up'), ev(50, 'resolve')], 100).follow_up)).toMatchObject({ state: 'running', done: null });
  });

  it('closing stops every clock; a follow-up never made is breached at the close if late', () => {
    const closed = clocks([ev(30, 'close')], 500);
    expect(brief(closed.first_response)).toMatchObject({ state: 'met', done: 30, elapsed: 30 });
    expect(brief(closed.resolution)).toMatchObject({ state: 'met', done: 30, elapsed: 30 });
    expect(closed.periodic_update).toBeNull();
    expect(closed.follow_up).toBeNull();
    const late = clocks([ev(50, 'resolve'), ev(200, 'close')], 500);
    expect(brief(late.follow_up)).toEqual({ state: 'breached', due: 170, warn: 146, done: 200, elapsed: 150, remaining: -30, started: 50 });
    expect(brief(clocks([ev(50, 'resolve'), ev(100, 'close')], 500).follow_up)).toMatchObject({ state: 'met', done: 100 });
    // The earliest of the stops counts: a first response after the close changes nothing.
    expect(brief(clocks([ev(30, 'close'), ev(40, 'first_response')], 500).first_response)).toMatchObject({ done: 30 });
    expect(brief(clocks([ev(20, 'first_response'), ev(30, 'close')], 500).first_response)).toMatchObject({ done: 20 });
    expect(brief(clocks([ev(30, 'close'), ev(40, 'cancel')], 500).resolution)).toMatchObject({ done: 30 });
  });

  it('cancelling stops every clock the same way', () => {
    const c = clocks([ev(10, 'hold', 'waiting_customer'), ev(40, 'cancel')], 500);
    expect(brief(c.resolution)).toMatchObject({ state: 'met', done: 40, elapsed: 10 });
    expect(segs(c.resolution)).toEqual([
      ['running', 0, 10, 10, null],
      ['paused', 10, null, 490, 'waiting_customer'],
    ]);
    expect(c.periodic_update).toBeNull();
  });

  it('a hold that starts after a clock stopped does not touch it', () => {
    const c = clocks([ev(5, 'first_response'), ev(10, 'hold', 'waiting_customer'), ev(20, 'resume')], 100);
    expect(segs(c.first_response)).toEqual([['running', 0, 5, 5, null]]);
    expect(brief(c.first_response)).toMatchObject({ state: 'met', elapsed: 5, due: 60 });
    // A hold ended by the clock's stop counts only up to it.
    const stopped = clocks([ev(10, 'hold', 'waiting_customer'), ev(30, 'first_response'), ev(40, 'resume')], 100);
    expect(segs(stopped.first_response)).toEqual([
      ['running', 0, 10, 10, null],
      ['paused', 10, 30, 20, 'waiting_customer'],
      ['running', 30, 30, 0, null],
    ]);
  });

  it('no periodic update clock without its target; the warning follows warn_at_percent', () => {
    const p = { ...policy, targets: { ...policy.targets, periodic_update: null }, warn_at_percent: 50 };
    expect(clocks([], 10, p).periodic_update).toBeNull();
    expect(brief(clocks([], 10, p).first_response)).toMatchObject({ warn: 30 });
    expect(brief(clocks([], 30, p).first_response)!.state).toBe('warning');
  });

  it('each clock names its metric', () => {
    const c = clocks([ev(50, 'resolve')], 100);
    for (const m of METRICS) if (c[m]) expect(c[m]!.metric).toBe(m);
    expect(c.first_response!.metric).toBe('first_response');
    expect(c.resolution!.metric).toBe('resolution');
    expect(c.follow_up!.metric).toBe('follow_up');
    expect(clocks([], 10).periodic_update!.metric).toBe('periodic_update');
  });

  it('a due time that passed is placed in the time that ran, never in a pause', () => {
    // Running 0–10, paused 10–40, running 40–100: the 60th running minute was at 90.
    expect(brief(clocks([ev(10, 'hold', 'waiting_customer'), ev(40, 'resume'), ev(100, 'first_response')], 200).first_response)).toMatchObject({ state: 'breached', due: 90, elapsed: 70 });
    // Running 0–60, paused 60–90: the target ran out exactly at 60, before the pause.
    expect(brief(clocks([ev(60, 'hold', 'waiting_customer'), ev(90, 'resume'), ev(100, 'first_response')], 200).first_response)).toMatchObject({ state: 'breached', due: 60, elapsed: 70 });
  });

  it('a hold that begins as the clock stops, or at the report, adds no empty segment', () => {
    expect(segs(clocks([ev(10, 'first_response'), ev(10, 'hold', 'waiting_customer')], 100).first_response)).toEqual([['running', 0, 10, 10, null]]);
    expect(segs(clocks([ev(0, 'hold', 'waiting_customer'), ev(20, 'resume')], 100).resolution)).toEqual([
      ['paused', 0, 20, 20, 'waiting_customer'],
      ['running', 20, null, 80, null],
    ]);
  });

  it('a hold over before a clock started does not touch it (the update clock after an update)', () => {
    expect(segs(clocks([ev(10, 'hold', 'waiting_customer'), ev(20, 'resume'), ev(30, 'customer_update')], 100).periodic_update)).toEqual([['running', 30, null, 70, null]]);
    expect(segs(clocks([ev(10, 'hold', 'waiting_customer'), ev(30, 'resume'), ev(30, 'customer_update')], 100).periodic_update)).toEqual([['running', 30, null, 70, null]]);
  });

  it('a resolution after a hold that ended keeps the hold as it was', () => {
    expect(brief(clocks([ev(10, 'hold', 'waiting_customer'), ev(20, 'resume'), ev(50, 'resolve')], 100).resolution)).toMatchObject({ state: 'met', elapsed: 40, done: 50 });
  });

  it('a second reopen without a resolution between keeps the first pause as it was', () => {
    expect(brief(clocks([ev(50, 'resolve'), ev(60, 'reopen'), ev(70, 'reopen')], 100).resolution)).toMatchObject({ state: 'running', elapsed: 90 });
  });

  it('a close at the instant of the resolution ends the follow-up there; a close before it does not', () => {
    expect(brief(clocks([ev(50, 'resolve'), ev(50, 'close')], 100).follow_up)).toMatchObject({ state: 'met', done: 50, elapsed: 0 });
    expect(brief(clocks([ev(30, 'cancel'), ev(50, 'resolve')], 100).follow_up)).toMatchObject({ state: 'running', done: null });
  });

  it('pauses are walked in time order, holds and resolved gaps together', () => {
    expect(segs(clocks([ev(10, 'resolve'), ev(20, 'reopen'), ev(60, 'hold', 'waiting_customer'), ev(70, 'resume')], 100).resolution)).toEqual([
      ['running', 0, 10, 10, null],
      ['paused', 10, 20, 10, 'resolved'],
      ['running', 20, 60, 40, null],
      ['paused', 60, 70, 10, 'waiting_customer'],
      ['running', 70, null, 30, null],
    ]);
  });
});
