// A change on a ticket with a long history (part of `npm run bench`; alone with
// BENCH_ONLY=history): two tickets in progress, one fresh and one with 2,000 timeline entries
// (seeded: holds that pause the clocks and their resumes, updates to the customer, internal
// notes), each put on hold and resumed BENCH_HISTORY_CHANGES times in turn,
// one request at a time. Prints the median time of a change on each and their ratio: a change
// should cost the same whatever the ticket's history (issue 19 aims at ≤ 1.2).
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../src/db/types.ts';
import { startService } from './bench-service.ts';

const CHANGES = Number(process.env.BENCH_HISTORY_CHANGES ?? 200);
const HISTORY = 2_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function benchHistory(db: Db, url: string, root: string): Promise<Record<string, number>> {
  console.log('\nA change on a ticket with a long history\n');
  const secret = `ak_bench_${randomBytes(24).toString('base64url')}`;
  const service = await startService(root, { DATABASE_URL: url, BOOTSTRAP_API_KEY: secret, CRON_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '100000000' });
  const call = async (method: string, path: string, body?: unknown) => {
    const headers = { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const res = await fetch(`${service.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  try {
    const customer = await call('POST', '/v1/customers', { name: 'History bench', region: 'bench-history' });
    const tech = await call('POST', '/v1/technicians', { name: 'History tech', tier: 1, regions: ['bench-history'], skills: ['bench'], max_open_tickets: 10 });
    const inProgress = async (subject: string) => {
      const t = await call('POST', '/v1/tickets', { customer_id: customer.id, type: 'repair', channel: 'phone', priority: 'normal', category: 'bench', subject });
      await call('POST', `/v1/tickets/${t.id}/assign`, { technician_id: tech.id });
      await call('POST', `/v1/tickets/${t.id}/start`);
      return t.id;
    };
    const fresh = await inProgress('Fresh');
    const long = await inProgress('Long history');
    const { rows: had } = await sql<{ n: number }>`select count(*)::int as n from ticket_timeline where ticket_id = ${long}::uuid`.execute(db);
    // Entries the clocks read, in turn: a hold waiting for the customer (it pauses them), its
    // resume, a note to the customer (an update), an internal note; the last one a note.
    const n = HISTORY - had[0]!.n;
    await sql`
      insert into ticket_timeline (id, ticket_id, at, actor_kind, actor_id, actor_role, entry, action, note_kind, visibility, body, data)
      select gen_random_uuid(), ${long}::uuid, now() - interval '1 minute' * (${n} + 1 - i), k.actor_kind, case when k.actor_kind = 'api_key' then ${tech.id}::uuid end,
        k.actor_role, k.entry, k.action, k.note_kind, k.visibility, case when k.entry = 'note' then 'Seeded note ' || i end, k.data::jsonb
      from generate_series(1, ${n}) i
      join (values (3, 'system', 'system', 'action', 'hold', null, null, '{"reason":"waiting_customer"}'),
                   (2, 'system', 'system', 'action', 'resume', null, null, '{}'),
                   (1, 'api_key', 'agent', 'note', null, 'call', 'customer', '{}'),
                   (0, 'system', 'system', 'note', null, 'comment', 'internal', '{}'))
        as k(turn, actor_kind, actor_role, entry, action, note_kind, visibility, data) on k.turn = (${n} - i) % 4`.execute(db);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ticket_timeline where ticket_id = ${long}::uuid`.execute(db);
    const times: Record<'fresh' | 'long', number[]> = { fresh: [], long: [] };
    for (let i = 0; i < CHANGES; i++) {
      for (const [name, id] of [['fresh', fresh], ['long', long]] as const) {
        const t0 = performance.now();
        await call('POST', `/v1/tickets/${id}/${i % 2 === 0 ? 'hold' : 'resume'}`, i % 2 === 0 ? { reason: 'waiting_parts' } : undefined);
        times[name].push(performance.now() - t0);
      }
    }
    const out = { freshMs: median(times.fresh), longMs: median(times.long), entries: rows[0]!.n };
    console.log(`  hold/resume on a fresh ticket           median ${out.freshMs.toFixed(1)} ms  (${CHANGES} changes)`);
    console.log(`  hold/resume with ${out.entries.toLocaleString('en')} timeline entries  median ${out.longMs.toFixed(1)} ms`);
    console.log(`  ratio                                   ${(out.longMs / out.freshMs).toFixed(2)}   (aim <= 1.2)`);
    return out;
  } finally {
    await service.stop();
  }
}
