// The SLA sweep under load (part of `npm run bench`; alone with BENCH_ONLY=sla): on the seeded
// tickets, every open ticket gets running clocks and every other one completed clocks; then
//   1. a sweep with nothing due (in-process, and as a claimed job tick), many times;
//   2. 10,000 clocks made due at once, recorded by one sweep (with the default on_breach
//      actions: the standard policy raises priority, urgent and complaint ones escalate);
//   3. a holiday added to the business calendar, and every open ticket's clocks recomputed;
//   4. breach latency with the production schedule: a service instance with its scheduler on
//      (SLA_SWEEP_SCHEDULE default), clocks falling due at random over a minute, and for each
//      the time from its due time to its recorded breach.
import { sql } from 'kysely';
import pino from 'pino';
import { systemClock } from '../src/clock.ts';
import type { Db } from '../src/db/types.ts';
import { DEFAULT_JOB_SETTINGS, slaSweepJob } from '../src/jobs/registry.ts';
import { runTick } from '../src/jobs/scheduler.ts';
import { sweepSla } from '../src/jobs/sla-sweep.ts';
import { recomputeSla } from '../src/jobs/sla-recompute.ts';
import { startService } from './bench-service.ts';

const STANDARD = '01900000-0000-7000-8000-000000000013';
const URGENT = '01900000-0000-7000-8000-000000000011';
const COMPLAINTS = '01900000-0000-7000-8000-000000000012';

// The service's settings, as the environment would give them to it.
const WORKERS = Number(process.env.SLA_SWEEP_WORKERS ?? DEFAULT_JOB_SETTINGS.SLA_SWEEP_WORKERS);
const BATCH = Number(process.env.SLA_SWEEP_BATCH_SIZE ?? DEFAULT_JOB_SETTINGS.SLA_SWEEP_BATCH_SIZE);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * Clocks for every seeded ticket: running ones (due in 1–30 days) while open, completed ones
 * otherwise; and, for every ticket not closed, the timeline those clocks come from (created;
 * a customer-visible call 20 minutes later unless still new; resolved then if resolved), so
 * a clock recomputed by an on-breach action agrees with the seeded one.
 */
