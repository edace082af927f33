import { describe, expect, it } from 'vitest';
import { FACTORS, lifecycleOf, nextRescoreAt, scoreCustomer, type ChurnModel, type Factor, type Signals } from '../../src/domain/churn-score.ts';

const quiet: Signals = {
  answers: 0, avg_csat: null, recent_avg_csat: null, earlier_avg_csat: null, low_scores: 0, complaints: 0,
  sla_breaches: 0, reopened: 0, repeat_faults: 0, days_since_contact: 0, oldest_open_days: 0,
};
const thresholds = { medium: 30, high: 60, lost_after_days: 365 };
/** A model that weighs one factor alone: the score is that factor's normalised value × 100. */
const weighing = (f: Factor, window_days = 180): ChurnModel => ({
  window_days,
  weights: Object.fromEntries(FACTORS.map((x) => [x, x === f ? 1 : 0])) as ChurnModel['weights'],
  thresholds,
});
const factor = (f: Factor, s: Partial<Signals>, m = weighing(f)) => {
  const r = scoreCustomer({ ...quiet, ...s }, m);
  return { score: r.score, ...r.factors.find((x) => x.factor === f)! };
};

describe('each factor by its rule, between 0 and its cap', () => {
  it.each([
    // factor, signals, value, normalised
    ['satisfaction', { avg_csat: 3 }, 3, 0.5],
    ['satisfaction', { avg_csat: 4.5 }, 4.5, 0.125],
    ['satisfaction', { avg_csat: 5 }, 5, 0],
    ['satisfaction', { avg_csat: null }, null, 0],
    ['satisfaction_trend', { recent_avg_csat: 3, earlier_avg_csat: 4 }, 1, 0.5],
    ['satisfaction_trend', { recent_avg_csat: 4, earlier_avg_csat: 3 }, -1, 0], // improving is no risk
    ['satisfaction_trend', { recent_avg_csat: 1, earlier_avg_csat: 4 }, 3, 1],
    ['satisfaction_trend', { recent_avg_csat: 3, earlier_avg_csat: null }, null, 0],
    ['satisfaction_trend', { recent_avg_csat: null, earlier_avg_csat: 3 }, null, 0],
    ['low_scores', { low_scores: 1 }, 1, 0.5],
    ['low_scores', { low_scores: 5 }, 5, 1],
    ['complaints', { complaints: 1 }, 1, 0.5],
    ['sla_breaches', { sla_breaches: 1 }, 1, 0.333],
    ['sla_breaches', { sla_breaches: 2 }, 2, 0.667],
    ['sla_breaches', { sla_breaches: 4 }, 4, 1],
    ['reopened', { reopened: 1 }, 1, 0.5],
    ['repeat_faults', { repeat_faults: 1 }, 1, 0.5],
    ['silence', { days_since_contact: 45 }, 45, 0.25],
    ['silence', { days_since_contact: 400 }, 400, 1],
    ['open_ticket_age', { oldest_open_days: 6 }, 6, 0.2],
    ['open_ticket_age', { oldest_open_days: 45 }, 45, 1],
  ] as const)('%s with %o: value %s, normalised %s', (f, s, value, normalized) => {
    const r = factor(f, s);
    expect(r.value).toBe(value);
    expect(r.normalized).toBe(normalized);
    expect(r.weight).toBe(1);
    expect(r.score).toBe(Math.round(normalized * 100));
    expect(r.contribution).toBe(Math.round(normalized * 1000) / 10);
  });

  it('silence is measured against the model’s window', () => {
    expect(factor('silence', { days_since_contact: 45 }, weighing('silence', 90)).normalized).toBe(0.5);
  });

  it('states each rule in words', () => {
    const rules = Object.fromEntries(scoreCustomer(quiet, weighing('silence')).factors.map((f) => [f.factor, f.rule]));
    expect(rules).toEqual({
      satisfaction: '(5 − mean csat) / 4; no answers: 0',
      satisfaction_trend: 'drop of mean csat (earlier − last third of the window) / 2',
      low_scores: 'answers with csat ≤ 2, / 2',
      complaints: 'complaints / 2',
      sla_breaches: 'SLA breaches suffered / 3',
      reopened: 'tickets reopened / 2',
      repeat_faults: 'repeat repairs on the same product / 2',
      silence: 'days since last contact / window days',
      open_ticket_age: 'age of the oldest open ticket in days / 30',
    });
  });
});

