import type { BusinessCalendar } from './business-calendar.ts';

/**
 * SLA clocks as a pure function of what happened to a ticket: given the policy's targets and
 * calendar and the ticket's history, each metric's clock (due, warning, completion, state)
 * and the running and paused segments that explain it. Nothing is stored that could drift:
 * the same history always gives the same clocks.
 */
export type Metric = 'first_response' | 'resolution' | 'follow_up' | 'periodic_update';
export const METRICS: readonly Metric[] = ['first_response', 'resolution', 'follow_up', 'periodic_update'];

export type HistoryKind = 'hold' | 'resume' | 'first_response' | 'customer_update' | 'resolve' | 'reopen' | 'follow_up' | 'close' | 'cancel';
export interface HistoryEvent {
  at: Date;
  kind: HistoryKind;
  /** For hold: the hold reason, which pauses the clocks when the policy lists it. */
  reason?: string;
}

export interface ClockPolicy {
  targets: { first_response: number; resolution: number; follow_up: number; periodic_update?: number | null };
  warn_at_percent: number;
  pause_on: readonly string[];
}

export interface Segment {
  kind: 'running' | 'paused';
  from: Date;
  to: Date | null;
  business_minutes: number;
  reason?: string;
}

export interface MetricClock {
  metric: Metric;
  target_minutes: number;
  started_at: Date;
  due_at: Date | null;
  warn_at: Date | null;
  completed_at: Date | null;
  state: 'running' | 'paused' | 'met' | 'warning' | 'breached';
  elapsed_minutes: number;
  remaining_minutes: number;
  segments: Segment[];
}

const MINUTE = 60_000;

interface Span {
  kind: 'running' | 'paused';
  from: number;
  to: number | null;
  reason?: string;
}

/** Walks closed running spans until `ms` of business time have run: the instant it happens, or null. */
function instantWithin(cal: BusinessCalendar, spans: Span[], ms: number): Date | null {
  let left = ms;
  for (const s of spans) {
    if (s.kind !== 'running' || s.to === null) continue;
    const available = cal.businessMsBetween(new Date(s.from), new Date(s.to));
    if (left <= available) return cal.addBusinessMs(new Date(s.from), left);
    left -= available;
  }
  return null;
}

/** The business ms into a clock at which it warns. */
export const warnMsOf = (targetMs: number, warnPercent: number) => Math.floor((targetMs * warnPercent) / 100);

/** A clock's state from the business time it has run, whether it stopped and whether it is paused now. */
export function clockState(elapsedMs: number, targetMs: number, warnMs: number, stopped: boolean, paused: boolean): MetricClock['state'] {
  if (stopped) return elapsedMs <= targetMs ? 'met' : 'breached';
  if (elapsedMs >= targetMs) return 'breached';
  if (paused) return 'paused';
  return elapsedMs >= warnMs ? 'warning' : 'running';
}

/** One metric's clock from its start, stop and pauses (in order of start), as of `now`: the walk computeClocks makes per metric. */
export function build(
  metric: Metric,
  target: number,
  start: number,
  stopAt: number | null,
  pauses: { from: number; to: number | null; reason: string }[],
  cal: BusinessCalendar,
  warnPercent: number,
  now: number,
): MetricClock {
  const spans: Span[] = [];
  let cursor = start;
  for (const p of pauses) {
    const from = Math.max(p.from, start);
    const to = p.to === null ? null : Math.min(p.to, stopAt ?? p.to);
    if (stopAt !== null && from >= stopAt) break;
    if (to !== null && to <= cursor) continue;
    if (from > cursor) spans.push({ kind: 'running', from: cursor, to: from });
    spans.push({ kind: 'paused', from: Math.max(from, cursor), to, reason: p.reason });
    if (to === null) {
      cursor = Infinity;
      break;
    }
    cursor = to;
  }
  if (cursor !== Infinity) spans.push({ kind: 'running', from: cursor, to: stopAt });
  // Paused now: a pause with no end was reached (the walk stopped there).
  const paused = cursor === Infinity;
  const upTo = (s: Span) => s.to ?? Math.max(now, s.from);
  const segments: Segment[] = spans.map((s) => ({
    kind: s.kind,
    from: new Date(s.from),
    to: s.to === null ? null : new Date(s.to),
    business_minutes: cal.businessMsBetween(new Date(s.from), new Date(upTo(s))) / MINUTE,
    ...(s.reason ? { reason: s.reason } : {}),
  }));
  const elapsedMs = spans.filter((s) => s.kind === 'running').reduce((sum, s) => sum + cal.businessMsBetween(new Date(s.from), new Date(upTo(s))), 0);
  const targetMs = target * MINUTE;
  const warnMs = warnMsOf(targetMs, warnPercent);
  // Due and warning instants: on the running spans that are over; else projected forward from
  // the open running span, or from completion (the deadline that was beaten). Unknown while paused.
  const closedRunningMs = spans.filter((s) => s.kind === 'running' && s.to !== null).reduce((sum, s) => sum + cal.businessMsBetween(new Date(s.from), new Date(s.to!)), 0);
  const openRunning = spans.find((s) => s.kind === 'running' && s.to === null);
  const project = (ms: number): Date | null => {
    const within = instantWithin(cal, spans, ms);
    if (within) return within;
    if (paused) return null;
    if (openRunning) return cal.addBusinessMs(new Date(openRunning.from), ms - closedRunningMs);
    return cal.addBusinessMs(new Date(stopAt ?? now), ms - closedRunningMs);
  };
  const due = project(targetMs);
  const warn = project(warnMs);
  const state = clockState(elapsedMs, targetMs, warnMs, stopAt !== null, paused);
  return {
    metric,
    target_minutes: target,
    started_at: new Date(start),
    due_at: due,
    warn_at: warn,
    completed_at: stopAt === null ? null : new Date(stopAt),
    state,
    elapsed_minutes: elapsedMs / MINUTE,
    remaining_minutes: (targetMs - elapsedMs) / MINUTE,
    segments,
  };
}

