import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSITIONS, allowedActions, nextStatus } from '../../src/domain/ticket-workflow.ts';
import { decideWarranty } from '../../src/domain/warranty.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let customer: { id: string };
beforeAll(async () => {
  t = await createTestApp();
  customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Zhou', region: 'south' } })).json();
});
afterAll(async () => t.close());

const tech = async (payload: Record<string, unknown>) =>
  (await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'Tech', tier: 1, regions: ['south'], skills: ['tv'], max_open_tickets: 5, ...payload } })).json();
const open = async (payload: Record<string, unknown> = {}) =>
  (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'phone', category: 'tv', subject: 'No picture', ...payload } })).json();
const act = (id: string, action: string, payload?: Record<string, unknown>, key?: string) =>
  t.request({ method: 'POST', url: `/v1/tickets/${id}/${action}`, ...(payload ? { payload } : {}), ...(key ? { key } : {}) });
const load = async (id: string) => (await t.request({ method: 'GET', url: `/v1/technicians/${id}` })).json().open_tickets as number;

describe('the state machine as data', () => {
  it('allows only the listed moves', () => {
    expect(nextStatus('new', 'start')).toBeUndefined();
    expect(nextStatus('assigned', 'start')).toBe('in_progress');
    expect(nextStatus('resolved', 'follow_up', 'satisfied')).toBe('closed');
    expect(nextStatus('resolved', 'follow_up', 'not_satisfied')).toBe('in_progress');
    expect(nextStatus('resolved', 'follow_up', 'unreachable')).toBe('resolved');
    expect(allowedActions('closed')).toEqual([]);
    expect(allowedActions('resolved')).toEqual(['follow-up', 'reopen', 'close']);
    for (const moves of Object.values(TRANSITIONS)) for (const to of Object.values(moves)) expect(Object.keys(TRANSITIONS)).toContain(to);
  });
});