describe('the score', () => {
  it('is the weighted mean × 100, each contribution to one decimal, values to one decimal', () => {
    const m: ChurnModel = { window_days: 180, weights: { ...weighing('satisfaction').weights, satisfaction: 3, complaints: 1 }, thresholds };
    const r = scoreCustomer({ ...quiet, avg_csat: 2.345, complaints: 1 }, m);
    // satisfaction (5 − 2.345) / 4 = 0.66375 × 3 = 1.99125; complaints 0.5 × 1; / 4 × 100 = 62.28
    expect(r.score).toBe(62);
    expect(r.factors.find((f) => f.factor === 'satisfaction')).toMatchObject({ value: 2.3, normalized: 0.664, weight: 3, contribution: 49.8 });
    expect(r.factors.find((f) => f.factor === 'complaints')).toMatchObject({ value: 1, normalized: 0.5, contribution: 12.5 });
    expect(r.factors.map((f) => f.factor)).toEqual([...FACTORS]);
  });

  it('is 0 when every weight is 0, and a weight left out counts as 0', () => {
    const none: ChurnModel = { window_days: 180, weights: Object.fromEntries(FACTORS.map((f) => [f, 0])) as ChurnModel['weights'], thresholds };
    expect(scoreCustomer({ ...quiet, complaints: 9 }, none)).toMatchObject({ score: 0, level: 'low' });
    const partial = { window_days: 180, weights: { complaints: 1 } as ChurnModel['weights'], thresholds };
    const r = scoreCustomer({ ...quiet, complaints: 1, reopened: 2 }, partial);
    expect(r.score).toBe(50);
    expect(r.factors.find((f) => f.factor === 'reopened')).toMatchObject({ weight: 0, contribution: 0 });
  });

  it.each([
    // score (complaints alone: 0.5 per complaint), level
    [29, 'low'],
    [30, 'medium'],
    [59, 'medium'],
    [60, 'high'],
  ] as const)('a score of %s is %s (thresholds medium 30, high 60: equality reaches the level)', (score, level) => {
    const m = weighing('silence', 100);
    expect(scoreCustomer({ ...quiet, days_since_contact: score }, m)).toMatchObject({ score, level });
  });
});

describe('the lifecycle', () => {
  it.each([
    [365, 'low', 'lost'],
    [364, 'low', 'active'],
    [364, 'medium', 'active'],
    [364, 'high', 'at_risk'],
    [400, 'high', 'lost'],
  ] as const)('%s days silent at level %s: %s', (days, level, status) => {
    expect(lifecycleOf({ days_since_contact: days }, level, { window_days: 180, weights: weighing('silence').weights, thresholds })).toBe(status);
  });
});

describe('nextRescoreAt: when a customer must be scored again if nothing happens', () => {
  const DAY = 86_400_000;
  const now = new Date('2026-06-01T00:00:00Z');
  const quiet = { answers: 0, avg_csat: null, recent_avg_csat: null, earlier_avg_csat: null, low_scores: 0, complaints: 0, sla_breaches: 0, reopened: 0, repeat_faults: 0, days_since_contact: 0, oldest_open_days: 0 };
  const m = { window_days: 180, weights: { satisfaction: 3, satisfaction_trend: 2, low_scores: 2, complaints: 2, sla_breaches: 1, reopened: 1, repeat_faults: 1, silence: 1, open_ticket_age: 1 }, thresholds: { medium: 30, high: 60, lost_after_days: 365 } };

  it('never later than the first day its rounded score moves with silence alone', () => {
    const lastContact = new Date(now.getTime() - 10 * DAY);
    const due = nextRescoreAt({ signals: { ...quiet, days_since_contact: 10 }, model: m, now, lastContact, oldestOpen: null, shift: null })!;
    const scoreOn = (t: number) => scoreCustomer({ ...quiet, days_since_contact: Math.floor((t - lastContact.getTime()) / DAY) }, m).score;
    const firstMove = Array.from({ length: 200 }, (_, d) => now.getTime() + d * DAY).find((t) => scoreOn(t) !== scoreOn(now.getTime()))!;
    expect(due.getTime()).toBeLessThanOrEqual(firstMove);
    expect(due.getTime()).toBeGreaterThan(now.getTime());
  });

  it('is the day the customer turns lost, or an event leaving the window, whichever comes first; null when nothing can move', () => {
    const saturated = { ...quiet, days_since_contact: 200 };
    const lastContact = new Date(now.getTime() - 200 * DAY);
    expect(nextRescoreAt({ signals: saturated, model: m, now, lastContact, oldestOpen: null, shift: null })).toEqual(new Date(lastContact.getTime() + 365 * DAY));
    const soon = new Date(now.getTime() + 5 * DAY);
    expect(nextRescoreAt({ signals: saturated, model: m, now, lastContact, oldestOpen: null, shift: soon })).toEqual(soon);
    expect(nextRescoreAt({ signals: { ...quiet, days_since_contact: 400 }, model: m, now, lastContact: new Date(now.getTime() - 400 * DAY), oldestOpen: null, shift: null })).toBeNull();
  });
});
