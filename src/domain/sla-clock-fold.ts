import type { BusinessCalendar } from './business-calendar.ts';
import { build, clockState, warnMsOf, type ClockPolicy, type HistoryEvent, type Metric, type MetricClock } from './sla-clock.ts';

/**
 * The SLA clocks as a running account of a ticket's history, kept between changes, so that a
 * change folds in only its own events and costs the same whatever the ticket's past.
 *
 * computeClocks (sla-clock.ts) defines the clocks by walking the whole history; this fold
 * gives the same clocks (test/domain/sla-clock-fold.test.ts checks it against computeClocks
 * on generated histories, whole and folded in pieces through JSON) from a small state:
 * per metric that can pause, the business time run up to its last boundary and the instants
 * its warning and due time fell on, if already passed; for the ticket, which holds and
 * resolutions are open and the instants the other metrics start and stop from. The state
 * holds instants, not arithmetic: it is valid only under the policy and calendar it was
 * folded with (the caller keys it by them) and for events no earlier than its last one.
 */

/** A pause source open now: the last hold, or the last resolution (its wait for a reopen). */
interface Open {
  from: number;
}

/** A metric that can pause: its running account up to `cursor`. */
interface Meter {
  start: number;
  /** The end of the last closed running span (or the start). */
  cursor: number;
  /** Business ms run in closed running spans. */
  runMs: number;
  /** While paused: where the pause began for this metric (never before its start). */
  pausedSince: number | null;
  /** Stopped for good (the first response or the ticket's end); for resolution see stopOf. */
  stop: number | null;
  /** Where the warning and due instants fell, once run time passed them. */
  warn: number | null;
  due: number | null;
}

type Paused = 'first_response' | 'resolution' | 'periodic_update';

export interface ClockFold {
  /** The instant of the last event folded: later events only. */
  at: number;
  /** The last pausing hold while open; earlier holds left open for good (a hold on a hold). */
  hold: Open | null;
  stuckHold: number | null;
  /** The last resolution while not reopened; earlier ones left open for good (a resolution on a resolution). */
  gap: Open | null;
  stuckGap: number | null;
  ended: number | null;
  lastResolve: number | null;
  followedUp: number | null;
  firstResponse: number | null;
  meters: Record<Paused, Meter>;
}

const MINUTE = 60_000;
/** Before any instant a Date can hold (and, unlike -Infinity, JSON). */
const BEFORE_ALL = -8.64e15;
const meter = (start: number): Meter => ({ start, cursor: start, runMs: 0, pausedSince: null, stop: null, warn: null, due: null });

/** The account of a ticket reported at `reportedAt`, before anything happened to it. */
export function startFold(reportedAt: Date): ClockFold {
  const r = reportedAt.getTime();
  return {
    at: BEFORE_ALL,
    hold: null,
    stuckHold: null,
    gap: null,
    stuckGap: null,
    ended: null,
    lastResolve: null,
    followedUp: null,
    firstResponse: null,
    meters: { first_response: meter(r), resolution: meter(r), periodic_update: meter(r) },
  };
}

interface Targets {
  policy: ClockPolicy;
  calendar: BusinessCalendar;
}

function targetMs(metric: Paused, p: ClockPolicy): number {
  const minutes = metric === 'periodic_update' ? p.targets.periodic_update : p.targets[metric];
  return minutes ? minutes * MINUTE : Infinity;
}

/** A closed running span from the meter's cursor to `to`: its time counts, and the warning or due instant if it falls inside. */
function runTo(m: Meter, metric: Paused, to: number, { policy, calendar }: Targets): void {
  const add = calendar.businessMsBetween(new Date(m.cursor), new Date(to));
  const target = targetMs(metric, policy);
  const warn = warnMsOf(target, policy.warn_at_percent);
  if (m.warn === null && warn - m.runMs <= add) m.warn = calendar.addBusinessMs(new Date(m.cursor), warn - m.runMs).getTime();
  if (m.due === null && target - m.runMs <= add) m.due = calendar.addBusinessMs(new Date(m.cursor), target - m.runMs).getTime();
  m.runMs += add;
  m.cursor = to;
}

/** Whether a metric has a pause source open: holds pause all three, a resolution only the resolution clock. */
function sourcesOpen(f: ClockFold, metric: Paused): boolean {
  const held = f.hold !== null || f.stuckHold !== null;
  return metric === 'resolution' ? held || f.gap !== null || f.stuckGap !== null : held;
}

/** Brings each running meter's pause in line with the sources open after an event at `t`. */
function settle(f: ClockFold, t: number, targets: Targets): void {
  for (const metric of ['first_response', 'resolution', 'periodic_update'] as const) {
    const m = f.meters[metric];
    if (m.stop !== null) continue;
    const open = sourcesOpen(f, metric);
    if (open && m.pausedSince === null) {
      const from = Math.max(t, m.start);
      if (from > m.cursor) runTo(m, metric, from, targets);
      m.pausedSince = Math.max(from, m.cursor);
    } else if (!open && m.pausedSince !== null) {
      if (t > m.cursor) m.cursor = t;
      m.pausedSince = null;
    }
  }
}

function stopMeter(m: Meter, metric: Paused, t: number, targets: Targets): void {
  if (m.stop !== null) return;
  if (m.pausedSince === null) runTo(m, metric, t, targets);
  m.stop = t;
}

/**
 * Folds events (in time order, none before the fold's last) into a copy of the account.
 * Returns null when one is earlier than what was folded: the caller starts again from the
 * whole history.
 */
