import { sql, type Compilable, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.ts';
import type { Keyset } from '../../src/db/pagination.ts';
import { apiKeyListQuery } from '../../src/modules/api-keys/api-keys.repository.ts';
import { assetListQuery } from '../../src/modules/assets/assets.repository.ts';
import { auditListQuery } from '../../src/modules/audit/audit.repository.ts';
import { customerListQuery } from '../../src/modules/customers/customers.repository.ts';
import { technicianListQuery } from '../../src/modules/technicians/technicians.repository.ts';
import { ticketListQuery } from '../../src/modules/tickets/tickets.repository.ts';
import { slaBreachListQuery } from '../../src/modules/sla/sla-breaches.repository.ts';
import { surveyListQuery } from '../../src/modules/surveys/surveys.repository.ts';
import { followUpWorklistQuery } from '../../src/modules/sla/follow-ups.repository.ts';
import { partListQuery } from '../../src/modules/parts/parts.repository.ts';
import { visitChangesQuery, visitScheduleQuery } from '../../src/modules/visits/visits.repository.ts';
import { deliveryListQuery } from '../../src/modules/webhooks/webhooks.repository.ts';
import { answeredCohortQuery, createdCohortQuery, resolvedCohortQuery, reviewedCohortQuery, type GroupBy, type ReportScope } from '../../src/modules/reports/reports.repository.ts';
import { reviewListQuery } from '../../src/modules/qa/qa.repository.ts';
import { articleListQuery, searchArticlesQuery, searchWords, suggestQuery, ticketTerms } from '../../src/modules/articles/articles.repository.ts';
import { auditQuery, eventsQuery } from '../../src/modules/customer-export/customer-export.repository.ts';
import { createTestDatabase } from '../helpers/app.ts';

let d: Database;
const page: Keyset = { mode: 'id', limit: 50 };
const deep: Keyset = { mode: 'id', limit: 50, after: { id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' } };
const sync: Keyset = { mode: 'updated', limit: 50, since: new Date('2026-03-01T23:00:00Z') };

beforeAll(async () => {
  const { url } = await createTestDatabase();
  d = createDatabase(url, { poolSize: 1 });
  // Enough rows, spread like a real book of customers, for the planner to prefer indexes.
  await sql`insert into customers (id, name, kind, phone, email, region, tier, status, churn_risk, created_at, updated_at)
    select gen_random_uuid(), 'Customer ' || i || case when i % 1000 = 0 then ' 张伟' else '' end, 'person',
      '138' || lpad(i::text, 8, '0'), 'c' || i || '@example.com', 'r' || (i % 40),
      case when i % 50 = 0 then 'vip' when i % 10 = 0 then 'key' else 'standard' end,
      case when i % 97 = 0 then 'at_risk' else 'active' end,
      case when i % 89 = 0 then '{"score":80,"level":"high","factors":[],"scored_at":"2026-01-01T00:00:00Z"}'::jsonb end,
      timestamptz '2026-01-01' + i * interval '1 minute', timestamptz '2026-01-01' + i * interval '1 minute'
    from generate_series(1, 60000) i`.execute(d.db);
  await sql`insert into assets (id, customer_id, product_model, category, serial_number, created_at, updated_at)
    select gen_random_uuid(), id, 'Model', case when abs(hashtext(id::text)) % 500 = 0 then 'rare' else 'cat' || (abs(hashtext(id::text)) % 30) end, 'SN' || row_number() over (), created_at, updated_at from customers`.execute(d.db);
  await sql`insert into audit_log (id, occurred_at, actor_kind, actor_id, actor_role, action, resource_type, resource_id)
    select gen_random_uuid(), created_at, 'api_key', case when status = 'at_risk' then '01a20c20-bb81-70a7-8e07-0eb4f830d29b'::uuid else gen_random_uuid() end, 'agent', 'created',
      case when tier = 'key' then 'asset' else 'customer' end, id from customers`.execute(d.db);
  await sql`insert into api_keys (id, name, role, prefix, secret_hash, created_at, updated_at)
    select gen_random_uuid(), 'key ' || i, 'agent', 'ak_' || i, sha256(i::text::bytea), timestamptz '2026-01-01' + i * interval '1 hour', timestamptz '2026-01-01' + i * interval '1 hour'
    from generate_series(1, 5000) i`.execute(d.db);
  await sql`insert into technicians (id, name, tier, regions, skills, max_open_tickets, active, created_at, updated_at)
    select gen_random_uuid(), 'Tech ' || i, 1 + i % 3, case when i % 500 = 0 then array['rare-region'] else array['r' || (i % 40)] end, case when i % 700 = 0 then array['rare-skill'] else array['cat' || (i % 30)] end, 10, i % 50 <> 0,
      timestamptz '2026-01-01' + i * interval '1 hour', timestamptz '2026-01-01' + i * interval '1 hour'
    from generate_series(1, 20000) i`.execute(d.db);
  await sql`insert into tickets (id, number, customer_id, type, channel, priority, category, subject, description, region, reported_at, status, tier, technician_id, hold_reason, complaint_major, created_at, updated_at)
    select gen_random_uuid(), 'SR-' || i, c.id,
      case when i % 97 = 0 or i % 997 = 0 then 'complaint' else 'repair' end, 'phone',
      case when i % 53 = 0 then 'urgent' else 'normal' end,
      case when i % 400 = 0 then 'rare-cat' else 'cat' || (i % 20) end,
      case when i % 1000 = 0 then '冰箱不制冷 fridge' else 'Ticket ' || i end, 'desc',
      case when i % 300 = 0 then 'rare-region' else 'r' || (i % 40) end,
      timestamptz '2026-01-01' + i * interval '1 minute',
      case when i % 89 = 0 then 'on_hold' when i % 3 = 0 then 'closed' when i % 31 = 0 then 'new' else 'resolved' end,
      case when i % 211 = 0 then 3 else 1 end,
      case when i % 89 <> 0 and i % 3 <> 0 and i % 31 = 0 then null else tech.id end,
      case when i % 89 = 0 then 'waiting_parts' end,
      i % 997 = 0,
      timestamptz '2026-01-01' + i * interval '1 minute', timestamptz '2026-01-01' + i * interval '1 minute'
    from generate_series(1, 60000) i
    cross join lateral (select id from customers where name = 'Customer ' || (1 + i % 60000)) c
    cross join lateral (select id from technicians where name = 'Tech ' || (1 + i % 20000)) tech`.execute(d.db);
  // Clocks: most met long ago, some running, a few breached or warned.
  await sql`insert into ticket_sla (ticket_id, metric, policy_id, target_minutes, started_at, due_at, warn_at, completed_at, paused, state, warned_at, breached_at)
    select t.id, m.metric, '01900000-0000-7000-8000-000000000013', 60, t.reported_at, t.reported_at + interval '1 hour',
      case when t.status not in ('resolved','closed') then t.reported_at + interval '48 minutes' end,
      case when t.status in ('resolved','closed') then t.reported_at + interval '30 minutes' end, t.status = 'on_hold',
      case when t.status in ('resolved','closed') then 'met' when t.status = 'on_hold' then 'paused' when n % 7 = 0 then 'breached' else 'running' end,
      null, case when t.status not in ('resolved','closed','on_hold') and n % 7 = 0 then t.reported_at + interval '1 hour' end
    from (select id, reported_at, status, row_number() over (order by id) as n from tickets) t
    cross join (values ('first_response'), ('resolution')) as m(metric)`.execute(d.db);
  await sql`insert into sla_breaches (id, ticket_id, metric, kind, at, recorded_at, policy_id, target_minutes, customer_id, technician_id, priority, tier)
    select gen_random_uuid(), t.id, m.metric, case when abs(hashtext(t.id::text)) % 10 = 0 then 'warning' else 'breach' end,
      t.reported_at + interval '1 hour', t.reported_at + interval '1 hour 2 seconds',
      case when abs(hashtext(t.id::text)) % 300 = 0 then '01900000-0000-7000-8000-000000000011'::uuid else '01900000-0000-7000-8000-000000000013'::uuid end,
      60, t.customer_id, t.technician_id, t.priority, t.tier
    from tickets t cross join (values ('first_response'), ('resolution'), ('follow_up')) as m(metric)`.execute(d.db);
  await sql`insert into surveys (id, ticket_id, customer_id, technician_id, status, trigger, token_hash, created_at, expires_at, answered_at, csat, updated_at)
    select gen_random_uuid(), t.id, t.customer_id, t.technician_id, case when n % 50 = 0 then 'open' else 'answered' end, 'resolved', sha256(t.id::text::bytea),
      t.created_at, t.created_at + interval '14 days', case when n % 50 = 0 then null else t.created_at + interval '1 day' end,
      case when n % 50 = 0 then null when n % 1000 = 1 then 1 else 5 end, t.created_at
    from (select *, row_number() over (order by id) as n from tickets) t`.execute(d.db);
  await sql`insert into parts (id, sku, name, category, unit_price, currency, stock, reorder_level, active, created_at, updated_at)
    select gen_random_uuid(), 'P-' || i, 'Part ' || i, case when i % 1000 = 0 then 'rare' else 'cat' || (i % 30) end, 1000, 'CNY',
      case when i % 97 = 0 then 1 else 100 end, 5, i % 53 <> 0,
      timestamptz '2026-01-01' + i * interval '1 minute', timestamptz '2026-01-01' + i * interval '1 minute'
    from generate_series(1, 30000) i`.execute(d.db);
  // One visit per ticket, an hour on the day after it was reported: a technician's three
  // tickets lie 20,000 minutes apart, so no two of its visits overlap.
  await sql`insert into visits (id, ticket_id, customer_id, technician_id, status, window_start, window_end, holds_until, outside_hours, created_at, updated_at)
    select gen_random_uuid(), t.id, t.customer_id, t.technician_id,
      case when n % 211 = 0 then 'no_show' when n % 3 = 0 then 'completed' when n % 7 = 0 then 'cancelled' else 'scheduled' end,
      t.reported_at + interval '1 day', t.reported_at + interval '1 day 1 hour', t.reported_at + interval '1 day 1 hour', false, t.created_at, t.created_at
    from (select *, row_number() over (order by id) as n from tickets where technician_id is not null) t`.execute(d.db);
  // Three webhooks with 20,000 deliveries each, most long succeeded.
  await sql`insert into webhooks (id, url, events, secret_enc, outbox_position, active, created_at, updated_at)
    select ('01a20c20-bb81-70a7-8e07-0eb4f830d2' || lpad(i::text, 2, '0'))::uuid, 'https://crm.example.com/' || i, array['*'], decode('00', 'hex'), 0, i <> 3,
      timestamptz '2026-01-01' + i * interval '1 day', timestamptz '2026-01-01' + i * interval '1 day'
    from generate_series(1, 3) i`.execute(d.db);
  await sql`insert into webhook_deliveries (id, webhook_id, event_position, event_type, resource_type, resource_id, status, attempts, next_attempt_at, give_up_at, created_at, updated_at)
    select gen_random_uuid(), ('01a20c20-bb81-70a7-8e07-0eb4f830d2' || lpad((1 + i % 3)::text, 2, '0'))::uuid, i,
      case when i % 500 = 0 then 'visit.no_show' else 'ticket.updated' end, 'ticket', t.id,
      case when i % 997 = 0 then 'dead' when i % 101 = 0 then 'pending' else 'succeeded' end, 1,
      timestamptz '2026-01-01' + i * interval '1 minute', timestamptz '2026-01-02' + i * interval '1 minute',
      timestamptz '2026-01-01' + i * interval '1 minute', timestamptz '2026-01-01' + i * interval '1 minute'
    from generate_series(1, 60000) i
    cross join lateral (select id from tickets where number = 'SR-' || i) t`.execute(d.db);
  await sql`analyze`.execute(d.db);
});
afterAll(async () => d.close());

async function plan(query: Compilable): Promise<string> {
  const compiled = query.compile();
  const res = await d.pool.query(`explain (format json) ${compiled.sql}`, compiled.parameters as unknown[]);
  return JSON.stringify(res.rows[0]['QUERY PLAN']);
}

describe('the follow-up worklist', () => {
  it('walks the partial index of pending follow-ups in due order', async () => {
    await sql`insert into ticket_sla (ticket_id, metric, policy_id, target_minutes, started_at, due_at, completed_at, paused, state)
      select id, 'follow_up', '01900000-0000-7000-8000-000000000013', 4320, reported_at, reported_at + interval '3 days',
        case when status = 'closed' then reported_at + interval '1 day' end, false, case when status = 'closed' then 'met' else 'running' end
      from tickets where status in ('resolved', 'closed') on conflict do nothing`.execute(d.db);
    await sql`analyze ticket_sla`.execute(d.db);
    for (const f of [{ limit: 50 }, { limit: 50, dueBefore: new Date('2026-01-20T00:00:00Z'), after: { s: 'due' as const, t: '2026-01-10T00:00:00Z', id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' } }]) {
      const c = followUpWorklistQuery(f).compile(d.db);
      const res = await d.pool.query(`explain (format json) ${c.sql}`, c.parameters as unknown[]);
      const p = JSON.stringify(res.rows[0]['QUERY PLAN']);
      expect(p, p).toContain('"Index Name":"ticket_sla_follow_ups"');
      // (follow_up_reminders is empty here, and a scan of nothing is the right plan for it.)
      const seqScanned: string[] = [];
      const walk = (n: { 'Node Type': string; 'Relation Name'?: string; Plans?: unknown[] }) => {
        if (n['Node Type'] === 'Seq Scan') seqScanned.push(n['Relation Name']!);
        for (const c of n.Plans ?? []) walk(c as typeof n);
      };
      walk(res.rows[0]['QUERY PLAN'][0].Plan);
      expect(seqScanned.filter((r) => r !== 'follow_up_reminders')).toEqual([]);
    }
  });
});

describe('every list filter has an index the planner uses', () => {
  const cases: [string, () => Compilable, string][] = [
    ['customers: first page', () => customerListQuery(d.db, {}, page), 'customers_pkey'],
    ['customers: deep page', () => customerListQuery(d.db, {}, deep), 'customers_pkey'],
    ['customers: tier', () => customerListQuery(d.db, { tier: 'vip' }, page), 'customers_tier'],
    ['customers: region', () => customerListQuery(d.db, { region: 'r7' }, page), 'customers_region'],
    ['customers: status', () => customerListQuery(d.db, { status: 'at_risk' }, page), 'customers_status'],
    ['customers: churn level', () => customerListQuery(d.db, { churn_risk_level: 'high' }, page), 'customers_churn_level'],
    ['customers: q', () => customerListQuery(d.db, { q: '张伟' }, page), 'customers_search'],
    ['customers: q latin', () => customerListQuery(d.db, { q: 'c12345@' }, page), 'customers_search'],
    ['customers: updated_since', () => customerListQuery(d.db, {}, sync), 'customers_updated'],
    ['assets: serial', () => assetListQuery(d.db, { serial_number: 'SN123' }, page), 'assets_serial'],
    ['assets: customer', () => assetListQuery(d.db, { customer_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'assets_customer'],
    ['assets: category', () => assetListQuery(d.db, { category: 'rare' }, page), 'assets_category'],
    ['assets: updated_since', () => assetListQuery(d.db, {}, sync), 'assets_updated'],
    ['audit: resource type', () => auditListQuery(d.db, { resource_type: 'asset' }, page), 'audit_resource_type'],
    ['audit: resource', () => auditListQuery(d.db, { resource_type: 'customer', resource_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'audit_resource'],
    ['audit: actor', () => auditListQuery(d.db, { actor: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'audit_actor'],
    ['audit: time range', () => auditListQuery(d.db, { from: new Date('2026-01-20T00:00:00Z'), to: new Date('2026-01-20T02:00:00Z') }, page), 'audit_time'],
    ['audit: updated_since', () => auditListQuery(d.db, {}, { mode: 'updated', limit: 50, since: new Date('2026-02-10T00:00:00Z') }), 'audit_time'],
    ['technicians: region', () => technicianListQuery(d.db, { region: 'rare-region' }, page), 'technicians_regions'],
    ['technicians: skill', () => technicianListQuery(d.db, { skill: 'rare-skill' }, page), 'technicians_skills'],
    ['technicians: inactive', () => technicianListQuery(d.db, { active: false }, page), 'technicians_active'],
    ['technicians: updated_since', () => technicianListQuery(d.db, {}, { mode: 'updated', limit: 50, since: new Date('2027-12-01T00:00:00Z') }), 'technicians_updated'],
    ['tickets: status', () => ticketListQuery(d.db, { status: 'on_hold' }, page), 'tickets_status'],
    ['tickets: status + technician', () => ticketListQuery(d.db, { status: 'resolved', technician_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'tickets_technician'],
    ['tickets: customer', () => ticketListQuery(d.db, { customer_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'tickets_customer'],
    ['tickets: priority', () => ticketListQuery(d.db, { priority: 'urgent' }, page), 'tickets_priority'],
    ['tickets: type', () => ticketListQuery(d.db, { type: 'complaint' }, page), 'tickets_type'],
    ['tickets: tier', () => ticketListQuery(d.db, { tier: 3 }, page), 'tickets_tier'],
    ['tickets: region', () => ticketListQuery(d.db, { region: 'rare-region' }, page), 'tickets_region'],
    ['tickets: category', () => ticketListQuery(d.db, { category: 'rare-cat' }, page), 'tickets_category'],
    ['tickets: created range', () => ticketListQuery(d.db, { created_from: '2026-01-10T00:00:00Z', created_to: '2026-01-10T02:00:00Z' }, page), 'tickets_created'],
    ['tickets: major complaints', () => ticketListQuery(d.db, { complaint_major: true }, page), 'tickets_major_complaints'],
    ['tickets: q', () => ticketListQuery(d.db, { q: '制冷' }, page), 'tickets_search'],
    ['tickets: updated_since', () => ticketListQuery(d.db, {}, { mode: 'updated', limit: 50, since: new Date('2026-02-10T00:00:00Z') }), 'tickets_updated'],
    ['tickets: sla_state breached', () => ticketListQuery(d.db, { sla_state: 'breached', now: new Date('2026-02-01T00:00:00Z') }, page), 'ticket_sla_breached'],
    ['tickets: sla_state warning', () => ticketListQuery(d.db, { sla_state: 'warning', now: new Date('2026-02-01T00:00:00Z') }, page), 'ticket_sla_warned'],
    ['tickets: sla_state ok', () => ticketListQuery(d.db, { sla_state: 'ok', now: new Date('2026-02-01T00:00:00Z') }, page), 'ticket_sla_pkey'],
    ['sla breaches: kind', () => slaBreachListQuery(d.db, { kind: 'warning' }, page), 'sla_breaches_kind'],
    ['sla breaches: metric', () => slaBreachListQuery(d.db, { kind: 'breach', metric: 'follow_up' }, page), 'sla_breaches_metric'],
    ['sla breaches: ticket', () => slaBreachListQuery(d.db, { kind: 'breach', ticket_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'sla_breaches_once'],
    ['sla breaches: customer', () => slaBreachListQuery(d.db, { kind: 'breach', customer_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'sla_breaches_customer_at'],
    ['sla breaches: customer warnings', () => slaBreachListQuery(d.db, { kind: 'warning', customer_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'sla_breaches_customer'],
    ['sla breaches: technician', () => slaBreachListQuery(d.db, { kind: 'breach', technician_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'sla_breaches_technician'],
    ['sla breaches: policy', () => slaBreachListQuery(d.db, { kind: 'breach', policy_id: '01900000-0000-7000-8000-000000000011' }, page), 'sla_breaches_policy'],
    ['sla breaches: time range', () => slaBreachListQuery(d.db, { kind: 'breach', from: new Date('2026-01-10T00:00:00Z'), to: new Date('2026-01-10T02:00:00Z') }, page), 'sla_breaches_at'],
    ['sla breaches: updated_since', () => slaBreachListQuery(d.db, { kind: 'breach' }, { mode: 'updated', limit: 50, since: new Date('2026-02-10T00:00:00Z') }), 'sla_breaches_recorded'],
    ['surveys: ticket', () => surveyListQuery(d.db, { ticket_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'surveys_ticket'],
    ['surveys: customer', () => surveyListQuery(d.db, { customer_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'surveys_customer'],
    ['surveys: technician', () => surveyListQuery(d.db, { technician_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, page), 'surveys_technician'],
    ['surveys: open', () => surveyListQuery(d.db, { status: 'open' }, page), 'surveys_status'],
    ['surveys: low csat', () => surveyListQuery(d.db, { csat_max: 1 }, page), 'surveys_csat'],
    ['surveys: created range', () => surveyListQuery(d.db, { created_from: '2026-01-10T00:00:00Z', created_to: '2026-01-10T02:00:00Z' }, page), 'surveys_created'],
    ['surveys: updated_since', () => surveyListQuery(d.db, {}, { mode: 'updated', limit: 50, since: new Date('2026-02-10T00:00:00Z') }), 'surveys_updated'],
    ['api keys: updated_since', () => apiKeyListQuery(d.db, {}, sync), 'api_keys_updated'],
    ['parts: sku', () => partListQuery(d.db, { sku: 'P-123' }, page), 'parts_sku_key'],
    ['parts: category', () => partListQuery(d.db, { category: 'rare' }, page), 'parts_category_idx'],
    ['parts: low stock (the reorder list)', () => partListQuery(d.db, { low_stock: true }, page), 'parts_low_stock_idx'],
    ['parts: inactive', () => partListQuery(d.db, { active: false }, page), 'parts_inactive_idx'],
    ['parts: updated_since', () => partListQuery(d.db, {}, { mode: 'updated', limit: 50, since: new Date('2026-01-20T00:00:00Z') }), 'parts_updated_at_idx'],
    ['visits: a technician\'s day', () => visitScheduleQuery(d.db, { technician_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b', from: '2026-01-10T00:00:00Z', to: '2026-01-11T00:00:00Z' }, { limit: 50 }), 'visits_technician_window_idx'],
    ['visits: ticket', () => visitScheduleQuery(d.db, { ticket_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, { limit: 50 }), 'visits_ticket_idx'],
    ['visits: customer', () => visitScheduleQuery(d.db, { customer_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, { limit: 50 }), 'visits_customer_idx'],
    ['visits: status', () => visitScheduleQuery(d.db, { status: 'no_show' }, { limit: 50 }), 'visits_status_idx'],
    ['visits: from/to', () => visitScheduleQuery(d.db, { from: '2026-01-10T00:00:00Z', to: '2026-01-10T06:00:00Z' }, { limit: 50 }), 'visits_window_idx'],
    ['visits: deep page', () => visitScheduleQuery(d.db, {}, { limit: 50, after: { t: new Date('2026-02-01T00:00:00Z'), id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' } }), 'visits_window_idx'],
    ['visits: updated_since', () => visitChangesQuery(d.db, {}, { mode: 'updated', limit: 50, since: new Date('2026-02-10T00:00:00Z') }), 'visits_updated_at_idx'],
    ['webhook deliveries: the log', () => deliveryListQuery(d.db, '01a20c20-bb81-70a7-8e07-0eb4f830d201', {}, { mode: 'id', limit: 50 }), 'webhook_deliveries_log_idx'],
    ['webhook deliveries: status', () => deliveryListQuery(d.db, '01a20c20-bb81-70a7-8e07-0eb4f830d201', { status: 'dead' }, { mode: 'id', limit: 50 }), 'webhook_deliveries_status_idx'],
    ['webhook deliveries: event type', () => deliveryListQuery(d.db, '01a20c20-bb81-70a7-8e07-0eb4f830d201', { event_type: 'visit.no_show' }, { mode: 'id', limit: 50 }), 'webhook_deliveries_event_type_idx'],
    ['webhook deliveries: resource', () => deliveryListQuery(d.db, '01a20c20-bb81-70a7-8e07-0eb4f830d201', { resource_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, { mode: 'id', limit: 50 }), 'webhook_deliveries_resource_idx'],
  ];
  for (const [name, query, index] of cases) {
    it(name, async () => {
      const p = await plan(query());
      expect(p, p).toContain(`"Index Name":"${index}"`);
      expect(p).not.toContain('"Node Type":"Seq Scan"');
    });
  }
});

describe('reports, quality reviews and the knowledge base use their indexes', () => {
  const T = '01a20c20-bb81-70a7-8e07-0eb4f830d29b';
  let tech: string;
  let ticket: { terms: string[]; category: string };
  beforeAll(async () => {
    // Resolution two hours after report for resolved and closed tickets; one review in twenty of them; 20,000 articles.
    await sql`update tickets set resolved_at = reported_at + interval '2 hours' where status in ('resolved', 'closed')`.execute(d.db);
    await sql`insert into qa_scorecards (id, name, criteria, pass_score, sample_percent, min_per_technician, created_at, updated_at)
      values (${T}, 'QA', '[{"key":"all","name":"All","weight":100,"description":null}]', 80, 10, 1, now(), now())`.execute(d.db);
    await sql`insert into qa_reviews (id, ticket_id, technician_id, scorecard_id, week_start, state, scores, score, passed, reviewed_at, created_at, updated_at)
      select gen_random_uuid(), t.id, t.technician_id, ${T}, date_trunc('week', t.resolved_at)::date,
        case when n % 5 = 0 then 'pending' else 'done' end,
        case when n % 5 = 0 then null else '{"all":4}'::jsonb end, case when n % 5 = 0 then null when n % 97 = 0 then 40 else 80 end,
        case when n % 5 = 0 then null else n % 97 <> 0 end, case when n % 5 = 0 then null else t.resolved_at + interval '1 day' end,
        t.resolved_at, t.resolved_at
      from (select *, row_number() over (order by id) / 20 as n, row_number() over (order by id) % 20 = 0 as sampled
            from tickets where resolved_at is not null and technician_id is not null) t where sampled`.execute(d.db);
    await sql`insert into articles (id, title, body, product_category, symptoms, fix_steps, tags, status, created_at, updated_at)
      select gen_random_uuid(), case when i % 2000 = 0 then '冰箱不制冷 排查' else 'Article ' || i end, 'Body of article ' || i,
        case when i % 1000 = 0 then 'rare-cat' else 'cat' || (i % 20) end,
        case when i % 2000 = 0 then array['不制冷'] else array['symptom ' || (i % 50)] end, array['step'],
        case when i % 1000 = 0 then array['rare-tag'] else array['tag' || (i % 10)] end,
        case when i % 500 = 0 then 'draft' else 'published' end,
        timestamptz '2026-01-01' + i * interval '1 minute', timestamptz '2026-01-01' + i * interval '1 minute'
      from generate_series(1, 20000) i`.execute(d.db);
    await sql`analyze`.execute(d.db);
    const found = (await sql<{ id: string; technician_id: string }>`
      select id, technician_id from tickets where subject like '冰箱不制冷%' and technician_id is not null and category <> 'rare-cat' limit 1`.execute(d.db)).rows[0]!;
    tech = found.technician_id;
    ticket = (await ticketTerms(d.db, found.id))!;
  });

  async function rawPlan(query: RawBuilder<unknown>): Promise<string> {
    const c = query.compile(d.db);
    const res = await d.pool.query(`explain (format json) ${c.sql}`, c.parameters as unknown[]);
    return JSON.stringify(res.rows[0]['QUERY PLAN']);
  }
  const day = (groupBy: GroupBy, technicianIds?: string[]): ReportScope => ({
    from: new Date('2026-01-10T00:00:00Z'),
    to: new Date('2026-01-10T06:00:00Z'),
    tz: 'Asia/Shanghai',
    groupBy,
    now: new Date('2026-03-01T00:00:00Z'),
    ...(technicianIds ? { technicianIds } : {}),
  });
  const month = (technicianIds: string[]): ReportScope => ({ ...day('technician', technicianIds), to: new Date('2026-02-10T00:00:00Z') });
  const rawCases: [string, () => RawBuilder<unknown>, string][] = [
    ['KPIs: tickets created in a period', () => createdCohortQuery(day('week')), 'tickets_created'],
    ['KPIs: tickets resolved in a period', () => resolvedCohortQuery(day('technician')), 'tickets_resolved'],
    ['KPIs: surveys answered in a period', () => answeredCohortQuery(day('region')), 'surveys_answered'],
    ['KPIs: reviews scored in a period', () => reviewedCohortQuery(day('category')), 'qa_reviews_reviewed'],
    ['appraisal: a team\'s tickets created in a month', () => createdCohortQuery(month([tech])), 'tickets_technician_created'],
    ['suggested articles for a ticket', () => suggestQuery(ticket, 10), 'articles_match'],
  ];
  for (const [name, query, index] of rawCases) {
    it(name, async () => {
      const p = await rawPlan(query());
      expect(p, p).toContain(`"Index Name":"${index}"`);
      expect(p, p).not.toMatch(/"Node Type":"Seq Scan","Parent Relationship":"[^"]*","Parallel Aware":(true|false),"Async Capable":(true|false),"Relation Name":"(tickets|ticket_sla|surveys|qa_reviews|articles)"/);
    });
  }
  const cases: [string, () => Compilable, string][] = [
    ['quality reviews: pending', () => reviewListQuery(d.db, { state: 'pending' }, page), 'qa_reviews_state'],
    ['quality reviews: technician', () => reviewListQuery(d.db, { technician_id: T }, page), 'qa_reviews_technician'],
    ['quality reviews: failed (the coaching list)', () => reviewListQuery(d.db, { passed: false }, page), 'qa_reviews_passed'],
    ['quality reviews: updated_since', () => reviewListQuery(d.db, {}, { mode: 'updated', limit: 50, since: new Date('2026-02-20T00:00:00Z') }), 'qa_reviews_updated'],
    ['articles: q', () => searchArticlesQuery(d.db, {}, searchWords('不制冷'), 50), 'articles_search'],
    ['articles: q latin inside a word', () => searchArticlesQuery(d.db, {}, searchWords('rticle 1234'), 50), 'articles_search'],
    ['articles: product category', () => articleListQuery(d.db, { product_category: 'rare-cat' }, page), 'articles_category'],
    ['articles: tag', () => articleListQuery(d.db, { tag: 'rare-tag' }, page), 'articles_tags'],
    ['articles: drafts', () => articleListQuery(d.db, { status: 'draft' }, page), 'articles_status'],
    ['articles: updated_since', () => articleListQuery(d.db, {}, { mode: 'updated', limit: 50, since: new Date('2026-01-14T00:00:00Z') }), 'articles_updated'],
  ];
  for (const [name, query, index] of cases) {
    it(name, async () => {
      const p = await plan(query());
      expect(p, p).toContain(`"Index Name":"${index}"`);
      expect(p).not.toContain('"Node Type":"Seq Scan"');
    });
  }
});

describe('a customer\'s export reads by its records\' ids', () => {
  let ids: string[];
  beforeAll(async () => {
    // One event per ticket, as the feed holds them.
    await sql`insert into events (id, position, type, occurred_at, actor, resource_type, resource_id, data)
      select gen_random_uuid(), 10000000 + row_number() over (order by id), 'ticket.created', created_at, '{}', 'ticket', id, '{}' from tickets`.execute(d.db);
    await sql`analyze events`.execute(d.db);
    const { rows } = await sql<{ id: string; customer_id: string }>`select id, customer_id from tickets order by id limit 3`.execute(d.db);
    ids = [...rows.map((r) => r.id), ...rows.map((r) => r.customer_id)];
  }, 120_000);
  it('the events about a customer and its records', async () => {
    const p = await plan(eventsQuery(d.db, ids));
    expect(p, p).toContain('"Index Name":"events_resource"');
    expect(p).not.toContain('"Node Type":"Seq Scan"');
  });
  it('the audit trail of a customer and its records', async () => {
    const p = await plan(auditQuery(d.db, { types: ['customer', 'asset', 'ticket'], ids }));
    expect(p, p).toContain('"Index Name":"audit_resource"');
    expect(p).not.toContain('"Node Type":"Seq Scan"');
  });
});