describe('ticket actions', () => {
  it('walks a repair from intake to close, each step on the timeline and in the feed', async () => {
    const tv = await tech({ name: 'Walker', regions: ['south'], skills: ['tv'] });
    const ticket = await open();
    const assigned = await act(ticket.id, 'assign', { auto: true });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json()).toMatchObject({ status: 'assigned', technician_id: tv.id, assignment: { technician_id: tv.id, reason: expect.stringContaining('least loaded') } });
    expect(await load(tv.id)).toBe(1);
    expect((await act(ticket.id, 'start')).json().status).toBe('in_progress');
    expect((await act(ticket.id, 'hold', { reason: 'waiting_parts' })).json()).toMatchObject({ status: 'on_hold', hold_reason: 'waiting_parts' });
    expect((await act(ticket.id, 'resume')).json()).toMatchObject({ status: 'in_progress', hold_reason: null });
    const resolved = await act(ticket.id, 'resolve', { method: 'repair', summary: 'Replaced the board', warranty: 'misuse', charges: { currency: 'CNY', items: [{ kind: 'parts', description: 'board', amount: 12000 }] } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', warranty_decision: { result: 'misuse', chargeable: true }, resolution: { charges: { total: 12000 } } });
    expect(await load(tv.id)).toBe(0);
    expect((await act(ticket.id, 'follow-up', { outcome: 'satisfied' })).json()).toMatchObject({ status: 'closed', follow_up: { outcome: 'satisfied' } });
    const timeline = (await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/timeline` })).json().data;
    expect(timeline.map((e: { action: string }) => e.action)).toEqual(['created', 'assigned', 'start', 'hold', 'resume', 'resolve', 'warranty', 'follow-up']);
    const events = (await t.request({ method: 'GET', url: '/v1/events?limit=1000&types=ticket.assigned,ticket.resolved,ticket.closed' })).json().data;
    expect(events.filter((e: { resource: { id: string } }) => e.resource.id === ticket.id).map((e: { type: string }) => e.type)).toEqual([
      'ticket.assigned',
      'ticket.resolved',
      'ticket.closed',
    ]);
  });

  it('answers a forbidden move with 409 naming the status and the allowed actions', async () => {
    const ticket = await open();
    const res = await act(ticket.id, 'resolve', { method: 'repair', summary: 'x' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ status: 409, current_status: 'new', allowed_actions: ['assign', 'escalate', 'cancel'] });
    expect(res.json().detail).toContain('new');
    expect((await act(ticket.id, 'start')).statusCode).toBe(409);
    expect((await act(ticket.id, 'cancel', { reason: 'duplicate' })).json().status).toBe('cancelled');
    expect((await act(ticket.id, 'assign', { auto: true })).statusCode).toBe(409);
  });

  it('replays an action sent twice with the same Idempotency-Key instead of doing it twice', async () => {
    await tech({ name: 'Idem', regions: ['south'], skills: ['tv'], max_open_tickets: 50 });
    const ticket = await open();
    const assign = () => t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/assign`, payload: { auto: true }, headers: { 'idempotency-key': `assign-${ticket.id}` } });
    const first = await assign();
    const again = await assign();
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const assignments = (await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/timeline` })).json().data.filter((e: { action: string }) => e.action === 'assigned');
    expect(assignments).toHaveLength(1);
  });

  it('says why nobody fits when routing finds no one', async () => {
    // A technician in the customer's region, without the skill: the diagnosis names the skill.
    await tech({ name: 'Radio only', skills: ['radio'] });
    const ticket = await open({ category: 'spaceship' });
    const res = await act(ticket.id, 'assign', { auto: true });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('has skill spaceship');
  });

  it('never pushes a technician over capacity when auto-assignments race', async () => {
    const only = await tech({ name: 'Solo', regions: ['race'], skills: ['race-cat'], max_open_tickets: 3 });
    const raceCustomer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Racer', region: 'race' } })).json();
    const tickets = await Promise.all(Array.from({ length: 10 }, () => open({ customer_id: raceCustomer.id, category: 'race-cat' })));
    const results = await Promise.all(tickets.map((x) => act(x.id, 'assign', { auto: true })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(3);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(7);
    expect(await load(only.id)).toBe(3);
    const counted = await sql<{ n: number }>`select count(*)::int as n from tickets where technician_id = ${only.id} and status = 'assigned'`.execute(t.database.db);
    expect(counted.rows[0]!.n).toBe(3);
  });

  it('spreads racing assignments over the least loaded technicians', async () => {
    const a = await tech({ name: 'A', regions: ['spread'], skills: ['sp'], max_open_tickets: 10 });
    const b = await tech({ name: 'B', regions: ['spread'], skills: ['sp'], max_open_tickets: 10 });
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'S', region: 'spread' } })).json();
    const tickets = await Promise.all(Array.from({ length: 6 }, () => open({ customer_id: c.id, category: 'sp' })));
    for (const x of tickets) expect((await act(x.id, 'assign', { auto: true })).statusCode).toBe(200);
    expect([await load(a.id), await load(b.id)]).toEqual([3, 3]);
  });

  it('escalates through three tiers, auto-assigning at the new tier, and no further', async () => {
    await tech({ name: 'T1', tier: 1, regions: ['esc'], skills: ['esc'] });
    const t2 = await tech({ name: 'T2', tier: 2, regions: ['esc'], skills: ['esc'] });
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'E', region: 'esc' } })).json();
    const ticket = await open({ customer_id: c.id, category: 'esc' });
    await act(ticket.id, 'assign', { auto: true });
    const up = await act(ticket.id, 'escalate', { reason: 'needs a centre', auto: true });
    expect(up.json()).toMatchObject({ tier: 2, status: 'assigned', technician_id: t2.id });
    const top = await act(ticket.id, 'escalate', { reason: 'expert needed', auto: true });
    expect(top.json()).toMatchObject({ tier: 3, status: 'new', technician_id: null });
    const beyond = await act(ticket.id, 'escalate', { reason: 'more' });
    expect(beyond.statusCode).toBe(409);
    expect((await act(ticket.id, 'escalate', {})).statusCode).toBe(400);
    const timeline = (await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/timeline` })).json().data as { action: string; data: Record<string, unknown> }[];
    expect(timeline.filter((e) => e.action === 'escalate').map((e) => [e.data.from_tier, e.data.to_tier])).toEqual([[1, 2], [2, 3]]);
    expect(timeline.at(-1)!.action).toBe('unassigned');
  });

  it('decides the warranty from the product, and needs a reason to contradict it', async () => {
    await tech({ name: 'W', regions: ['south'], skills: ['tv'], max_open_tickets: 50 });
    const covered = (await t.request({ method: 'POST', url: `/v1/customers/${customer.id}/assets`, payload: { product_model: 'TV', category: 'tv', purchased_on: '2025-06-01', warranty_until: '2027-06-01' } })).json();
    const started = async () => {
      const x = await open({ asset_id: covered.id });
      await act(x.id, 'assign', { auto: true });
      await act(x.id, 'start');
      return x.id as string;
    };
    const free = await act(await started(), 'resolve', { method: 'repair', summary: 'Fixed' });
    expect(free.json().warranty_decision).toMatchObject({ result: 'in_warranty', chargeable: false, overridden: false });
    const charged = await act(await started(), 'resolve', { method: 'repair', summary: 'Fixed', charges: { currency: 'CNY', items: [{ kind: 'labour', description: 'x', amount: 5000 }] } });
    expect(charged.statusCode).toBe(422);
    expect(charged.json().type).toContain('in-warranty-is-free');
    const id = await started();
    const contradiction = await act(id, 'resolve', { method: 'repair', summary: 'Fixed', warranty: 'out_of_warranty' });
    expect(contradiction.statusCode).toBe(422);
    const overridden = await act(id, 'resolve', { method: 'repair', summary: 'Fixed', warranty: 'out_of_warranty', warranty_override_reason: 'seal broken, warranty void' });
    expect(overridden.json().warranty_decision).toMatchObject({ result: 'out_of_warranty', chargeable: true, overridden: true });
    const replacement = await act(await started(), 'resolve', { method: 'replacement', summary: 'Swap' });
    expect(replacement.statusCode).toBe(422);
    expect(replacement.json().type).toContain('replacement-needs-proof');
  });

  it('needs a root cause to resolve a complaint, and routes major complaints to the managers', async () => {
    await tech({ name: 'C', regions: ['south'], skills: ['tv'], max_open_tickets: 50 });
    const complaint = await open({ type: 'complaint', complaint_major: true, subject: 'Technician was rude' });
    const queue = (await t.request({ method: 'GET', url: '/v1/tickets?complaint_major=true' })).json().data;
    expect(queue.map((x: { id: string }) => x.id)).toContain(complaint.id);
    const events = (await t.request({ method: 'GET', url: '/v1/events?limit=1000&types=ticket.complaint_major' })).json().data;
    expect(events.map((e: { resource: { id: string } }) => e.resource.id)).toContain(complaint.id);
    await act(complaint.id, 'assign', { auto: true });
    await act(complaint.id, 'start');
    expect((await act(complaint.id, 'resolve', { method: 'no_fault_found', summary: 'Apologised' })).statusCode).toBe(422);
    expect((await act(complaint.id, 'resolve', { method: 'no_fault_found', summary: 'Apologised', root_cause: 'Overbooked schedule' })).json().resolution.root_cause).toBe('Overbooked schedule');
  });

  it('reopens on an unhappy follow-up and gives the ticket back to its technician', async () => {
    const own = await tech({ name: 'R', regions: ['reo'], skills: ['reo'] });
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'R', region: 'reo' } })).json();
    const x = await open({ customer_id: c.id, category: 'reo' });
    await act(x.id, 'assign', { auto: true });
    await act(x.id, 'start');
    await act(x.id, 'resolve', { method: 'remote_advice', summary: 'Reset it' });
    expect(await load(own.id)).toBe(0);
    const unhappy = await act(x.id, 'follow-up', { outcome: 'not_satisfied' });
    expect(unhappy.json()).toMatchObject({ status: 'in_progress', reopen_count: 1, resolved_at: null, technician_id: own.id });
    expect(await load(own.id)).toBe(1);
  });

  it('lets a technician key act on its own tickets only', async () => {
    const mine = await tech({ name: 'K', regions: ['key'], skills: ['key'] });
    const key = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'k', role: 'technician', technician_id: mine.id } })).json().secret;
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'K', region: 'key' } })).json();
    const x = await open({ customer_id: c.id, category: 'key' });
    const other = await open();
    await act(x.id, 'assign', { technician_id: mine.id });
    expect((await act(x.id, 'start', undefined, key)).json().status).toBe('in_progress');
    expect((await act(other.id, 'start', undefined, key)).statusCode).toBe(404);
    expect((await act(x.id, 'assign', { auto: true }, key)).statusCode).toBe(403);
  });

  it('pure warranty rules', () => {
    const asset = { warranty_until: '2026-01-31', proof_of_purchase: null };
    expect(decideWarranty({ method: 'repair', reportedOn: '2026-01-31', asset })).toMatchObject({ ok: true, decision: { result: 'in_warranty' } });
    expect(decideWarranty({ method: 'repair', reportedOn: '2026-02-01', asset })).toMatchObject({ ok: true, decision: { result: 'out_of_warranty', chargeable: true } });
    expect(decideWarranty({ method: 'repair', reportedOn: '2026-02-01', asset: null })).toMatchObject({ ok: true, decision: { result: 'out_of_warranty' } });
    expect(decideWarranty({ method: 'repair', reportedOn: '2026-02-01', asset, finding: 'in_warranty' })).toMatchObject({ ok: false, slug: 'warranty-contradiction' });
  });

  it('reports a technician workload from the tickets themselves', async () => {
    const w = await tech({ name: 'Load', regions: ['wl'], skills: ['wl'], max_open_tickets: 9 });
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'W', region: 'wl' } })).json();
    const a = await open({ customer_id: c.id, category: 'wl', priority: 'urgent' });
    const b = await open({ customer_id: c.id, category: 'wl' });
    await act(a.id, 'assign', { auto: true });
    await act(b.id, 'assign', { auto: true });
    await act(b.id, 'start');
    const res = (await t.request({ method: 'GET', url: `/v1/technicians/${w.id}/workload` })).json();
    expect(res).toMatchObject({ open_tickets: 2, max_open_tickets: 9, by_status: { assigned: 1, in_progress: 1, on_hold: 0 }, by_priority: { urgent: 1, normal: 1 } });
    expect(res.tickets.map((x: { id: string }) => x.id)).toEqual([a.id, b.id]);
  });

  it('keeps open_tickets equal to the tickets it counts, whatever happens to them', async () => {
    const techs = await Promise.all(['D1', 'D2', 'D3'].map((name, i) => tech({ name, tier: 1 + (i % 2), regions: ['drift'], skills: ['drift'], max_open_tickets: 6 })));
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'D', region: 'drift' } })).json();
    const tickets = await Promise.all(Array.from({ length: 12 }, () => open({ customer_id: c.id, category: 'drift' })));
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const moves: [string, Record<string, unknown> | undefined][] = [
      ['assign', { auto: true }],
      ['assign', { technician_id: techs[0]!.id }],
      ['start', undefined],
      ['hold', { reason: 'waiting_customer' }],
      ['resume', undefined],
      ['escalate', { reason: 'hard', auto: true }],
      ['resolve', { method: 'remote_advice', summary: 'ok' }],
      ['follow-up', { outcome: 'not_satisfied' }],
      ['reopen', { reason: 'again' }],
      ['cancel', { reason: 'gone' }],
    ];
    for (let round = 0; round < 12; round++) {
      const results = await Promise.all(tickets.map((x) => { const [m, body] = moves[rnd(moves.length)]!; return act(x.id, m, body); }));
      for (const r of results) expect(r.statusCode, r.body).toBeLessThan(500);
    }
    const { rows } = await sql<{ id: string; open_tickets: number; counted: number }>`
      select t.id, t.open_tickets, count(k.id)::int as counted
      from technicians t left join tickets k on k.technician_id = t.id and k.status in ('assigned','in_progress','on_hold')
      where t.id in (${sql.join(techs.map((x) => x.id))})
      group by t.id, t.open_tickets`.execute(t.database.db);
    for (const r of rows) expect(r.open_tickets, r.id).toBe(r.counted);
    expect(rows.reduce((n, r) => n + r.counted, 0)).toBeGreaterThan(0);
  });
});
