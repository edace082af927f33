import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextRun } from '../../src/jobs/jobs.service.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('the jobs API', () => {
  it('lists the jobs with schedule and next run, and runs one now with its counts', async () => {
    t.clock.advance(60_000); // a tick of its own, whatever ran before
    const before = (await t.request({ method: 'GET', url: '/v1/jobs' })).json().data;
    const hk = before.find((j: { name: string }) => j.name === 'housekeeping');
    expect(hk).toMatchObject({ schedule: '0 */10 * * * *' });
    // A job never run on this database has no last run.
    expect(before.find((j: { name: string }) => j.name === 'churn-scan')).toMatchObject({ last_run: null });
    // The next run after now, as the service's one clock tells now (a test's manual clock here).
    expect(Date.parse(hk.next_run_at)).toBeGreaterThan(t.clock.now().getTime());
    expect(Date.parse(hk.next_run_at)).toBeLessThanOrEqual(t.clock.now().getTime() + 10 * 60_000);

    await sql`insert into idempotency_keys (api_key_id, key, method, path, request_hash, state, created_at, expires_at)
      values (gen_random_uuid(), 'old', 'POST', '/x', 'h', 'done', ${t.clock.now()}, ${new Date(t.clock.now().getTime() - 1000)})`.execute(t.database.db);
    const t0 = performance.now();
    const run = await t.request({ method: 'POST', url: '/v1/jobs/housekeeping/run' });
    const wall = performance.now() - t0;
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toMatchObject({ job: 'housekeeping', trigger: 'manual', status: 'succeeded', counts: { idempotency_keys_deleted: 1 } });
    // Whole milliseconds, measured inside the request.
    expect(Number.isInteger(run.json().duration_ms)).toBe(true);
    expect(run.json().duration_ms).toBeLessThanOrEqual(Math.ceil(wall));

    t.clock.advance(1000);
    await t.request({ method: 'POST', url: '/v1/jobs/housekeeping/run' });
    const runs = (await t.request({ method: 'GET', url: '/v1/jobs/housekeeping/runs?limit=1' })).json();
    expect(runs.data).toHaveLength(1);
    expect(runs.data[0].counts).toEqual({ idempotency_keys_deleted: 0, job_runs_deleted: 0, job_runs_abandoned: 0, webhook_deliveries_deleted: 0, events_deleted: 0 });
    const older = (await t.request({ method: 'GET', url: `/v1/jobs/housekeeping/runs?limit=1&cursor=${runs.next_cursor}` })).json();
    expect(older.data[0].id).toBe(run.json().id);
    const after = (await t.request({ method: 'GET', url: '/v1/jobs' })).json().data.find((j: { name: string }) => j.name === 'housekeeping');
    expect(after.last_run.id).toBe(runs.data[0].id);
  });

  it('computes the next fire time of an expression', () => {
    const from = new Date(2026, 2, 2, 9, 3, 20);
    expect(nextRun('0 */10 * * * *', from)).toBe(new Date(2026, 2, 2, 9, 10, 0).toISOString());
    expect(nextRun('*/5 * * * * *', from)).toBe(new Date(2026, 2, 2, 9, 3, 25).toISOString());
    expect(nextRun('0 0 3 * * 1', from)).toBe(new Date(2026, 2, 9, 3, 0, 0).toISOString());
  });

  it('claims a manual run like a scheduled tick: two at the same instant run once', async () => {
    t.clock.advance(1000);
    const [a, b] = await Promise.all([t.request({ method: 'POST', url: '/v1/jobs/housekeeping/run' }), t.request({ method: 'POST', url: '/v1/jobs/housekeeping/run' })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
  });

  it('answers 404 for an unknown job and 403 for an agent', async () => {
    expect((await t.request({ method: 'POST', url: '/v1/jobs/nope/run' })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/v1/jobs/housekeeping/runs?cursor=zzz' })).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: '/v1/jobs', key: await t.key('agent') })).statusCode).toBe(403);
  });
});
