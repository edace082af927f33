import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scanLog } from './secrets.ts';
import { startService, type Service } from './service.ts';

/**
 * Faults under load: the database made unreachable (the service's connections cut and new
 * ones refused) for some seconds, and the service killed with SIGKILL and started again.
 * Each time, every write the service acknowledged is there afterwards, nothing is half
 * written (a ticket without its clocks, its event or its timeline entry), a retried
 * Idempotency-Key never makes a change twice, and while the database is away the answer is
 * 503 problem+json with Retry-After, never a 500.
 */
let service: Service;
let admin: pg.Client;
const run = randomBytes(4).toString('hex');
const customers: string[] = [];

const WORKERS = 8;

interface Load {
  /** Idempotency-Key → ticket id, for every 201. */
  acked: Map<string, string>;
  /** Keys whose request got no 2xx (refused, cut off or 503): the change may or may not have been made. */
  unacked: Map<string, { body: unknown }>;
  /** customer id → the highest address number acknowledged. */
  addresses: Map<string, number>;
  /** Statuses that are not allowed under a fault, with their bodies. */
  unexpected: string[];
  statuses: Map<string, number>;
  stop(): Promise<void>;
}

function startLoad(): Load {
  const load: Load = { acked: new Map(), unacked: new Map(), addresses: new Map(), unexpected: [], statuses: new Map(), stop: async () => {} };
  let running = true;
  const count = (s: string) => load.statuses.set(s, (load.statuses.get(s) ?? 0) + 1);
  const worker = async (w: number) => {
    const customer = customers[w % customers.length]!;
    for (let i = 0; running; i++) {
      const key = `fault-${run}-${w}-${i}-${randomBytes(3).toString('hex')}`;
      const body = { customer_id: customer, type: 'repair', channel: 'phone', category: 'fridge', subject: `load ${key}` };
      try {
        const a = await service.call({ method: 'POST', path: '/v1/tickets', headers: { 'idempotency-key': key }, body });
        count(String(a.status));
        if (a.status === 201) load.acked.set(key, (a.json as { id: string }).id);
        else {
          load.unacked.set(key, { body });
          if (a.status !== 503 || !String(a.headers['content-type']).startsWith('application/problem+json') || !a.headers['retry-after']) {
            load.unexpected.push(`POST /v1/tickets → ${a.status} ${a.text.slice(0, 200)}`);
          }
        }
        if (i % 3 === 0) {
          const p = await service.call({ method: 'PATCH', path: `/v1/customers/${customer}`, body: { address: `Street ${w}-${i}` } });
          count(String(p.status));
          if (p.status === 200) load.addresses.set(`${customer}/${w}`, Math.max(load.addresses.get(`${customer}/${w}`) ?? -1, i));
          else if (p.status !== 503) load.unexpected.push(`PATCH customer → ${p.status} ${p.text.slice(0, 200)}`);
        }
      } catch {
        // Cut off (the process killed) or refused (not started yet): not acknowledged.
        count('no answer');
        load.unacked.set(key, { body });
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
  load.stop = async () => {
    running = false;
    await Promise.all(workers);
  };
  return load;
}

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: service.dbUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Every acknowledged ticket is there, and every ticket of the run is whole. */
async function checkWritten(load: Load): Promise<{ checked: number; halfWritten: string[]; missing: string[] }> {
  const ids = [...load.acked.values()];
  const present = await query<{ id: string }>('select id::text from tickets where id = any($1::uuid[])', [ids]);
  const have = new Set(present.map((r) => r.id));
  const missing = ids.filter((id) => !have.has(id));
  const halfWritten = await query<{ id: string; clocks: number; created_events: number; created_entries: number }>(
    `select t.id::text,
            (select count(*)::int from ticket_sla s where s.ticket_id = t.id) as clocks,
            (select count(*)::int from events e where e.resource_id = t.id and e.type = 'ticket.created') as created_events,
            (select count(*)::int from ticket_timeline l where l.ticket_id = t.id and l.entry = 'action' and l.action = 'created') as created_entries
       from tickets t where t.subject like $1`,
    [`load fault-${run}-%`],
  );
  const broken = halfWritten.filter((r) => r.clocks === 0 || r.created_events !== 1 || r.created_entries !== 1).map((r) => JSON.stringify(r));
  return { checked: ids.length, halfWritten: broken, missing };
}

/** Each key's request retried: a change made once at most, whatever the first attempt did. */
async function retryUnacked(load: Load): Promise<{ retried: number; twice: string[]; inFlight: number }> {
  let inFlight = 0;
  for (const [key, { body }] of load.unacked) {
    const a = await service.call({ method: 'POST', path: '/v1/tickets', headers: { 'idempotency-key': key }, body });
    if (a.status === 409 && (a.json as { type?: string }).type?.endsWith('/idempotency-in-flight')) inFlight++;
    else if (a.status !== 201) throw new Error(`retry of ${key} → ${a.status} ${a.text.slice(0, 200)}`);
  }
  const twice = await query<{ subject: string; n: number }>(
    `select subject, count(*)::int as n from tickets where subject like $1 group by subject having count(*) > 1`,
    [`load fault-${run}-%`],
  );
  return { retried: load.unacked.size, twice: twice.map((r) => `${r.subject} ×${r.n}`), inFlight };
}

async function lastAddressesKept(load: Load): Promise<string[]> {
  const rows = await query<{ id: string; address: string | null }>('select id::text, address from customers where id = any($1::uuid[])', [customers]);
  const lost: string[] = [];
  for (const [slot, acked] of load.addresses) {
    const [customer, w] = slot.split('/');
    const address = rows.find((r) => r.id === customer)?.address ?? '';
    // Workers share customers, so another worker may have written since; a lost write is a
    // customer whose address is older than this worker's last acknowledged one, by no one else.
    const m = /^Street (\d+)-(\d+)$/.exec(address);
    if (!m) lost.push(`${customer}: ${address}`);
    else if (m[1] === w && Number(m[2]) < acked) lost.push(`${customer}: ${address}, acknowledged ${w}-${acked}`);
  }
  return lost;
}

/** After a fault: every acknowledged write there and whole, every retry made once at most. */
async function expectNothingLostHalfWrittenOrDoubled(load: Load) {
  const written = await checkWritten(load);
  expect(written.missing).toEqual([]);
  expect(written.halfWritten).toEqual([]);
  expect(await lastAddressesKept(load)).toEqual([]);
  const retried = await retryUnacked(load);
  expect(retried.twice).toEqual([]);
  return { written, retried };
}

beforeAll(async () => {
  service = await startService();
  admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  for (let i = 0; i < 4; i++) {
    const phone = `+49 30 ${String(1_000_000 + i)}${run.replace(/\D/g, '').slice(0, 2)}`;
    const a = await service.call({ method: 'POST', path: '/v1/customers', body: { name: `Load ${i}`, phone, email: `load.${i}.${run}@example.de` } });
    service.sent.add(phone).add(`load.${i}.${run}@example.de`);
    customers.push((a.json as { id: string }).id);
  }
}, 120_000);

afterAll(async () => {
  await admin?.query(`alter database ${service.dbName} allow_connections true`).catch(() => undefined);
  await admin?.end();
  await service?.stop();
});

describe('faults under load', () => {
  it('the database unreachable for 4 s: 503 while away, ready within 5 s of its return, every acknowledged write kept', async () => {
    const load = startLoad();
    await new Promise((r) => setTimeout(r, 1_500));
    await admin.query(`alter database ${service.dbName} allow_connections false`);
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [service.dbName]);
    const ackedBefore = load.acked.size;
    await new Promise((r) => setTimeout(r, 1_000));
    const whileDown = await service.call({ method: 'GET', path: '/readyz', key: null });
    const sent503 = load.statuses.get('503') ?? 0;
    await new Promise((r) => setTimeout(r, 3_000));
    await admin.query(`alter database ${service.dbName} allow_connections true`);
    const readyAfterMs = await service.ready(10_000);
    await new Promise((r) => setTimeout(r, 1_500));
    await load.stop();

    expect(whileDown.status).toBe(503);
    expect(sent503).toBeGreaterThan(0);
    expect(load.unexpected).toEqual([]);
    expect(readyAfterMs).toBeLessThan(5_000);
    expect(load.acked.size).toBeGreaterThan(ackedBefore);

    const { written, retried } = await expectNothingLostHalfWrittenOrDoubled(load);
    console.log(
      `fault (database away 4 s): ${[...load.statuses].map(([s, n]) => `${s}×${n}`).join(' ')}; ready ${Math.round(readyAfterMs)} ms after its return; ` +
        `${written.checked} acknowledged tickets checked present and whole, ${load.addresses.size} acknowledged updates kept, ${retried.retried} refused requests retried, none made twice`,
    );
  }, 120_000);

  it('SIGKILL mid-load and a restart: every acknowledged write kept, nothing half written, no change made twice', async () => {
    const load = startLoad();
    await new Promise((r) => setTimeout(r, 1_500));
    await service.kill('SIGKILL');
    const ackedAtKill = load.acked.size;
    await service.restart();
    await new Promise((r) => setTimeout(r, 1_000));
    await load.stop();

    expect(ackedAtKill).toBeGreaterThan(0);
    expect(load.unexpected).toEqual([]);
    const { written, retried } = await expectNothingLostHalfWrittenOrDoubled(load);
    console.log(
      `fault (SIGKILL and restart): ${[...load.statuses].map(([s, n]) => `${s}×${n}`).join(' ')}; ${written.checked} acknowledged tickets checked present and whole, ` +
        `${retried.retried} unanswered requests retried with their key (${retried.inFlight} still claimed by the killed process: 409 in flight), none made twice`,
    );
  }, 120_000);

  it('leaves no phone number, email or key secret in the log of the faults', () => {
    expect(scanLog(service.log(), service.sent)).toEqual([]);
  });
});
