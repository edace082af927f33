/**
 * The churn-risk score as a pure function of a customer's service signals over the model's
 * window: each factor is normalised to 0..1 by a fixed, documented rule, weighted, and the
 * weighted mean scaled to 0–100. Every factor's contribution (in score points) is returned,
 * so the score can be checked by hand: the contributions add up to the score before rounding.
 */

export const FACTORS = [
  'satisfaction',
  'satisfaction_trend',
  'low_scores',
  'complaints',
  'sla_breaches',
  'reopened',
  'repeat_faults',
  'silence',
  'open_ticket_age',
] as const;
export type Factor = (typeof FACTORS)[number];

export interface ChurnModel {
  window_days: number;
  weights: Record<Factor, number>;
  thresholds: { medium: number; high: number; lost_after_days: number };
}

/** What the scan measures for one customer (counts within the window unless said otherwise). */
export interface Signals {
  answers: number;
  /** Mean csat of the answers in the window; null without any. */
  avg_csat: number | null;
  /** Mean csat in the most recent third of the window, and before it; null without answers there. */
  recent_avg_csat: number | null;
  earlier_avg_csat: number | null;
  /** Answers with csat ≤ 2. */
  low_scores: number;
  complaints: number;
  sla_breaches: number;
  /** Tickets reopened at least once. */
  reopened: number;
  /** Repair tickets beyond the first on the same product. */
  repeat_faults: number;
  /** Days since the customer's last ticket or answer (or since it was created), whatever the window. */
  days_since_contact: number;
  /** Age in days of its oldest open ticket; 0 without one. */
  oldest_open_days: number;
}

export interface FactorScore {
  factor: Factor;
  /** The signal it comes from, as measured. */
  value: number | null;
  /** 0..1 after the factor's rule. */
  normalized: number;
  weight: number;
  /** Points of the 0–100 score this factor adds. */
  contribution: number;
  rule: string;
}

export interface Score {
  score: number;
  level: 'low' | 'medium' | 'high';
  factors: FactorScore[];
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Each factor's measured value and its 0..1 rule. */
function normalise(f: Factor, s: Signals, m: ChurnModel): { value: number | null; normalized: number; rule: string } {
  switch (f) {
    case 'satisfaction':
      return { value: s.avg_csat, normalized: s.avg_csat === null ? 0 : clamp01((5 - s.avg_csat) / 4), rule: '(5 − mean csat) / 4; no answers: 0' };
    case 'satisfaction_trend': {
      const drop = s.recent_avg_csat !== null && s.earlier_avg_csat !== null ? s.earlier_avg_csat - s.recent_avg_csat : null;
      return { value: drop, normalized: clamp01((drop ?? 0) / 2), rule: 'drop of mean csat (earlier − last third of the window) / 2' };
    }
    case 'low_scores':
      return { value: s.low_scores, normalized: clamp01(s.low_scores / 2), rule: 'answers with csat ≤ 2, / 2' };
    case 'complaints':
      return { value: s.complaints, normalized: clamp01(s.complaints / 2), rule: 'complaints / 2' };
    case 'sla_breaches':
      return { value: s.sla_breaches, normalized: clamp01(s.sla_breaches / 3), rule: 'SLA breaches suffered / 3' };
    case 'reopened':
      return { value: s.reopened, normalized: clamp01(s.reopened / 2), rule: 'tickets reopened / 2' };
    case 'repeat_faults':
      return { value: s.repeat_faults, normalized: clamp01(s.repeat_faults / 2), rule: 'repeat repairs on the same product / 2' };
    case 'silence':
      return { value: s.days_since_contact, normalized: clamp01(s.days_since_contact / m.window_days), rule: 'days since last contact / window days' };
    case 'open_ticket_age':
      return { value: s.oldest_open_days, normalized: clamp01(s.oldest_open_days / 30), rule: 'age of the oldest open ticket in days / 30' };
  }
}

/** Each factor's points and their unrounded sum. */
function weigh(s: Signals, m: ChurnModel) {
  const total = FACTORS.reduce((sum, f) => sum + (m.weights[f] ?? 0), 0);
  let raw = 0;
  const factors = FACTORS.map((f) => {
    const n = normalise(f, s, m);
    const weight = m.weights[f] ?? 0;
    const points = total ? (100 * weight * n.normalized) / total : 0;
    raw += points;
    return { factor: f, value: n.value === null ? null : round1(n.value), normalized: Math.round(n.normalized * 1000) / 1000, weight, contribution: round1(points), rule: n.rule };
  });
  return { raw, factors, total };
}

export function scoreCustomer(s: Signals, m: ChurnModel): Score {
  const { raw, factors } = weigh(s, m);
  const score = Math.round(raw);
  const level = score >= m.thresholds.high ? 'high' : score >= m.thresholds.medium ? 'medium' : 'low';
  return { score, level, factors };
}

const DAY = 86_400_000;

/**
 * The latest instant by which a customer must be scored again if nothing happens to it (no
 * ticket, answer or breach): with time alone, only the day counts move (days since contact
 * until the window, the oldest open ticket's age until 30 days) and events leave the window
 * or its last third (`shift`, the earliest of those instants). Each day step adds at most
 * `perDay` points, so the rounded score cannot change before enough steps have passed, the
 * first of them at a count's next step; the lifecycle turns lost on a known day. Never later than the true change; null when nothing
 * can change with time alone.
 */
export function nextRescoreAt(i: { signals: Signals; model: ChurnModel; now: Date; lastContact: Date; oldestOpen: Date | null; shift: Date | null }): Date | null {
  const { signals: s, model: m } = i;
  const candidates: number[] = [];
  if (i.shift) candidates.push(i.shift.getTime());
  if (s.days_since_contact < m.thresholds.lost_after_days) candidates.push(i.lastContact.getTime() + m.thresholds.lost_after_days * DAY);
  const { raw, total } = weigh(s, m);
  // The day counts that can still raise a factor, each with the instant of its next step.
  const counters: { perDay: number; next: number }[] = [];
  if (s.days_since_contact < m.window_days && m.weights.silence) {
    counters.push({ perDay: m.weights.silence / m.window_days, next: i.lastContact.getTime() + (s.days_since_contact + 1) * DAY });
  }
  if (i.oldestOpen && s.oldest_open_days < 30 && m.weights.open_ticket_age) {
    counters.push({ perDay: m.weights.open_ticket_age / 30, next: i.oldestOpen.getTime() + (s.oldest_open_days + 1) * DAY });
  }
  const perDay = total ? (100 * counters.reduce((sum, c) => sum + c.perDay, 0)) / total : 0;
  if (perDay > 0) {
    // The rounded score moves once the raw sum reaches the next half point; by any instant,
    // neither count has stepped more often than days have begun since the first next step.
    const steps = Math.max(1, Math.ceil((Math.round(raw) + 0.5 - raw) / perDay - 1e-9));
    candidates.push(Math.min(...counters.map((c) => c.next)) + (steps - 1) * DAY);
  }
  return candidates.length ? new Date(Math.min(...candidates)) : null;
}

/** Lifecycle kept by the scan: lost after long silence, at risk while the level is high, else active. */
export function lifecycleOf(s: Pick<Signals, 'days_since_contact'>, level: Score['level'], m: ChurnModel): 'active' | 'at_risk' | 'lost' {
  if (s.days_since_contact >= m.thresholds.lost_after_days) return 'lost';
  return level === 'high' ? 'at_risk' : 'active';
}