/** Every metric's clock for a ticket reported at `reportedAt` with this history (in time order), as of `now`. */
export function computeClocks(input: {
  reportedAt: Date;
  history: readonly HistoryEvent[];
  policy: ClockPolicy;
  calendar: BusinessCalendar;
  now: Date;
}): Record<Metric, MetricClock | null> {
  const { policy, calendar } = input;
  const now = input.now.getTime();
  const events = [...input.history].sort((a, b) => a.at.getTime() - b.at.getTime());
  const reported = input.reportedAt.getTime();

  // Hold periods whose reason stops the clock, and periods spent resolved (waiting on a reopen).
  const holds: { from: number; to: number | null; reason: string }[] = [];
  const resolvedGaps: { from: number; to: number | null; reason: string }[] = [];
  let ended: number | null = null;
  let lastResolve: number | null = null;
  let followedUp: number | null = null;
  let firstResponse: number | null = null;
  let lastCustomerUpdate = reported;
  for (const e of events) {
    const t = e.at.getTime();
    switch (e.kind) {
      case 'hold':
        if (e.reason && policy.pause_on.includes(e.reason)) holds.push({ from: t, to: null, reason: e.reason });
        break;
      case 'resume': {
        const open = holds.at(-1);
        if (open && open.to === null) open.to = t;
        break;
      }
      case 'first_response':
        firstResponse ??= t;
        lastCustomerUpdate = t;
        break;
      case 'customer_update':
        lastCustomerUpdate = t;
        break;
      case 'resolve': {
        const open = holds.at(-1);
        if (open && open.to === null) open.to = t;
        lastResolve = t;
        followedUp = null;
        resolvedGaps.push({ from: t, to: null, reason: 'resolved' });
        break;
      }
      case 'reopen': {
        const gap = resolvedGaps.at(-1);
        if (gap && gap.to === null) gap.to = t;
        lastResolve = null;
        followedUp = null;
        break;
      }
      case 'follow_up':
        // One before any resolution is forgotten by the resolution (which starts the follow-up afresh).
        followedUp ??= t;
        break;
      case 'close':
      case 'cancel':
        ended ??= t;
        break;
    }
  }
  const openGap = resolvedGaps.at(-1);
  const resolvedNow = openGap !== undefined && openGap.to === null ? openGap.from : null;
  // The open resolved gap starts where the resolution clock stops, so build never walks it.
  const pauses = [...holds, ...resolvedGaps].sort((a, b) => a.from - b.from);
  const endOr = (t: number | null) => (t === null ? ended : ended === null ? t : Math.min(t, ended));

  const t = policy.targets;
  return {
    first_response: build('first_response', t.first_response, reported, endOr(firstResponse), holds, calendar, policy.warn_at_percent, now),
    resolution: build('resolution', t.resolution, reported, endOr(resolvedNow), pauses, calendar, policy.warn_at_percent, now),
    follow_up:
      lastResolve === null
        ? null
        : build('follow_up', t.follow_up, lastResolve, followedUp ?? (ended !== null && ended >= lastResolve ? ended : null), [], calendar, policy.warn_at_percent, now),
    periodic_update:
      !t.periodic_update || resolvedNow !== null || ended !== null
        ? null
        : build('periodic_update', t.periodic_update, lastCustomerUpdate, null, holds, calendar, policy.warn_at_percent, now),
  };
}
