import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createDatabase } from '../../src/db/database.ts';
import { planBreachActions } from '../../src/domain/breach-actions.ts';
import { sweepSla, type SweepOptions } from '../../src/jobs/sla-sweep.ts';
import { DEFAULT_JOB_SETTINGS, slaSweepJob } from '../../src/jobs/registry.ts';
import { DUE } from '../../src/modules/tickets/ticket-sla.predicates.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
const log = pino({ level: 'silent' });
const MONDAY_0900 = '2026-03-09T01:00:00Z'; // Shanghai
let customer: { id: string };

beforeAll(async () => {
  t = await createTestApp({ clock: new ManualClock(MONDAY_0900) });
  customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Sweep', region: 'east' } })).json();
  for (const tier of [1, 2, 3]) {
    await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: `T${tier}`, tier, regions: ['east'], skills: ['fridge'], max_open_tickets: 100 } });
  }
});
afterAll(async () => t.close());

const sweep = (opts: Partial<SweepOptions> = {}) => sweepSla({ db: t.database.db, clock: t.clock, log }, { batchSize: 1000, ...opts });
const open = async (payload: Record<string, unknown> = {}) => {
  const res = await t.request({
    method: 'POST',
    url: '/v1/tickets',
    payload: { customer_id: customer.id, type: 'repair', channel: 'phone', category: 'fridge', subject: 'Not cooling', ...payload },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};
const get = async (id: string) => (await t.request({ method: 'GET', url: `/v1/tickets/${id}` })).json();
const act = (id: string, action: string, payload?: Record<string, unknown>) => t.request({ method: 'POST', url: `/v1/tickets/${id}/${action}`, ...(payload ? { payload } : {}) });
const records = async (ticketId: string) =>
  t.database.db.selectFrom('sla_breaches').select(['metric', 'kind', 'at', 'actions']).where('ticket_id', '=', ticketId).orderBy('id').execute();
const eventTypes = async (ticketId: string) =>
  (await t.database.db.selectFrom('events').select('type').where('resource_id', '=', ticketId).orderBy('seq').execute()).map((e) => e.type);

beforeEach(() => t.clock.set(MONDAY_0900));

describe('the sla-sweep', () => {
  it('warns at the warning time and records the breach at the due time, each once, with timeline and events', async () => {
    const ticket = await open();
    t.clock.advance(47 * 60_000);
    expect((await sweep()).warnings).toBe(0);
    t.clock.advance(60_000); // 48 minutes: 80 % of 60
    const warned = await sweep();
    expect(warned).toMatchObject({ warnings: 1, breaches: 0 });
    expect((await get(ticket.id)).sla.first_response.state).toBe('warning');
    expect(await sweep()).toMatchObject({ warnings: 0, breaches: 0 });

    t.clock.advance(12 * 60_000); // 60 minutes
    const breached = await sweep();
    expect(breached).toMatchObject({ breaches: 1, warnings: 0, priority_raised: 1 });
    const after = await get(ticket.id);
    expect(after.sla.first_response).toMatchObject({ state: 'breached', breached_at: '2026-03-09T02:00:00.000Z' });
    // The standard policy raises the priority on a breach.
    expect(after.priority).toBe('high');
    expect(await sweep()).toMatchObject({ breaches: 0, warnings: 0 });

    expect(await records(ticket.id)).toEqual([
      { metric: 'first_response', kind: 'warning', at: new Date('2026-03-09T01:48:00Z'), actions: [] },
      { metric: 'first_response', kind: 'breach', at: new Date('2026-03-09T02:00:00Z'), actions: ['raise_priority:normal->high'] },
    ]);
    expect(await eventTypes(ticket.id)).toEqual(['ticket.created', 'ticket.sla_warning', 'ticket.sla_breached', 'ticket.updated']);
    const timeline = (await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/timeline` })).json().data;
    expect(timeline.map((e: { entry: string; action: string }) => `${e.entry}:${e.action}`)).toEqual(['action:created', 'sla:warning', 'sla:breached', 'action:updated']);
    expect(timeline[2]).toMatchObject({ actor: { kind: 'system' }, data: { metric: 'first_response', due_at: '2026-03-09T02:00:00.000Z', target_minutes: 60 } });
    expect(timeline[3].data).toMatchObject({ fields: ['priority'], from: 'normal', to: 'high', reason: 'SLA breach: first_response' });
    // The event carries the ticket as GET shows it after the breach.
    const event = await t.database.db.selectFrom('events').select('data').where('resource_id', '=', ticket.id).where('type', '=', 'ticket.sla_breached').executeTakeFirstOrThrow();
    expect(event.data).toMatchObject({ id: ticket.id, priority: 'high', sla: { first_response: { state: 'breached' } } });
  });

  it('does not count paused time: a ticket waiting for the customer does not breach', async () => {
    const ticket = await open();
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, payload: { kind: 'call', visibility: 'customer', body: 'Called' } });
    await act(ticket.id, 'assign', { auto: true });
    await act(ticket.id, 'start');
    await act(ticket.id, 'hold', { reason: 'waiting_customer' });
    t.clock.advance(10 * 86_400_000);
    await sweep();
    expect(await records(ticket.id)).toEqual([]);
    expect((await get(ticket.id)).sla.resolution.state).toBe('paused');
  });

  it('records a breach that completed late before any sweep saw it, without acting on it', async () => {
    const ticket = await open();
    t.clock.advance(90 * 60_000);
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, payload: { kind: 'call', visibility: 'customer', body: 'Late call' } });
    expect((await get(ticket.id)).sla.first_response).toMatchObject({ state: 'breached', breached_at: null });
    expect(await sweep()).toMatchObject({ breaches: 1, priority_raised: 0 });
    expect(await records(ticket.id)).toEqual([{ metric: 'first_response', kind: 'breach', at: new Date('2026-03-09T02:00:00Z'), actions: [] }]);
    expect((await get(ticket.id)).sla.first_response).toMatchObject({ state: 'breached', breached_at: '2026-03-09T02:00:00.000Z' });
    expect((await get(ticket.id)).priority).toBe('normal');
  });

  it('escalates an urgent ticket to the next tier and routes it there, freeing the first technician', async () => {
    const ticket = await open({ priority: 'urgent' });
    const assigned = (await act(ticket.id, 'assign', { auto: true })).json();
    const first = assigned.technician_id;
    const loadOf = async (id: string) => (await t.database.db.selectFrom('technicians').select('open_tickets').where('id', '=', id).executeTakeFirstOrThrow()).open_tickets;
    const before = await loadOf(first);
    t.clock.advance(61 * 60_000); // urgent: 60 minutes around the clock
    expect(await sweep()).toMatchObject({ breaches: 1, escalated: 1 });
    const after = await get(ticket.id);
    expect(after).toMatchObject({ tier: 2, status: 'assigned', priority: 'urgent' });
    expect(after.technician_id).not.toBe(first);
    expect(await loadOf(first)).toBe(before - 1);
    const [record] = await records(ticket.id);
    expect(record!.actions).toEqual(['escalate:1->2', `assigned:${after.technician_id}`]);
    expect(await eventTypes(ticket.id)).toEqual([
      // Assigned before, assigned (at tier 2) after: no status change to tell.
      'ticket.created', 'ticket.assigned', 'ticket.status_changed', 'ticket.sla_breached', 'ticket.escalated', 'ticket.assigned',
    ]);
  });

  it('tells a status change when an escalated ticket finds nobody at the next tier', async () => {
    const far = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Far', region: 'far' } })).json();
    await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'Far 1', tier: 1, regions: ['far'], skills: ['fridge'], max_open_tickets: 5 } });
    const ticket = await open({ customer_id: far.id, priority: 'urgent' });
    await act(ticket.id, 'assign', { auto: true });
    await act(ticket.id, 'start');
    t.clock.advance(61 * 60_000);
    expect(await sweep()).toMatchObject({ breaches: 1, escalated: 1 });
    expect(await get(ticket.id)).toMatchObject({ tier: 2, status: 'new', technician_id: null });
    expect((await eventTypes(ticket.id)).slice(-3)).toEqual(['ticket.sla_breached', 'ticket.escalated', 'ticket.status_changed']);
    const timeline = (await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/timeline` })).json().data;
    expect(timeline.at(-1)).toMatchObject({ entry: 'assignment', action: 'unassigned' });
  });

  it('records a follow-up missed on a resolved ticket without reopening or escalating it', async () => {
    const ticket = await open();
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, payload: { kind: 'call', visibility: 'customer', body: 'Called' } });
    await act(ticket.id, 'assign', { auto: true });
    await act(ticket.id, 'start');
    await act(ticket.id, 'resolve', { method: 'repair', summary: 'Fixed' });
    t.clock.advance(14 * 86_400_000);
    await sweep();
    expect((await records(ticket.id)).filter((r) => r.kind === 'breach')).toEqual([
      expect.objectContaining({ metric: 'follow_up', actions: [] }),
    ]);
    expect(await get(ticket.id)).toMatchObject({ status: 'resolved', priority: 'normal', tier: 1 });
  });

  it('skips a ticket another transaction is changing and records it on the next run', async () => {
    const ticket = await open();
    t.clock.advance(2 * 3_600_000);
    const other = createDatabase(t.url, { poolSize: 1 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = other.db.transaction().execute(async (tx) => {
      await sql`select 1 from tickets where id = ${ticket.id} for update`.execute(tx);
      locked();
      await held;
    });
    await isLocked;
    try {
      await sweep();
      expect(await records(ticket.id)).toEqual([]);
    } finally {
      release();
      await holder;
      await other.close();
    }
    await sweep();
    expect((await records(ticket.id)).map((r) => r.kind)).toContain('breach');
  });
});

