import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDatabase } from '../../src/db/database.ts';
import { ReplicaReads } from '../../src/db/replica.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const alerts = parse(readFileSync(path.join(ROOT, 'docs/monitoring/alerts.yml'), 'utf8')) as { groups: { name: string; rules: { alert: string; expr: string; labels: { severity: string }; annotations: { summary: string } }[] }[] };
const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'docs/monitoring/grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };

/** The metric names an expression reads (histogram series by their family name). */
const metricsIn = (expr: string) =>
  [...expr.matchAll(/\b((?:aftercare|http|process)_[a-z_]+)\b/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, ''));

let t: TestApp;
let served: Set<string>;
beforeAll(async () => {
  t = await createTestApp();
  const text = (await t.request({ method: 'GET', url: '/metrics' })).body;
  served = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
  // The replica's gauges appear only with DATABASE_REPLICA_URL: take their names from it.
  const primary = createDatabase('postgres://nobody@127.0.0.1:1/none', { poolSize: 1 });
  const replica = new ReplicaReads(primary, 'postgres://nobody@127.0.0.1:1/none', { poolSize: 1, maxLagSeconds: 30 });
  for (const m of replica.metrics) served.add((m as unknown as { name: string }).name);
  await replica.close();
  await primary.close();
});
afterAll(async () => t.close());

describe('the committed Prometheus alerts and Grafana dashboard', () => {
  it('alert only on metrics the service serves, each rule with a severity and a summary', () => {
    const rules = alerts.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const rule of rules) {
      expect(rule.labels.severity, rule.alert).toMatch(/^(page|ticket)$/);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      for (const name of metricsIn(rule.expr)) expect(served, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it('chart only metrics the service serves', () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((x) => ({ title: p.title, expr: x.expr })));
    expect(exprs.length).toBeGreaterThanOrEqual(14);
    for (const { title, expr } of exprs) for (const name of metricsIn(expr)) expect(served, `${title}: ${name}`).toContain(name);
  });
});
