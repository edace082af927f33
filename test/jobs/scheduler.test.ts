import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { housekeepingJob } from '../../src/jobs/housekeeping.ts';
import { DEFAULT_JOB_SETTINGS, slaSweepJob } from '../../src/jobs/registry.ts';
import { idFloorAt } from '../../src/lib/ids.ts';

const housekeeping = housekeepingJob(DEFAULT_JOB_SETTINGS);
import { runTick, startScheduler, type JobDefinition } from '../../src/jobs/scheduler.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
const log = pino({ level: 'silent' });
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('scheduled jobs claimed in Postgres', () => {
  it('runs each tick once however many instances fire it', async () => {
    let runs = 0;
    const job: JobDefinition = {
      name: 'count-test',
      schedule: '* * * * * *',
      async run() {
        runs++;
        return { one: 1 };
      },
    };
    const tick = new Date('2026-03-02T09:00:05Z');
    const results = await Promise.all(Array.from({ length: 6 }, () => runTick({ db: t.database.db, clock: t.clock, log }, job, tick, 'schedule')));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(1);
    const rows = await t.database.db.selectFrom('job_runs').select(['status', 'counts']).where('job_name', '=', 'count-test').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'succeeded', counts: { one: 1 } });
  });

  it('skips a scheduled tick whose idle look finds nothing to do, without a claim or a run row; a manual run always runs', async () => {
    let busy = false;
    let runs = 0;
    const looks: string[] = [];
    const job: JobDefinition = {
      name: 'idle-test',
      schedule: '* * * * * *',
      idle: async () => {
        looks.push(busy ? 'busy' : 'idle');
        return !busy;
      },
      run: async () => ({ n: ++runs }),
    };
    const deps = { db: t.database.db, clock: t.clock, log };
    expect(await runTick(deps, job, new Date('2026-03-02T09:01:00Z'), 'schedule')).toBeNull();
    expect(await t.database.db.selectFrom('job_runs').select('id').where('job_name', '=', 'idle-test').execute()).toEqual([]);
    busy = true;
    expect(await runTick(deps, job, new Date('2026-03-02T09:01:01Z'), 'schedule')).toMatchObject({ counts: { n: 1 } });
    busy = false;
    expect(await runTick(deps, job, new Date('2026-03-02T09:01:02Z'), 'manual')).toMatchObject({ counts: { n: 2 } });
    expect(looks).toEqual(['idle', 'busy']);
    const ticks = await t.database.db.selectFrom('job_runs').select(['tick', 'trigger']).where('job_name', '=', 'idle-test').orderBy('tick').execute();
    expect(ticks.map((r) => r.trigger)).toEqual(['schedule', 'manual']);
    // The SLA sweep's look: with no clock due anywhere, its scheduled tick is idle.
    const sweep = slaSweepJob(DEFAULT_JOB_SETTINGS);
    expect(await sweep.idle!(deps)).toBe(true);
    expect(await runTick(deps, sweep, new Date('2026-03-02T09:01:03Z'), 'schedule')).toBeNull();
  });

  it('records a failed run with its error', async () => {
    const job: JobDefinition = { name: 'fail-test', schedule: '* * * * * *', run: async () => Promise.reject(new Error('boom')) };
    await expect(runTick({ db: t.database.db, clock: t.clock, log }, job, new Date('2026-03-02T09:00:06Z'), 'manual')).rejects.toThrow('boom');
    const row = await t.database.db.selectFrom('job_runs').select(['status', 'error']).where('job_name', '=', 'fail-test').executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', error: 'boom' });
  });

  it('fires on schedule in two schedulers at once and still runs each second once', async () => {
    let runs = 0;
    const job: JobDefinition = { name: 'every-second', schedule: '* * * * * *', run: async () => ({ n: ++runs }) };
    const a = startScheduler({ db: t.database.db, clock: t.clock, log }, [job]);
    const b = startScheduler({ db: t.database.db, clock: t.clock, log }, [job]);
    await new Promise((r) => setTimeout(r, 2_600));
    await a.stop();
    await b.stop();
    const ticks = await t.database.db.selectFrom('job_runs').select('tick').where('job_name', '=', 'every-second').execute();
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(runs).toBe(ticks.length);
    expect(new Set(ticks.map((r) => r.tick.toISOString())).size).toBe(ticks.length);
  });

  it('never runs a job twice at once in one instance: a tick while the last still runs is skipped', async () => {
    let inFlight = 0;
    let most = 0;
    let runs = 0;
    const job: JobDefinition = {
      name: 'slow-test',
      schedule: '* * * * * *',
      async run() {
        runs++;
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 2_200));
        inFlight--;
        return { n: runs };
      },
    };
    const s = startScheduler({ db: t.database.db, clock: t.clock, log }, [job]);
    await new Promise((r) => setTimeout(r, 4_500));
    await s.stop();
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(2);
  });

  it('housekeeping deletes expired idempotency records and only those', async () => {
    const now = t.clock.now();
    await sql`insert into idempotency_keys (api_key_id, key, method, path, request_hash, state, created_at, expires_at)
      select gen_random_uuid(), 'k' || i, 'POST', '/v1/customers', 'h', 'done', ${now}, ${now}::timestamptz + (case when i % 2 = 0 then interval '-1 hour' else interval '1 hour' end)
      from generate_series(1, 12000) as i`.execute(t.database.db);
    const counts = await housekeeping.run({ db: t.database.db, clock: t.clock, log });
    expect(counts).toMatchObject({ idempotency_keys_deleted: 6000 });
    const left = await sql<{ n: number }>`select count(*)::int as n from idempotency_keys`.execute(t.database.db);
    expect(left.rows[0]!.n).toBe(6000);
  });

  it('housekeeping forgets job runs older than a week and fails runs whose instance died', async () => {
    const now = t.clock.now();
    const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000);
    await t.database.db
      .insertInto('job_runs')
      .values([
        { id: '01900000-0000-7000-8000-0000000000a1', job_name: 'hk-old', tick: at(8 * 24), trigger: 'schedule', instance: 'x', started_at: at(8 * 24), finished_at: at(8 * 24), status: 'succeeded', counts: '{}' },
        { id: '01900000-0000-7000-8000-0000000000a2', job_name: 'hk-recent', tick: at(24), trigger: 'schedule', instance: 'x', started_at: at(24), finished_at: at(24), status: 'succeeded', counts: '{}' },
        { id: '01900000-0000-7000-8000-0000000000a3', job_name: 'hk-dead', tick: at(2), trigger: 'schedule', instance: 'x', started_at: at(2), status: 'running', counts: '{}' },
        { id: '01900000-0000-7000-8000-0000000000a4', job_name: 'hk-live', tick: at(0.1), trigger: 'schedule', instance: 'x', started_at: at(0.1), status: 'running', counts: '{}' },
      ])
      .execute();
    const counts = await housekeeping.run({ db: t.database.db, clock: t.clock, log });
    expect(counts).toMatchObject({ job_runs_deleted: 1, job_runs_abandoned: 1 });
    const rows = await t.database.db.selectFrom('job_runs').select(['job_name', 'status', 'error']).where('job_name', 'like', 'hk-%').orderBy('job_name').execute();
    expect(rows).toEqual([
      { job_name: 'hk-dead', status: 'failed', error: 'abandoned: the instance running it stopped before it finished' },
      { job_name: 'hk-live', status: 'running', error: null },
      { job_name: 'hk-recent', status: 'succeeded', error: null },
    ]);
  });

  it('housekeeping keeps events and webhook deliveries for their retention: an event goes once no kept delivery refers to it', async () => {
    const now = t.clock.now();
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const webhook = '01900000-0000-7000-8000-0000000000b0';
    await sql`insert into webhooks (id, url, events, secret_enc, outbox_position, created_at, updated_at)
      values (${webhook}, 'https://crm.example.com/hook', '{*}', '\\x00', 0, ${now}, ${now})`.execute(t.database.db);
    const top = await sql<{ p: number }>`select coalesce(max(position), 0)::int as p from events`.execute(t.database.db);
    const events = ['old-free', 'old-delivered', 'old-pending', 'recent'].map((name, i) => ({ name, id: `01900000-0000-7000-8000-0000000000c${i}`, position: top.rows[0]!.p + 1 + i }));
    for (const e of events) {
      await sql`insert into events (id, position, type, occurred_at, actor, resource_type, resource_id, data)
        values (${e.id}, ${e.position}, 'ticket.updated', ${e.name === 'recent' ? daysAgo(10) : daysAgo(400)}, '{"kind":"system","id":null,"role":"system"}', 'ticket', ${e.id}, '{}')`.execute(t.database.db);
    }
    // A delivery 40 days old (finished: past its 30 days), and one still pending.
    const delivery = (id: string, event: (typeof events)[number], status: string) =>
      sql`insert into webhook_deliveries (id, webhook_id, event_id, event_position, event_type, resource_type, resource_id, status, next_attempt_at, give_up_at, created_at, updated_at)
        values (${id}::uuid, ${webhook}, ${event.id}, ${event.position}, 'ticket.updated', 'ticket', ${event.id}, ${status}, ${now}, ${now}, ${now}, ${now})`.execute(t.database.db);
    const oldId = idFloorAt(daysAgo(40)).replace(/.{4}$/, '0001');
    const pendingId = idFloorAt(daysAgo(40)).replace(/.{4}$/, '0002');
    await delivery(oldId, events[1]!, 'succeeded');
    await delivery(pendingId, events[2]!, 'pending');

    const counts = await housekeeping.run({ db: t.database.db, clock: t.clock, log });
    expect(counts).toMatchObject({ webhook_deliveries_deleted: 1 });
    const left = async () =>
      (await sql<{ id: string }>`select id from events where id = any(${events.map((e) => e.id)}::uuid[]) order by id`.execute(t.database.db)).rows.map((r) => events.find((e) => e.id === r.id)!.name);
    // The old event without deliveries went; the delivered one went with its delivery's log
    // (deleted first in the same run); the one a pending delivery needs stays, and so does the recent one.
    expect(await left()).toEqual(['old-pending', 'recent']);
    const deliveries = await sql<{ id: string }>`select id from webhook_deliveries where webhook_id = ${webhook}`.execute(t.database.db);
    expect(deliveries.rows.map((r) => r.id)).toEqual([pendingId]);
    // With events kept for ever (0), nothing more goes.
    await sql`update webhook_deliveries set status = 'dead' where id = ${pendingId}::uuid`.execute(t.database.db);
    const forever = await housekeepingJob({ ...DEFAULT_JOB_SETTINGS, EVENTS_RETENTION_DAYS: 0 }).run({ db: t.database.db, clock: t.clock, log });
    expect(forever).toMatchObject({ events_deleted: 0, webhook_deliveries_deleted: 1 });
    expect(await left()).toEqual(['old-pending', 'recent']);
    // Outside retention the feed stays append-only.
    await expect(sql`delete from events where id = ${events[3]!.id}`.execute(t.database.db)).rejects.toThrow(/append-only/);
  });
});