describe('exactly once under concurrency and failure', () => {
  beforeAll(async () => {
    // Inquiries here run on a policy with no on_breach, so every due clock breaches exactly once.
    const res = await t.request({
      method: 'POST',
      url: '/v1/sla-policies',
      payload: { name: 'Inquiries', position: 1, match: { types: ['inquiry'] }, targets: { first_response: 30, resolution: 120, follow_up: 600 }, calendar_id: '01900000-0000-7000-8000-000000000002' },
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  /** n tickets reported long ago on a fresh customer, so their clocks are due. */
  async function dueTickets(n: number) {
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Many', region: 'nowhere' } })).json();
    const reported = new Date(t.clock.now().getTime() - 3 * 86_400_000).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await open({ customer_id: c.id, type: 'inquiry', reported_at: reported })).id);
    return { customer: c.id as string, ids };
  }
  const countFor = async (customerId: string) => {
    const { rows } = await sql<{ records: number; distinct_records: number; events: number; timeline: number }>`
      select (select count(*)::int from sla_breaches where customer_id = ${customerId} and kind = 'breach') as records,
             (select count(distinct (ticket_id, metric))::int from sla_breaches where customer_id = ${customerId} and kind = 'breach') as distinct_records,
             (select count(*)::int from events e join tickets k on k.id = e.resource_id where k.customer_id = ${customerId} and e.type = 'ticket.sla_breached') as events,
             (select count(*)::int from ticket_timeline l join tickets k on k.id = l.ticket_id where k.customer_id = ${customerId} and l.entry = 'sla' and l.action = 'breached') as timeline`.execute(t.database.db);
    return rows[0]!;
  };

  it('three sweeps at once (two of them with two workers) record each breach once', async () => {
    const { customer: c } = await dueTickets(30);
    // Each ticket's first response and resolution are due.
    const expected = 60;
    const results = await Promise.all([sweep({ batchSize: 7, workers: 2 }), sweep({ batchSize: 7, workers: 2 }), sweep({ batchSize: 7 })]);
    expect(results.reduce((s, r) => s + r.breaches, 0)).toBe(expected);
    expect(await countFor(c)).toEqual({ records: expected, distinct_records: expected, events: expected, timeline: expected });
    expect((await sweep()).breaches).toBe(0);
  });

  it('one big batch writes its timeline and events in bulk, all of them, in order', async () => {
    const { customer: c, ids } = await dueTickets(20);
    const r = await sweep({ batchSize: 1000 });
    expect(r.breaches).toBeGreaterThanOrEqual(40);
    expect(await countFor(c)).toEqual({ records: 40, distinct_records: 40, events: 40, timeline: 40 });
    const entries = await t.database.db.selectFrom('ticket_timeline').select(['ticket_id', 'data', 'actor_kind']).where('ticket_id', 'in', ids).where('entry', '=', 'sla').orderBy('id').execute();
    expect(entries.every((e) => e.actor_kind === 'system' && typeof (e.data as { metric: string }).metric === 'string')).toBe(true);
    // Clocks already past due are breached, not warned first.
    expect(await t.database.db.selectFrom('sla_breaches').select('id').where('customer_id', '=', c).where('kind', '=', 'warning').execute()).toEqual([]);
  });

  /**
   * Fault injection in the database itself: the sweep's `n`th batch (counting from 0) fails in
   * its recording statement, with an error or with its connection killed by its own backend.
   */
  async function faultInBatch(n: number, fault: 'error' | 'kill') {
    const db = t.database.db;
    const action = fault === 'error' ? `raise exception 'crash'` : 'perform pg_terminate_backend(pg_backend_pid())';
    await sql`create sequence sweep_fault_seq`.execute(db);
    await sql
      .raw(`create function sweep_fault() returns trigger language plpgsql as $$ begin if nextval('sweep_fault_seq') = ${n + 1} then ${action}; end if; return null; end $$`)
      .execute(db);
    await sql`create trigger sweep_fault after insert on sla_breaches for each statement execute function sweep_fault()`.execute(db);
    return async () => {
      await sql`drop trigger sweep_fault on sla_breaches`.execute(db);
      await sql`drop function sweep_fault()`.execute(db);
      await sql`drop sequence sweep_fault_seq`.execute(db);
    };
  }

  it('a sweep that fails half-way loses only its open batch, and the next run finishes with nothing twice', async () => {
    const { customer: c } = await dueTickets(12);
    const heal = await faultInBatch(2, 'error');
    try {
      await expect(sweep({ batchSize: 5 })).rejects.toThrow('crash');
    } finally {
      await heal();
    }
    const partial = await countFor(c);
    expect(partial).toEqual({ records: 10, distinct_records: 10, events: 10, timeline: 10 });
    await sweep({ batchSize: 5 });
    expect(await countFor(c)).toEqual({ records: 24, distinct_records: 24, events: 24, timeline: 24 });
  });

  it('a sweep whose connection is killed mid-batch is finished by the next run', async () => {
    const { customer: c } = await dueTickets(8);
    const heal = await faultInBatch(1, 'kill');
    try {
      await expect(sweep({ batchSize: 4 })).rejects.toThrow();
    } finally {
      await heal();
    }
    expect(await countFor(c)).toEqual({ records: 4, distinct_records: 4, events: 4, timeline: 4 });
    await sweep({ batchSize: 4 });
    expect(await countFor(c)).toEqual({ records: 16, distinct_records: 16, events: 16, timeline: 16 });
  });
});

describe('planBreachActions', () => {
  it('raises one step per breach while open, never past urgent, and escalates below tier 3 where the workflow allows', () => {
    expect(planBreachActions({ status: 'in_progress', priority: 'normal', tier: 1 }, [{ raise_priority: true }])).toEqual({ priority: { from: 'normal', to: 'high' } });
    expect(planBreachActions({ status: 'in_progress', priority: 'low', tier: 1 }, [{ raise_priority: true }, { raise_priority: true }])).toEqual({
      priority: { from: 'low', to: 'high' },
    });
    expect(planBreachActions({ status: 'new', priority: 'urgent', tier: 1 }, [{ raise_priority: true }])).toEqual({});
    expect(planBreachActions({ status: 'resolved', priority: 'low', tier: 1 }, [{ raise_priority: true, escalate: true }])).toEqual({});
    expect(planBreachActions({ status: 'on_hold', priority: 'high', tier: 1 }, [{ escalate: true, raise_priority: true }, { escalate: true }, { escalate: true }])).toEqual({
      priority: { from: 'high', to: 'urgent' },
      escalate: { from_tier: 1, to_tier: 3 },
    });
    expect(planBreachActions({ status: 'assigned', priority: 'low', tier: 3 }, [{ escalate: true }])).toEqual({});
    expect(planBreachActions({ status: 'assigned', priority: 'low', tier: 1 }, [{}])).toEqual({});
  });
});

describe('GET /v1/sla-breaches and the sla_state filter', () => {
  it('lists breaches with filters, warnings on request, and pages by keyset', async () => {
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Listed', region: 'east' } })).json();
    const a = await open({ customer_id: c.id });
    t.clock.advance(50 * 60_000);
    const b = await open({ customer_id: c.id });
    await sweep(); // a warned
    t.clock.advance(60 * 60_000);
    await sweep(); // a breached, b breached (first response)
    const list = async (qs: string) => {
      const res = await t.request({ method: 'GET', url: `/v1/sla-breaches?${qs}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const mine = await list(`customer_id=${c.id}`);
    expect(mine.data.map((r: { ticket_id: string }) => r.ticket_id).sort()).toEqual([a.id, b.id].sort());
    expect(mine.data[0]).toMatchObject({ kind: 'breach', metric: 'first_response', customer_id: c.id, priority: 'normal', tier: 1, target_minutes: 60 });
    expect((await list(`customer_id=${c.id}&kind=warning`)).data).toEqual([expect.objectContaining({ ticket_id: a.id, kind: 'warning' })]);
    expect((await list(`ticket_id=${b.id}&metric=resolution`)).data).toEqual([]);
    const first = await list(`customer_id=${c.id}&limit=1`);
    const second = await list(`customer_id=${c.id}&limit=1&cursor=${first.next_cursor}`);
    expect([first.data[0].id, second.data[0].id].sort()).toEqual(mine.data.map((r: { id: string }) => r.id).sort());
    expect(second.next_cursor).toBeNull();
    const latency = mine.data.map((r: { at: string; recorded_at: string }) => Date.parse(r.recorded_at) - Date.parse(r.at));
    expect(latency.every((ms: number) => ms >= 0)).toBe(true);

    expect((await t.request({ method: 'GET', url: '/v1/sla-breaches?kind=late' })).statusCode).toBe(400);
    const analyst = await t.key('analyst');
    expect((await t.request({ method: 'GET', url: '/v1/sla-breaches', key: analyst })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/v1/sla-breaches', key: null })).statusCode).toBe(401);
  });

  it('filters tickets by sla_state, as the sla block shows them now', async () => {
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'States', region: 'east' } })).json();
    const breached = await open({ customer_id: c.id });
    t.clock.advance(15 * 60_000);
    const warned = await open({ customer_id: c.id });
    t.clock.advance(45 * 60_000 + 1000); // breached: 60 min; warned: 45 min (warns at 48)
    const ok = await open({ customer_id: c.id });
    const ids = async (state: string) =>
      (await t.request({ method: 'GET', url: `/v1/tickets?customer_id=${c.id}&sla_state=${state}` })).json().data.map((x: { id: string }) => x.id);
    // Before any sweep: states come from the clocks themselves.
    expect(await ids('breached')).toEqual([breached.id]);
    expect(await ids('warning')).toEqual([]);
    t.clock.advance(3 * 60_000);
    expect(await ids('warning')).toEqual([warned.id]);
    expect(await ids('ok')).toEqual([ok.id]);
    await sweep();
    // After the sweep recorded them: the same answer.
    expect(await ids('breached')).toEqual([breached.id]);
    expect(await ids('warning')).toEqual([warned.id]);
    expect(await ids('ok')).toEqual([ok.id]);
    expect((await get(warned.id)).sla.first_response.state).toBe('warning');
  });

  it('runs through the jobs API with its counts', async () => {
    // Monday 1 June 09:00 Shanghai, later than any instant the other tests reach.
    t.clock.set('2026-06-01T01:00:00Z');
    const ticket = await open();
    t.clock.advance(2 * 3_600_000);
    // Every clock due now gets its breach recorded by this run, this test's ticket's among them.
    const due = await sql<{ n: number }>`select count(*)::int as n from ticket_sla s where ${DUE} and s.due_at <= ${t.clock.now()}`.execute(t.database.db);
    expect(due.rows[0]!.n).toBeGreaterThanOrEqual(1); // the first response of the ticket just opened, at least
    // A scheduled tick would not be skipped: its look sees the due clock.
    expect(await slaSweepJob(DEFAULT_JOB_SETTINGS).idle!({ db: t.database.db, clock: t.clock })).toBe(false);
    const res = await t.request({ method: 'POST', url: '/v1/jobs/sla-sweep/run' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ job: 'sla-sweep', status: 'succeeded', counts: { breaches: due.rows[0]!.n, warnings: expect.any(Number) } });
    expect((await get(ticket.id)).sla.first_response).toMatchObject({ state: 'breached', breached_at: '2026-06-01T02:00:00.000Z' });
    const jobs = (await t.request({ method: 'GET', url: '/v1/jobs' })).json().data;
    expect(jobs.find((j: { name: string }) => j.name === 'sla-sweep')).toMatchObject({ schedule: '* * * * * *', last_run: { status: 'succeeded' } });
  });
});
