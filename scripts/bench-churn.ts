// Surveys and churn (part of `npm run bench`; alone with BENCH_ONLY=churn), on the seeded
// customers and tickets:
//   1. 300,000 answered surveys (one in five negative-ish) and 50,000 SLA breaches are added;
//   2. the churn scan over every customer, run by a service process through
//      POST /v1/jobs/churn-scan/run, with that process's RSS sampled while it runs;
//   3. public survey answers (BENCH_LOW_EVERY: one in N low, default 10): 20,000 open surveys answered through
//      POST /v1/public/surveys/{token}/response, and the public GET of a survey.
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { v7 } from 'uuid';
import type { Db } from '../src/db/types.ts';
import { hashToken } from '../src/modules/surveys/surveys.service.ts';
import { rssMb, startService } from './bench-service.ts';

const SURVEYS = Number(process.env.BENCH_SURVEYS ?? 300_000);
const OPEN_SURVEYS = 20_000;
/** One public answer in this many is low (opens a service-recovery ticket); 0: none. */
const LOW_EVERY = Number(process.env.BENCH_LOW_EVERY ?? 10);

async function seedSurveysAndBreaches(db: Db) {
  const started = Date.now();
  await sql`truncate surveys, churn_scores`.execute(db);
  await sql`update customers set churn_risk = null, status = 'active' where status <> 'erased'`.execute(db);
  // Answers spread over the last 180 days (the latest a day ago), on resolved and closed tickets.
  await sql`
    insert into surveys (id, ticket_id, customer_id, technician_id, status, trigger, token_hash, created_at, expires_at, answered_at, csat, nps, updated_at)
    select gen_random_uuid(), t.id, t.customer_id, t.technician_id, 'answered', 'resolved', sha256(t.id::text::bytea),
      a.at, a.at + interval '14 days', a.at + interval '1 day',
      case when abs(hashtext(t.id::text)) % 5 = 0 then 1 + abs(hashtext(t.id::text || 'c')) % 3 else 4 + abs(hashtext(t.id::text || 'c')) % 2 end,
      abs(hashtext(t.id::text || 'n')) % 11, a.at + interval '1 day'
    from (select id, customer_id, technician_id from tickets where status in ('resolved','closed') order by id limit ${SURVEYS}) t
    cross join lateral (select now() - interval '2 days' - interval '1 minute' * (abs(hashtext(t.id::text || 'd')) % (178 * 1440)) as at) a`.execute(db);
  const breaches = await sql<{ n: number }>`select count(*)::int as n from sla_breaches where kind = 'breach'`.execute(db);
  if (breaches.rows[0]!.n < 50_000) {
    await sql`
      insert into sla_breaches (id, ticket_id, metric, kind, at, recorded_at, policy_id, target_minutes, customer_id, technician_id, priority, tier)
      select gen_random_uuid(), t.id, 'first_response', 'breach', now() - interval '1 hour' * (1 + abs(hashtext(t.id::text)) % 4000),
        now() - interval '1 hour' * (1 + abs(hashtext(t.id::text)) % 4000) + interval '1 minute',
        '01900000-0000-7000-8000-000000000013', 60, t.customer_id, t.technician_id, t.priority, t.tier
      from tickets t order by md5(t.id::text) limit 50000
      on conflict do nothing`.execute(db);
  }
  await sql`analyze surveys`.execute(db);
  await sql`analyze sla_breaches`.execute(db);
  console.log(`  seeded ${SURVEYS.toLocaleString('en')} answered surveys and SLA breaches in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export async function benchChurn(db: Db, url: string, root: string, seconds: number, connections: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  console.log('\nSurveys and churn\n');
  await seedSurveysAndBreaches(db);
  const secret = `ak_bench_${randomBytes(24).toString('base64url')}`;
  const service = await startService(root, { DATABASE_URL: url, BOOTSTRAP_API_KEY: secret, CRON_ENABLED: 'false', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000000', RATE_LIMIT_PER_MINUTE: '100000000' });
  try {
    const auth = { authorization: `Bearer ${secret}` };
    // 2. The scan, twice: the first scores everyone afresh (as after a model change), the
    //    second only the customers whose signals may have moved since (issue 19).
    await sql`update churn_model set scanned_at = null, scanned_version = null`.execute(db);
    out.customers = (await sql<{ n: number }>`select count(*)::int as n from customers where status <> 'erased'`.execute(db)).rows[0]!.n;
    for (const pass of ['first', 'second'] as const) {
      const before = rssMb(service.child.pid!);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(service.child.pid!))), 250);
      const t0 = performance.now();
      const res = await fetch(`${service.url}/v1/jobs/churn-scan/run`, { method: 'POST', headers: auth });
      const wall = performance.now() - t0;
      clearInterval(sampler);
      const run = (await res.json()) as { status: string; duration_ms: number; counts: Record<string, number> };
      if (run.status !== 'succeeded') throw new Error(`churn scan: ${JSON.stringify(run)}`);
      out[`scan_${pass}_ms`] = run.duration_ms;
      out[`scanned_${pass}`] = run.counts.customers_scored ?? 0;
      out[`scan_${pass}_rss_peak`] = peak;
      console.log(
        `  churn scan (${pass}): ${run.counts.customers_scored?.toLocaleString('en')} of ${out.customers!.toLocaleString('en')} customers scored in ${(run.duration_ms / 1000).toFixed(1)} s (wall ${(wall / 1000).toFixed(1)} s)   (aim < 30 s)` +
          `\n    changed ${run.counts.changed}, level changed ${run.counts.level_changed}, entered high ${run.counts.entered_high}, retention tickets ${run.counts.care_tickets_opened}` +
          `\n    service RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB during`,
      );
    }
    const levels = await sql<{ level: string | null; n: number }>`select churn_risk_level as level, count(*)::int as n from customers group by 1 order by 1`.execute(db);
    console.log(`    levels: ${levels.rows.map((r) => `${r.level ?? 'unscored'} ${r.n}`).join(', ')}`);

    // 3. Public answers: open surveys with tokens known here, each answered once.
    const tickets = await sql<{ id: string; customer_id: string }>`
      select t.id, t.customer_id from tickets t where t.status in ('resolved','closed') and not exists (select 1 from surveys s where s.ticket_id = t.id and s.status = 'open')
      order by md5(t.id::text) limit ${OPEN_SURVEYS}`.execute(db);
    const tokens = tickets.rows.map(() => `sv_${randomBytes(32).toString('base64url')}`);
    const now = new Date();
    await sql`
      insert into surveys (id, ticket_id, customer_id, status, trigger, token_hash, created_at, expires_at, updated_at)
      select x.id, x.ticket_id, x.customer_id, 'open', 'manual', decode(x.hash, 'hex'), ${now}, ${new Date(now.getTime() + 14 * 86_400_000)}, ${now}
      from jsonb_to_recordset(${JSON.stringify(tickets.rows.map((t, i) => ({ id: v7(), ticket_id: t.id, customer_id: t.customer_id, hash: hashToken(tokens[i]!).toString('hex') })))}::jsonb)
        as x(id uuid, ticket_id uuid, customer_id uuid, hash text)`.execute(db);
    let g = 0;
    const get = await autocannon({
      url: service.url,
      connections,
      duration: Math.min(seconds, 10),
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/v1/public/surveys/${tokens[g++ % tokens.length]}` }) }],
    });
    let a = 0;
    const answer = await autocannon({
      url: service.url,
      connections,
      amount: tokens.length,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => {
            const i = a++;
            return { ...req, path: `/v1/public/surveys/${tokens[i]}/response`, body: JSON.stringify({ csat: LOW_EVERY && i % LOW_EVERY === 0 ? 2 : 5, nps: 9, comment: 'Bench answer' }) };
          },
        },
      ],
    });
    out.publicGetRps = get.requests.average;
    out.answerRps = answer.requests.average;
    console.log(`  GET /v1/public/surveys/{token}            ${get.requests.average.toFixed(0).padStart(6)} req/s  p50 ${get.latency.p50} ms  p99 ${get.latency.p99} ms  (non-2xx ${get.non2xx})`);
    console.log(
      `  POST /v1/public/surveys/{token}/response  ${answer.requests.average.toFixed(0).padStart(6)} req/s  p50 ${answer.latency.p50} ms  p99 ${answer.latency.p99} ms  ` +
        `(${tokens.length.toLocaleString('en')} answers, ${LOW_EVERY ? `one in ${LOW_EVERY} low → service recovery` : 'none low'}; non-2xx ${answer.non2xx})`,
    );
  } finally {
    await service.stop();
  }
  return out;
}