export function foldEvents(previous: ClockFold, events: readonly HistoryEvent[], policy: ClockPolicy, calendar: BusinessCalendar): ClockFold | null {
  const f: ClockFold = structuredClone(previous);
  const targets = { policy, calendar };
  for (const e of events) {
    const t = e.at.getTime();
    if (t < f.at) return null;
    f.at = t;
    switch (e.kind) {
      case 'hold':
        if (!e.reason || !policy.pause_on.includes(e.reason)) break;
        if (f.hold) f.stuckHold = Math.min(f.stuckHold ?? Infinity, f.hold.from);
        f.hold = { from: t };
        settle(f, t, targets);
        break;
      case 'resume':
        f.hold = null;
        settle(f, t, targets);
        break;
      case 'first_response':
      case 'customer_update':
        if (e.kind === 'first_response' && f.firstResponse === null) {
          f.firstResponse = t;
          stopMeter(f.meters.first_response, 'first_response', t, targets);
        }
        // The periodic update clock starts again from every contact, paused if a hold is open.
        f.meters.periodic_update = meter(t);
        settle(f, t, targets);
        break;
      case 'resolve':
        f.hold = null;
        settle(f, t, targets);
        f.lastResolve = t;
        f.followedUp = null;
        if (f.gap) f.stuckGap = Math.min(f.stuckGap ?? Infinity, f.gap.from);
        f.gap = { from: t };
        settle(f, t, targets);
        break;
      case 'reopen':
        f.gap = null;
        f.lastResolve = null;
        f.followedUp = null;
        settle(f, t, targets);
        break;
      case 'follow_up':
        f.followedUp ??= t;
        break;
      case 'close':
      case 'cancel':
        if (f.ended !== null) break;
        f.ended = t;
        stopMeter(f.meters.first_response, 'first_response', t, targets);
        // Waiting on a reopen, the resolution clock stays stopped where it was resolved (stopOf).
        if (f.gap) f.meters.resolution.stop ??= t;
        else stopMeter(f.meters.resolution, 'resolution', t, targets);
        break;
    }
  }
  return f;
}

/** Where a metric stopped: the resolution clock at an open resolution (if before its end), the others at their stop. */
function stopOf(f: ClockFold, metric: Paused): number | null {
  const m = f.meters[metric];
  if (metric === 'resolution' && f.gap) return Math.min(f.gap.from, m.stop ?? Infinity);
  return m.stop;
}

/** Paused now: for a stopped clock, by a source still open that began before the stop. */
function pausedNow(f: ClockFold, metric: Paused, stopAt: number | null): boolean {
  const m = f.meters[metric];
  if (stopAt === null) return m.pausedSince !== null;
  const before = (from: number | null) => from !== null && Math.max(from, m.start) < stopAt;
  const held = before(f.hold?.from ?? null) || before(f.stuckHold);
  return metric === 'resolution' ? held || before(f.gap?.from ?? null) || before(f.stuckGap) : held;
}

export type FoldedClock = Omit<MetricClock, 'segments'>;

function meterClock(f: ClockFold, metric: Paused, target: number, { policy, calendar }: Targets, now: number): FoldedClock {
  const m = f.meters[metric];
  const stopAt = stopOf(f, metric);
  const paused = pausedNow(f, metric, stopAt);
  const running = stopAt === null && !paused;
  const elapsedMs = m.runMs + (running ? calendar.businessMsBetween(new Date(m.cursor), new Date(Math.max(now, m.cursor))) : 0);
  const tMs = target * MINUTE;
  const warnMs = warnMsOf(tMs, policy.warn_at_percent);
  // Passed already, else projected from the open running span (or from the stop); unknown while paused.
  const project = (fixed: number | null, ms: number): Date | null => {
    if (fixed !== null) return new Date(fixed);
    if (paused) return null;
    return calendar.addBusinessMs(new Date(stopAt ?? m.cursor), ms - m.runMs);
  };
  const state = clockState(elapsedMs, tMs, warnMs, stopAt !== null, paused);
  return {
    metric,
    target_minutes: target,
    started_at: new Date(m.start),
    due_at: project(m.due, tMs),
    warn_at: project(m.warn, warnMs),
    completed_at: stopAt === null ? null : new Date(stopAt),
    state,
    elapsed_minutes: elapsedMs / MINUTE,
    remaining_minutes: (tMs - elapsedMs) / MINUTE,
  };
}

/** Every metric's clock from the account, as of `now`: what computeClocks gives for the same history, without the segments. */
export function clocksOfFold(f: ClockFold, policy: ClockPolicy, calendar: BusinessCalendar, now: Date): Record<Metric, FoldedClock | null> {
  const targets = { policy, calendar };
  const t = policy.targets;
  const followUp = () => {
    const stop = f.followedUp ?? (f.ended !== null && f.ended >= f.lastResolve! ? f.ended : null);
    const { segments: _s, ...clock } = build('follow_up', t.follow_up, f.lastResolve!, stop, [], calendar, policy.warn_at_percent, now.getTime());
    return clock;
  };
  return {
    first_response: meterClock(f, 'first_response', t.first_response, targets, now.getTime()),
    resolution: meterClock(f, 'resolution', t.resolution, targets, now.getTime()),
    follow_up: f.lastResolve === null ? null : followUp(),
    periodic_update: !t.periodic_update || f.gap !== null || f.ended !== null ? null : meterClock(f, 'periodic_update', t.periodic_update, targets, now.getTime()),
  };
}
