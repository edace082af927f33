// Reports and the knowledge base (part of `npm run bench`; alone with BENCH_ONLY=reports):
//   1. a year of BENCH_REPORT_TICKETS (default 1,000,000) tickets in 2025 with their clocks,
//      surveys, visits and quality reviews, seeded once (kept with BENCH_REUSE=1);
//   2. GET /v1/reports/kpis for the year by technician and by week (JSON and CSV), and an
//      appraisal card, timed one request at a time (the report is one user's question, not a
//      load), with EXPLAIN (ANALYZE) of each cohort query naming the indexes it used;
//   3. article search and suggestions under load, over 5,000 articles.
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../src/db/types.ts';
import { answeredCohortQuery, createdCohortQuery, resolvedCohortQuery, reviewedCohortQuery, type ReportScope } from '../src/modules/reports/reports.repository.ts';
import { startService } from './bench-service.ts';

const TICKETS = Number(process.env.BENCH_REPORT_TICKETS ?? 1_000_000);
const BATCH = 100_000;
const TECHNICIANS = 200;
const ARTICLES = 5_000;
const YEAR = { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };

async function seedYear(db: Db) {
  const have = (await sql<{ n: number }>`select count(*)::int as n from tickets where number like 'RPT-%'`.execute(db)).rows[0]!.n;
  if (have >= TICKETS) {
    console.log(`  reusing ${have.toLocaleString('en')} report tickets`);
    return;
  }
  const started = Date.now();
  await sql`insert into technicians (id, name, tier, regions, skills, max_open_tickets, created_at, updated_at)
    select gen_random_uuid(), 'Report technician ' || i, 1 + i % 2, array['rp' || (i % 10)], array['cat1'], 10000, now(), now()
    from generate_series(1, ${TECHNICIANS}::int) i
    where not exists (select 1 from technicians where name like 'Report technician %')`.execute(db);
  await sql`insert into qa_scorecards (id, name, criteria, pass_score, sample_percent, min_per_technician, created_at, updated_at)
    select gen_random_uuid(), 'Bench', '[{"key":"all","name":"All","weight":100,"description":null}]', 80, 2, 1, now(), now()
    where not exists (select 1 from qa_scorecards)`.execute(db);
  const policy = (await sql<{ id: string }>`select id from sla_policies order by position limit 1`.execute(db)).rows[0]!.id;
  // An interrupted seeding resumes at its last whole batch: what the unfinished one wrote goes first.
  const resume = Math.floor(have / BATCH) * BATCH;
  const partial = sql`(select id from tickets where number like 'RPT-%' and substr(number, 5)::int > ${resume})`;
  await db.transaction().execute(async (tx) => {
    // Completed visits and scored reviews refuse deletion by trigger: bypassed for this cleanup only.
    await sql`set local session_replication_role = replica`.execute(tx);
    for (const table of ['ticket_sla', 'surveys', 'visits', 'qa_reviews'] as const) {
      await sql`delete from ${sql.table(table)} where ticket_id in ${partial}`.execute(tx);
    }
    await sql`delete from tickets where id in ${partial}`.execute(tx);
  });
  for (let done = resume; done < TICKETS; done += BATCH) {
    const n = Math.min(BATCH, TICKETS - done);
    // Spread over 2025; 90% resolved (most closed), a twentieth reopened once.
    await sql`
      with c as (select array_agg(id) as ids from (select id from customers order by id limit 20000) x),
      tech as (select array_agg(id order by name) as ids from technicians where name like 'Report technician %')
      insert into tickets (id, number, customer_id, type, channel, priority, category, subject, description, region, reported_at, status, tier,
        technician_id, resolved_at, reopen_count, created_at, updated_at)
      select gen_random_uuid(), 'RPT-' || i, c.ids[1 + i % cardinality(c.ids)],
        case when i % 40 = 0 then 'complaint' else 'repair' end,
        (array['phone','email','web','app','chat','on_site'])[1 + i % 6],
        case when i % 20 = 0 then 'urgent' when i % 5 = 0 then 'high' else 'normal' end,
        'cat' || (i % 20), 'Report ticket', '', 'rp' || (i % 10), at, s.status, 1 + (i % ${TECHNICIANS}) % 2,
        tech.ids[1 + i % ${TECHNICIANS}],
        case when s.status in ('resolved','closed') then at + ((i::bigint * 7919) % 4320) * interval '1 minute' end,
        case when i % 20 = 0 then 1 else 0 end, at, at
      from generate_series(${done + 1}::int, ${done + n}::int) i, c, tech,
        lateral (select timestamptz '2025-01-01' + (i::float8 / ${TICKETS}) * interval '365 days' as at) t,
        lateral (select case when i % 10 = 0 then 'in_progress' when i % 10 = 1 then 'resolved' else 'closed' end as status) s`.execute(db);
    const range = sql`t.number in (select 'RPT-' || g from generate_series(${done + 1}::int, ${done + n}::int) g)`;
    const rows = sql`(select t.*, substr(t.number, 5)::int as i from tickets t where ${range}) t`;
    await sql`insert into ticket_sla (ticket_id, metric, policy_id, target_minutes, started_at, due_at, completed_at, paused, state, business_minutes)
      select t.id, 'first_response', ${policy}::uuid, 60, t.reported_at, t.reported_at + interval '1 hour', t.reported_at + (5 + i % 90) * interval '1 minute', false,
        case when 5 + i % 90 <= 60 then 'met' else 'breached' end, 5 + i % 90
      from ${rows}
      union all
      select t.id, 'resolution', ${policy}::uuid, 1440, t.reported_at, t.reported_at + interval '1 day', t.resolved_at, false,
        case when (i::bigint * 7919) % 4320 <= 1440 then 'met' else 'breached' end, (i::bigint * 7919) % 4320
      from ${rows} where t.resolved_at is not null
      union all
      select t.id, 'follow_up', ${policy}::uuid, 4320, t.resolved_at, t.resolved_at + interval '3 days',
        case when i % 10 <> 3 then t.resolved_at + interval '1 day' end, false, case when i % 10 <> 3 then 'met' else 'running' end,
        case when i % 10 <> 3 then 540 end
      from ${rows} where t.resolved_at is not null`.execute(db);
    await sql`insert into surveys (id, ticket_id, customer_id, technician_id, status, trigger, token_hash, created_at, expires_at, answered_at, csat, nps, updated_at)
      select gen_random_uuid(), t.id, t.customer_id, t.technician_id, 'answered', 'resolved', sha256(t.id::text::bytea), t.resolved_at, t.resolved_at + interval '14 days',
        t.resolved_at + interval '1 day', 1 + i % 5, i % 11, t.resolved_at
      from ${rows} where t.resolved_at is not null and i % 3 = 0`.execute(db);
    await sql`insert into visits (id, ticket_id, customer_id, technician_id, status, window_start, window_end, holds_until, outside_hours, checked_in_at, completed_at, created_at, updated_at)
      select gen_random_uuid(), t.id, t.customer_id, t.technician_id, 'completed', t.reported_at + v * interval '2 hours', t.reported_at + v * interval '2 hours' + interval '1 hour',
        t.reported_at + v * interval '2 hours' + interval '1 hour', false, t.reported_at + v * interval '2 hours', t.reported_at + v * interval '2 hours' + interval '1 hour', t.reported_at, t.reported_at
      from ${rows} cross join generate_series(1, case when i % 20 = 7 then 2 when i % 5 = 2 then 1 else 0 end) v
      where t.resolved_at is not null`.execute(db);
    await sql`insert into qa_reviews (id, ticket_id, technician_id, scorecard_id, week_start, state, scores, score, passed, reviewed_at, created_at, updated_at)
      select gen_random_uuid(), t.id, t.technician_id, (select id from qa_scorecards order by id desc limit 1), date_trunc('week', t.resolved_at)::date, 'done',
        '{"all":4}', 60 + i % 41, 60 + i % 41 >= 80, t.resolved_at + interval '2 days', t.resolved_at, t.resolved_at
      from ${rows} where t.resolved_at is not null and i % 50 = 5`.execute(db);
    console.log(`  seeded ${(done + n).toLocaleString('en')} report tickets (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  // The tickets still being worked occupy their technicians, as the service counts them (the
  // SLA part's escalations free those places again and must find them counted).
  await sql`
    update technicians t set open_tickets = c.n
    from (select technician_id, count(*)::int as n from tickets where status in ('assigned', 'in_progress', 'on_hold') and technician_id is not null group by technician_id) c
    where c.technician_id = t.id and t.name like 'Report technician %'`.execute(db);
  await sql`analyze`.execute(db);
  console.log(`  seeded a year of ${TICKETS.toLocaleString('en')} tickets in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function seedArticles(db: Db) {
  const have = (await sql<{ n: number }>`select count(*)::int as n from articles`.execute(db)).rows[0]!.n;
  if (have >= ARTICLES) return;
  const faults = ['不制冷', '漏水', '指纹识别失败', '异响', '无法开机', '显示屏花屏', 'not cooling', 'leaking water', 'grinding noise', 'will not power on'];
  await sql`insert into articles (id, title, body, product_category, symptoms, fix_steps, tags, status, published_at, created_at, updated_at)
    select gen_random_uuid(), (${faults}::text[])[1 + i % 10] || ' 故障排查 ' || i,
      '检查电源、传感器与控制板；必要时更换部件。Check power, sensors and the control board; replace parts if needed. 编号 ' || i,
      'cat' || (i % 20), array[(${faults}::text[])[1 + i % 10], (${faults}::text[])[1 + (i / 10) % 10] || ' ' || i % 7], array['断电检查', '更换部件'],
      array['tag' || (i % 10)], case when i % 20 = 0 then 'draft' else 'published' end, now(), now(), now()
    from generate_series(1, ${ARTICLES}::int) i`.execute(db);
  await sql`analyze articles`.execute(db);
}

async function timed(name: string, url: string, headers: Record<string, string>, runs = 5) {
  await fetch(url, { headers }).then((r) => r.arrayBuffer());
  const ms: number[] = [];
  let bytes = 0;
  let status = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    bytes = (await res.arrayBuffer()).byteLength;
    status = res.status;
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`  ${name.padEnd(46)} median ${ms[Math.floor(runs / 2)]!.toFixed(0).padStart(5)} ms  min ${ms[0]!.toFixed(0).padStart(5)} ms  max ${ms.at(-1)!.toFixed(0).padStart(5)} ms  (${status}, ${(bytes / 1024).toFixed(1)} KB)`);
  return ms[Math.floor(runs / 2)]!;
}

/** EXPLAIN (ANALYZE, BUFFERS) of a cohort query: its time and the indexes (and sequential scans) it used. */
async function explain(db: Db, name: string, query: RawBuilder<unknown>) {
  const c = query.compile(db);
  const res = await db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode; 'Execution Time': number }[] }>({ ...c, sql: `explain (analyze, buffers, format json) ${c.sql}` });
  const plan = res.rows[0]!['QUERY PLAN'][0]!;
  const used = new Set<string>();
  const walk = (n: PlanNode) => {
    if (n['Index Name']) used.add(`${n['Node Type']} ${n['Index Name']}`);
    if (n['Node Type'].includes('Seq Scan')) used.add(`${n['Node Type']} ${n['Relation Name']}`);
    for (const child of n.Plans ?? []) walk(child);
  };
  walk(plan.Plan);
  console.log(`  EXPLAIN ${name.padEnd(30)} ${plan['Execution Time'].toFixed(0).padStart(6)} ms  ${[...used].join(', ')}`);
}
interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

