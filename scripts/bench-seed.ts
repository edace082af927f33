// Set-based seeding for npm run bench: every batch is one INSERT ... SELECT over unnest().
import cliProgress from 'cli-progress';
import { sql } from 'kysely';
import { v7 } from 'uuid';
import type { Db } from '../src/db/types.ts';

function bar(label: string, total: number) {
  const b = new cliProgress.SingleBar({ format: `seeding ${label.padEnd(11)} [{bar}] {percentage}% | {value}/{total}` }, cliProgress.Presets.shades_classic);
  b.start(total, 0);
  return b;
}

export const REGIONS = 40;
export const CATEGORIES = 20;

export async function seedCustomers(db: Db, total: number): Promise<string[]> {
  const b = bar('customers', total);
  const all: string[] = [];
  for (let done = 0; done < total; done += 5_000) {
    const ids = Array.from({ length: Math.min(5_000, total - done) }, () => v7());
    await sql`insert into customers (id, name, kind, phone, email, region, tier, tags, created_at, updated_at)
      select id, 'Seed customer ' || (${done} + i) || case when (${done} + i) % 7 = 0 then ' 王' else '' end, 'person',
        '1390' || lpad((${done} + i)::text, 7, '0'), 'seed' || (${done} + i) || '@example.com', 'r' || ((${done} + i) % ${REGIONS}),
        case when (${done} + i) % 50 = 0 then 'vip' else 'standard' end, '{}', now(), now()
      from unnest(${ids}::uuid[]) with ordinality as t(id, i)`.execute(db);
    all.push(...ids);
    b.update(done + ids.length);
  }
  b.stop();
  return all;
}

/** Technicians cover every category; each serves one region, so each region has several. */
export async function seedTechnicians(db: Db, total: number): Promise<string[]> {
  const ids = Array.from({ length: total }, () => v7());
  await sql`insert into technicians (id, name, tier, regions, skills, max_open_tickets, created_at, updated_at)
    select id, 'Seed technician ' || i, 1, array['r' || (i % ${REGIONS})],
      (select array_agg('cat' || c) from generate_series(0, ${CATEGORIES - 1}) c), 10000, now(), now()
    from unnest(${ids}::uuid[]) with ordinality as t(id, i)`.execute(db);
  return ids;
}

/**
 * Tickets over the customers and technicians: 70% closed, 10% resolved, 10% in progress,
 * 5% assigned, 3% on hold, 2% new; technicians' open_tickets set from what they hold.
 */
export async function seedTickets(db: Db, total: number, customers: string[], technicians: string[]): Promise<void> {
  const b = bar('tickets', total);
  const BATCH = 20_000;
  for (let done = 0; done < total; done += BATCH) {
    const n = Math.min(BATCH, total - done);
    const ids = Array.from({ length: n }, () => v7());
    const cust = Array.from({ length: n }, (_, k) => customers[(done + k) % customers.length]!);
    const tech = Array.from({ length: n }, (_, k) => technicians[(done + k) % technicians.length]!);
    await sql`insert into tickets (id, number, customer_id, type, channel, priority, category, subject, description, region,
        reported_at, status, tier, technician_id, hold_reason, created_at, updated_at)
      select t.id, 'SR-2025-' || lpad((${done} + t.i)::text, 7, '0'), t.cust,
        case when t.i % 40 = 0 then 'complaint' else 'repair' end, 'phone',
        case when t.i % 20 = 0 then 'urgent' when t.i % 5 = 0 then 'high' else 'normal' end,
        'cat' || ((${done} + t.i) % ${CATEGORIES}),
        case when t.i % 50 = 0 then '冰箱不制冷' else 'Seed ticket ' || (${done} + t.i) end,
        'Customer reports the device stopped working after an update',
        'r' || ((${done} + t.i) % ${REGIONS}),
        now() - interval '1 day', s.status, 1,
        case when s.status = 'new' then null else t.tech end,
        case when s.status = 'on_hold' then 'waiting_parts' end,
        now(), now()
      from unnest(${ids}::uuid[], ${cust}::uuid[], ${tech}::uuid[]) with ordinality as t(id, cust, tech, i)
      cross join lateral (select case
        when t.i % 100 < 70 then 'closed' when t.i % 100 < 80 then 'resolved' when t.i % 100 < 90 then 'in_progress'
        when t.i % 100 < 95 then 'assigned' when t.i % 100 < 98 then 'on_hold' else 'new' end as status) s`.execute(db);
    b.update(done + n);
  }
  b.stop();
  await sql`update technicians t set open_tickets = c.n from (
      select technician_id, count(*)::int as n from tickets where status in ('assigned','in_progress','on_hold') group by technician_id
    ) c where c.technician_id = t.id`.execute(db);
  await sql`select setval('ticket_number_seq', ${total})`.execute(db);
}