async function seedClocks(db: Db): Promise<{ open: number; clocks: number }> {
  const started = Date.now();
  await sql`truncate ticket_sla, sla_breaches, ticket_timeline`.execute(db);
  const v7At = (at: string) =>
    sql.raw(`(lpad(to_hex(floor(extract(epoch from ${at}) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid`);
  await sql`
    insert into ticket_timeline (id, ticket_id, at, entry, action, note_kind, visibility, body, data, actor_kind, actor_role)
    select ${v7At('e.at')}, t.id, e.at, e.entry, e.action, e.note_kind, e.visibility, e.body, '{}', e.actor_kind, e.actor_role
    from tickets t
    cross join lateral (values
      (t.reported_at, 'action', 'created', null, null, null, 'api_key', 'integration', true),
      (t.reported_at + interval '20 minutes', 'note', null, 'call', 'customer', 'Called the customer', 'api_key', 'agent', t.status <> 'new'),
      (t.reported_at + interval '20 minutes 1 second', 'action', 'resolve', null, null, null, 'api_key', 'technician', t.status = 'resolved')
    ) as e(at, entry, action, note_kind, visibility, body, actor_kind, actor_role, present)
    where t.status <> 'closed' and e.present`.execute(db);
  await sql`
    insert into ticket_sla (ticket_id, metric, policy_id, target_minutes, started_at, due_at, warn_at, completed_at, paused, state, business_minutes)
    select t.id, m.metric,
      case when t.priority = 'urgent' then ${URGENT}::uuid when t.type = 'complaint' then ${COMPLAINTS}::uuid else ${STANDARD}::uuid end,
      m.target, t.reported_at,
      case when t.status = 'on_hold' and m.metric = 'resolution' then null
           when m.done then t.reported_at + interval '30 minutes'
           else now() + (1 + abs(hashtext(t.id::text)) % 30) * interval '1 day' end,
      case when t.status = 'on_hold' and m.metric = 'resolution' then null
           when m.done then null
           else now() + (1 + abs(hashtext(t.id::text)) % 30) * interval '1 day' - interval '2 hours' end,
      case when m.done then t.reported_at + interval '20 minutes' end,
      t.status = 'on_hold' and m.metric = 'resolution',
      case when m.done then 'met' when t.status = 'on_hold' and m.metric = 'resolution' then 'paused' else 'running' end,
      -- A stopped clock keeps its business minutes, as the service stores it (none left for the backfill to measure).
      case when m.done then 20 end
    from tickets t
    cross join lateral (values
      ('first_response', 60, t.status <> 'new'),
      ('resolution', 1440, t.status in ('resolved', 'closed')),
      ('follow_up', 4320, t.status = 'closed')
    ) as m(metric, target, done)
    where m.metric <> 'follow_up' or t.status in ('resolved', 'closed')`.execute(db);
  await sql`analyze ticket_sla`.execute(db);
  const { rows } = await sql<{ open: number; clocks: number }>`
    select (select count(*)::int from tickets where status in ('new','assigned','in_progress','on_hold')) as open,
           (select count(*)::int from ticket_sla) as clocks`.execute(db);
  console.log(`  seeded ${rows[0]!.clocks.toLocaleString('en')} clocks (${rows[0]!.open.toLocaleString('en')} open tickets) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return rows[0]!;
}

export async function benchSla(db: Db, url: string, root: string): Promise<Record<string, number>> {
  const log = pino({ level: 'warn' });
  const deps = { db, clock: systemClock, log };
  const out: Record<string, number> = {};
  console.log('\nSLA sweep\n');
  // BENCH_SLA_PARTS (default idle,sweep,recompute,latency): without sweep and recompute, the
  // clocks an earlier run seeded are reused (the idle part first sweeps what is due).
  const parts = new Set((process.env.BENCH_SLA_PARTS ?? 'idle,sweep,recompute,latency').split(','));
  const seeded = (await sql<{ n: number }>`select count(*)::int as n from (select 1 from ticket_sla limit 1) x`.execute(db)).rows[0]!.n > 0;
  if (parts.has('sweep') || parts.has('recompute') || !seeded) await seedClocks(db);
  // As autovacuum keeps a live table: dead rows and statistics settled.
  await sql`vacuum (analyze) ticket_sla`.execute(db);

  // 1. Nothing due: the sweep alone, and the full tick (claim, sweep, run recorded).
  const job = slaSweepJob(DEFAULT_JOB_SETTINGS);
  if (parts.has('idle')) {
    for (let i = 0; i < 20; i++) await sweepSla(deps, { batchSize: 1000 });
    const idle: number[] = [];
    const idleTick: number[] = [];
    for (let i = 0; i < 500; i++) {
      let t0 = performance.now();
      const counts = await sweepSla(deps, { batchSize: 1000 });
      idle.push(performance.now() - t0);
      if (counts.breaches || counts.warnings) throw new Error(`expected nothing due, got ${JSON.stringify(counts)}`);
      t0 = performance.now();
      await runTick(deps, job, new Date(Date.UTC(2030, 0, 1) + i * 1000), 'schedule');
      idleTick.push(performance.now() - t0);
  }
  idle.sort((a, b) => a - b);
  idleTick.sort((a, b) => a - b);
  out.idleP50 = pct(idle, 50);
  out.idleP99 = pct(idle, 99);
  out.idleTickP99 = pct(idleTick, 99);
  console.log(`  idle sweep (nothing due)            p50 ${out.idleP50.toFixed(2)} ms  p99 ${out.idleP99.toFixed(2)} ms   (aim < 5 ms)`);
  console.log(`  idle job tick (claim+sweep+record)  p50 ${pct(idleTick, 50).toFixed(2)} ms  p99 ${out.idleTickP99.toFixed(2)} ms`);
  }

  if (parts.has('sweep')) {
    // 2. 10,000 open tickets' resolution clocks fall due at once: first with on_breach cleared
    //    (recording only), then 10,000 others with the default on_breach actions.
    const makeDue = async (salt: string) =>
      (
        await sql<{ n: number }>`
          with pick as (
            select s.ticket_id from ticket_sla s
            where s.metric = 'resolution' and s.completed_at is null and not s.paused and s.breached_at is null
            order by md5(s.ticket_id::text || ${salt}) limit 10000
          )
          update ticket_sla s set due_at = now() - interval '1 second' * (1 + abs(hashtext(s.ticket_id::text)) % 60), warn_at = now() - interval '2 hours'
          from pick where s.ticket_id = pick.ticket_id and s.metric = 'resolution'
          returning 1`.execute(db)
      ).rows.length;
    const saved = await sql<{ id: string; on_breach: unknown }>`select id, on_breach from sla_policies`.execute(db);
    for (const withActions of [false, true]) {
      if (!withActions) await sql`update sla_policies set on_breach = '{}'`.execute(db);
      else for (const p of saved.rows) await sql`update sla_policies set on_breach = ${JSON.stringify(p.on_breach)} where id = ${p.id}`.execute(db);
      const n = await makeDue(`${Date.now()}`);
      const mix = await sql<{ priority: string; type: string; n: number }>`
        select t.priority, t.type, count(*)::int as n from ticket_sla s join tickets t on t.id = s.ticket_id
        where s.breached_at is null and s.completed_at is null and not s.paused and s.due_at <= now()
        group by 1, 2 order by 3 desc`.execute(db);
      await sql`analyze ticket_sla`.execute(db);
      const t0 = performance.now();
      const counts = await sweepSla(deps, { batchSize: BATCH, workers: WORKERS });
      const ms = performance.now() - t0;
      out[withActions ? 'sweep10kActions' : 'sweep10k'] = ms;
      console.log(
        `  ${n.toLocaleString('en')} newly due, on_breach ${withActions ? 'as seeded (defaults)' : 'cleared'} → one sweep: ${counts.breaches.toLocaleString('en')} breaches in ${ms.toFixed(0)} ms   (aim < 1,000 ms)` +
          `\n    on_breach: ${counts.priority_raised} priorities raised, ${counts.escalated} escalated (and routed); ${counts.batches} batches of up to ${BATCH}, ${WORKERS} workers` +
          `\n    due by priority/type: ${mix.rows.map((r) => `${r.priority}/${r.type} ${r.n}`).join(', ')}`,
      );
  }
  const again = performance.now();
  const second = await sweepSla(deps, { batchSize: 1000 });
  console.log(`  the same sweep again: ${second.breaches} breaches in ${(performance.now() - again).toFixed(1)} ms`);

  }
  if (parts.has('recompute')) {
    // 3. A holiday added to the business calendar: every open ticket's clocks recomputed.
    await sql`update calendars set holidays = array_append(holidays, '2030-01-02'), version = version + 1 where id = '01900000-0000-7000-8000-000000000001'`.execute(db);
    await sql`update sla_recompute set requested_at = clock_timestamp() where id = 1`.execute(db);
    const r0 = performance.now();
    const recomputed = await recomputeSla(deps);
    out.recomputeMs = performance.now() - r0;
    console.log(`  sla-recompute after a calendar change: ${recomputed.tickets_recomputed.toLocaleString('en')} tickets in ${(out.recomputeMs / 1000).toFixed(1)} s`);

  }
  // 4. Latency with the production schedule, in a real service process with its scheduler on.
  if (process.env.BENCH_SLA_LATENCY === '0' || !parts.has('latency')) return out;
  const service = await startService(root, { DATABASE_URL: url, BOOTSTRAP_API_KEY: `ak_bench_${'x'.repeat(40)}`, CRON_ENABLED: 'true' });
  try {
    const WINDOW_S = 60;
    const marked = await sql<{ ticket_id: string }>`
      with pick as (
        select s.ticket_id from ticket_sla s
        where s.metric = 'first_response' and s.completed_at is null and not s.paused and s.breached_at is null
        order by hashtext(s.ticket_id::text) limit 2000
      )
      update ticket_sla s set due_at = now() + interval '5 seconds' + interval '1 millisecond' * (abs(hashtext(s.ticket_id::text || 'x')) % ${WINDOW_S * 1000}),
        warn_at = now() + interval '1 hour'
      from pick where s.ticket_id = pick.ticket_id and s.metric = 'first_response'
      returning s.ticket_id`.execute(db);
    const ids = marked.rows.map((r) => r.ticket_id);
    console.log(`  latency: ${ids.length.toLocaleString('en')} clocks falling due over ${WINDOW_S} s, schedule ${DEFAULT_JOB_SETTINGS.SLA_SWEEP_SCHEDULE} ...`);
    await new Promise((r) => setTimeout(r, (WINDOW_S + 20) * 1000));
    const { rows } = await sql<{ ms: number }>`
      select extract(epoch from (recorded_at - at)) * 1000 as ms from sla_breaches
      where kind = 'breach' and metric = 'first_response' and ticket_id = any(${ids}::uuid[])`.execute(db);
    const lat = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
    out.latencyP50 = pct(lat, 50);
    out.latencyP99 = pct(lat, 99);
    out.latencyMax = lat.at(-1) ?? NaN;
    console.log(
      `  breach latency (due → recorded), ${lat.length}/${ids.length} recorded: p50 ${(out.latencyP50 / 1000).toFixed(2)} s  p99 ${(out.latencyP99 / 1000).toFixed(2)} s  max ${(out.latencyMax / 1000).toFixed(2)} s   (aim p99 < 10 s)`,
    );
  } finally {
    await service.stop();
  }
  return out;
}