async function load(name: string, opts: autocannon.Options, seconds: number, connections: number) {
  const r = await autocannon({ connections, duration: seconds, ...opts });
  console.log(`  ${name.padEnd(46)} ${r.requests.average.toFixed(0).padStart(7)} req/s  p50 ${String(r.latency.p50).padStart(4)} ms  p99 ${String(r.latency.p99).padStart(4)} ms${r.non2xx ? `  (non-2xx ${r.non2xx})` : ''}`);
  return r.requests.average;
}

export async function benchReports(db: Db, url: string, root: string, seconds: number, connections: number): Promise<Record<string, number>> {
  console.log('\nReports and the knowledge base\n');
  await seedYear(db);
  await seedArticles(db);
  const tech = (await sql<{ id: string }>`select id from technicians where name = 'Report technician 1'`.execute(db)).rows[0]!.id;
  const ticket = (await sql<{ id: string }>`select id from tickets where number like 'RPT-%' and category = 'cat3' limit 1`.execute(db)).rows[0]!.id;
  await sql`update tickets set subject = '冰箱不制冷', description = '客户说冰箱不制冷，还有异响' where id = ${ticket}`.execute(db);

  const scope = (groupBy: ReportScope['groupBy']): ReportScope => ({ from: new Date(YEAR.from), to: new Date(YEAR.to), tz: 'Asia/Shanghai', groupBy, now: new Date() });
  await explain(db, 'created, year by technician', createdCohortQuery(scope('technician')));
  await explain(db, 'resolved, year by technician', resolvedCohortQuery(scope('technician')));
  await explain(db, 'answered, year by week', answeredCohortQuery(scope('week')));
  await explain(db, 'reviewed, year by week', reviewedCohortQuery(scope('week')));
  await explain(db, 'created, one team for a year', createdCohortQuery({ ...scope('technician'), technicianIds: [tech] }));

  const secret = `ak_bench_${randomBytes(24).toString('base64url')}`;
  const service = await startService(root, { DATABASE_URL: url, BOOTSTRAP_API_KEY: secret, CRON_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '100000000' });
  const out: Record<string, number> = {};
  try {
    const auth = { authorization: `Bearer ${secret}` };
    const period = `from=${YEAR.from}&to=${YEAR.to}`;
    out.yearByTechnician = await timed('KPIs, a year by technician (JSON)', `${service.url}/v1/reports/kpis?${period}&group_by=technician`, auth);
    out.yearByWeek = await timed('KPIs, a year by week (JSON)', `${service.url}/v1/reports/kpis?${period}&group_by=week`, auth);
    out.yearCsv = await timed('KPIs, a year by technician (CSV)', `${service.url}/v1/reports/kpis?${period}&group_by=technician`, { ...auth, accept: 'text/csv' });
    out.monthByDay = await timed('KPIs, a month by day', `${service.url}/v1/reports/kpis?from=2025-06-01T00:00:00Z&to=2025-07-01T00:00:00Z&group_by=day`, auth);
    out.appraisalYear = await timed('appraisal card, a year', `${service.url}/v1/reports/technicians/${tech}?${period}`, auth);
    out.appraisalMonth = await timed('appraisal card, a month', `${service.url}/v1/reports/technicians/${tech}?from=2025-06-01T00:00:00Z&to=2025-07-01T00:00:00Z`, auth);
    const headers = auth;
    out.listArticles = await load('GET /v1/articles (page 1, no q)', { url: `${service.url}/v1/articles?limit=20`, headers }, seconds, connections);
    out.searchCjk = await load(`GET /v1/articles?q=不制冷 (${ARTICLES.toLocaleString('en')} articles)`, { url: `${service.url}/v1/articles?q=${encodeURIComponent('不制冷')}&limit=20`, headers }, seconds, connections);
    out.searchLatin = await load('GET /v1/articles?q=cool (inside words)', { url: `${service.url}/v1/articles?q=cool&limit=20`, headers }, seconds, connections);
    out.suggest = await load('GET /v1/tickets/{id}/suggested-articles', { url: `${service.url}/v1/tickets/${ticket}/suggested-articles`, headers }, seconds, connections);
    console.log(`  search (q=不制冷) / plain page of articles        ${(out.searchCjk / out.listArticles).toFixed(2)}`);
  } finally {
    await service.stop();
  }
  return out;
}
