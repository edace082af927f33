import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let customer: { id: string };
beforeAll(async () => {
  // Friday 6 March 2026, 17:30 in Shanghai.
  t = await createTestApp({ clock: new ManualClock('2026-03-06T09:30:00Z') });
  customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Clock', region: 'sla' } })).json();
  await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'S', tier: 1, regions: ['sla'], skills: ['tv'], max_open_tickets: 9 } });
});
afterAll(async () => t.close());

const open = async (payload: Record<string, unknown> = {}) =>
  (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'phone', category: 'tv', subject: 'SLA', ...payload } })).json();
const sla = async (id: string) => {
  const res = await t.request({ method: 'GET', url: `/v1/tickets/${id}/sla` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const act = (id: string, action: string, payload?: Record<string, unknown>) => t.request({ method: 'POST', url: `/v1/tickets/${id}/${action}`, ...(payload ? { payload } : {}) });

describe('GET /v1/tickets/{id}/sla', () => {
  it('explains the standard policy on business hours: Friday 17:30 + 60 minutes is Monday 09:30', async () => {
    t.clock.set('2026-03-06T09:30:00Z'); // Friday 17:30 Shanghai
    const ticket = await open();
    const explained = await sla(ticket.id);
    expect(explained.policy.name).toBe('Standard');
    expect(explained.calendar.timezone).toBe('Asia/Shanghai');
    expect(explained.metrics.first_response).toMatchObject({ target_minutes: 60, state: 'running', due_at: '2026-03-09T01:30:00.000Z', elapsed_minutes: 0 });
    expect(explained.metrics.follow_up).toBeNull();
  });

  it('re-matches on a priority change: urgent runs on the 24×7 calendar', async () => {
    t.clock.set('2026-03-06T09:30:00Z');
    const ticket = await open();
    await t.request({ method: 'PATCH', url: `/v1/tickets/${ticket.id}`, payload: { priority: 'urgent' } });
    const explained = await sla(ticket.id);
    expect(explained.policy.name).toBe('Urgent, around the clock');
    expect(explained.metrics.first_response.due_at).toBe('2026-03-06T10:30:00.000Z');
  });

  it('follows the ticket through first response, a paused hold, resolution and follow-up', async () => {
    t.clock.set('2026-03-09T01:00:00Z'); // Monday 09:00 Shanghai
    const ticket = await open();
    t.clock.advance(20 * 60_000);
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, payload: { kind: 'call', visibility: 'customer', body: 'On it' } });
    await act(ticket.id, 'assign', { auto: true });
    await act(ticket.id, 'start');
    t.clock.advance(40 * 60_000); // 10:00
    await act(ticket.id, 'hold', { reason: 'waiting_customer' });
    t.clock.advance(3 * 3_600_000); // 13:00
    let explained = await sla(ticket.id);
    expect(explained.metrics.first_response).toMatchObject({ state: 'met', elapsed_minutes: 20 });
    expect(explained.metrics.resolution).toMatchObject({ state: 'paused', due_at: null, elapsed_minutes: 60 });
    await act(ticket.id, 'resume');
    t.clock.advance(60 * 60_000); // 14:00
    await act(ticket.id, 'resolve', { method: 'repair', summary: 'Fixed' });
    explained = await sla(ticket.id);
    expect(explained.metrics.resolution.segments.map((s: { kind: string; business_minutes: number }) => [s.kind, s.business_minutes])).toEqual([
      ['running', 60],
      ['paused', 180],
      ['running', 60],
    ]);
    expect(explained.metrics.resolution).toMatchObject({ state: 'met', elapsed_minutes: 120 });
    expect(explained.metrics.follow_up).toMatchObject({ state: 'running', started_at: '2026-03-09T06:00:00.000Z' });
    t.clock.advance(3_600_000);
    await act(ticket.id, 'follow-up', { outcome: 'satisfied' });
    expect((await sla(ticket.id)).metrics.follow_up.state).toBe('met');
  });

  it('answers 422 when no active policy matches the ticket', async () => {
    const ticket = await open();
    const list = (await t.request({ method: 'GET', url: '/v1/sla-policies?active=true' })).json().data as { id: string }[];
    for (const p of list) await t.request({ method: 'PATCH', url: `/v1/sla-policies/${p.id}`, payload: { active: false } });
    try {
      const res = await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/sla` });
      expect(res.statusCode).toBe(422);
      expect(res.json().type).toContain('no-sla-policy');
    } finally {
      for (const p of list) await t.request({ method: 'PATCH', url: `/v1/sla-policies/${p.id}`, payload: { active: true } });
    }
  });

  it('is a 404 for a technician key on someone else’s ticket', async () => {
    const ticket = await open();
    const tech = (await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'Other', tier: 1, max_open_tickets: 1 } })).json();
    const key = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'o', role: 'technician', technician_id: tech.id } })).json().secret;
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/sla`, key })).statusCode).toBe(404);
  });

  it('shows the sla block on the ticket, kept right by every change and by the passing of time', async () => {
    t.clock.set('2026-03-06T09:30:00Z'); // Friday 17:30 Shanghai
    const ticket = await open();
    expect(ticket.sla.first_response).toEqual({ due_at: '2026-03-09T01:30:00.000Z', completed_at: null, state: 'running', breached_at: null });
    expect(ticket.sla.follow_up).toBeNull();
    const get = async () => (await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}` })).json();
    t.clock.set('2026-03-09T01:20:00Z'); // Monday 09:20: past 80%
    expect((await get()).sla.first_response.state).toBe('warning');
    t.clock.set('2026-03-09T01:31:00Z');
    expect((await get()).sla.first_response.state).toBe('breached');
    // A priority change re-matches the policy and moves the targets.
    const urgent = (await t.request({ method: 'PATCH', url: `/v1/tickets/${ticket.id}`, payload: { priority: 'urgent' } })).json();
    expect(urgent.sla.resolution.due_at).toBe('2026-03-07T09:30:00.000Z');
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, payload: { kind: 'call', visibility: 'customer', body: 'Hello' } });
    const responded = await get();
    expect(responded.sla.first_response).toMatchObject({ state: 'breached', completed_at: '2026-03-09T01:31:00.000Z' });
    // Its resolution (24 hours around the clock) was already overdue: a hold does not undo a breach.
    await act(ticket.id, 'assign', { auto: true });
    await act(ticket.id, 'start');
    expect((await act(ticket.id, 'hold', { reason: 'waiting_customer' })).json().sla.resolution.state).toBe('breached');
    // A fresh ticket put on hold waiting for the customer: its resolution clock stands still.
    const fresh = await open();
    await act(fresh.id, 'assign', { auto: true });
    await act(fresh.id, 'start');
    const held = (await act(fresh.id, 'hold', { reason: 'waiting_customer' })).json();
    expect(held.sla.resolution).toMatchObject({ state: 'paused', due_at: null });
    const listed = (await t.request({ method: 'GET', url: `/v1/tickets?customer_id=${customer.id}&limit=200` })).json().data.find((x: { id: string }) => x.id === fresh.id);
    expect(listed.sla).toEqual(held.sla);
    const feed = (await t.request({ method: 'GET', url: '/v1/events?limit=1000&types=ticket.status_changed' })).json().data;
    expect(feed.at(-1).data.sla.resolution.state).toBe('paused');
  });

  it('stores exactly what a fresh computation from the history gives, after any sequence of changes', async () => {
    const moves: [string, Record<string, unknown> | undefined][] = [
      ['assign', { auto: true }],
      ['start', undefined],
      ['hold', { reason: 'waiting_customer' }],
      ['hold', { reason: 'waiting_parts' }],
      ['resume', undefined],
      ['resolve', { method: 'remote_advice', summary: 'ok' }],
      ['follow-up', { outcome: 'not_satisfied' }],
      ['follow-up', { outcome: 'satisfied' }],
      ['reopen', { reason: 'again' }],
    ];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const tickets = await Promise.all(Array.from({ length: 5 }, () => open()));
    for (let round = 0; round < 10; round++) {
      t.clock.advance(rnd(5) * 3_600_000 + 60_000);
      for (const x of tickets) {
        if (rnd(4) === 0) await t.request({ method: 'POST', url: `/v1/tickets/${x.id}/notes`, payload: { kind: 'sms', visibility: 'customer', body: 'update' } });
        else if (rnd(6) === 0) await t.request({ method: 'PATCH', url: `/v1/tickets/${x.id}`, payload: { priority: ['urgent', 'normal', 'high'][rnd(3)] } });
        else { const [m, body] = moves[rnd(moves.length)]!; await act(x.id, m, body); }
      }
    }
    for (const x of tickets) {
      const stored = (await t.request({ method: 'GET', url: `/v1/tickets/${x.id}` })).json().sla;
      const fresh = (await sla(x.id)).metrics;
      for (const metric of ['first_response', 'resolution', 'follow_up', 'periodic_update']) {
        const f = fresh[metric];
        expect(stored[metric] === null, `${x.id} ${metric}`).toBe(f === null);
        if (f) expect({ ...stored[metric], breached_at: null }).toEqual({ due_at: f.due_at, completed_at: f.completed_at, state: f.state, breached_at: null });
      }
    }
  });
});

describe('stored clocks kept by folding each change into the ticket’s account', () => {
  const done = async (res: Promise<{ statusCode: number; body: string }>) => {
    const r = await res;
    expect(r.statusCode, r.body).toBeLessThan(300);
  };
  /** The stored sla block (folded change by change) against the clocks walked out of the whole timeline. */
  const agree = async (id: string) => {
    const ticket = (await t.request({ method: 'GET', url: `/v1/tickets/${id}` })).json();
    const explained = await sla(id);
    for (const metric of ['first_response', 'resolution', 'follow_up', 'periodic_update'] as const) {
      const walked = explained.metrics[metric];
      expect(ticket.sla[metric] && { due_at: ticket.sla[metric].due_at, completed_at: ticket.sla[metric].completed_at }, metric).toEqual(walked && { due_at: walked.due_at, completed_at: walked.completed_at });
    }
    return ticket;
  };

  it('agrees with the whole-timeline walk after every step, and keeps one fold row at the ticket’s version', async () => {
    t.clock.set('2026-03-10T01:00:00Z'); // Tuesday 09:00 Shanghai
    const ticket = await open();
    await done(act(ticket.id, 'assign', { auto: true }));
    await done(act(ticket.id, 'start'));
    for (let i = 0; i < 6; i++) {
      t.clock.advance(25 * 60_000);
      await done(act(ticket.id, 'hold', { reason: i % 2 ? 'waiting_customer' : 'waiting_parts' }));
      await agree(ticket.id);
      t.clock.advance(70 * 60_000);
      await done(act(ticket.id, 'resume'));
      await agree(ticket.id);
    }
    await done(t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, payload: { kind: 'call', visibility: 'customer', body: 'Back tomorrow' } }));
    t.clock.advance(3 * 3_600_000);
    await done(t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, payload: { kind: 'call', visibility: 'customer', body: 'Parts ordered' } }));
    await done(act(ticket.id, 'resolve', { method: 'repair', summary: 'Fixed' }));
    t.clock.advance(26 * 3_600_000);
    await done(act(ticket.id, 'reopen', { reason: 'Still noisy' }));
    const last = await agree(ticket.id);
    const fold = await t.database.db.selectFrom('ticket_clock_folds').select(['version']).where('ticket_id', '=', ticket.id).execute();
    expect(fold).toEqual([{ version: last.version }]);
  });

  it('folds the whole timeline again when a change came in without folding (an instance of the previous release)', async () => {
    t.clock.set('2026-03-11T01:00:00Z'); // Wednesday 09:00 Shanghai
    const ticket = await open();
    await done(act(ticket.id, 'assign', { auto: true }));
    await done(act(ticket.id, 'start'));
    t.clock.advance(30 * 60_000);
    // What a previous release's hold writes: the entry and the version, no fold.
    await t.database.db
      .insertInto('ticket_timeline')
      .values({ id: '01900000-0000-7000-8000-00000000f01d', ticket_id: ticket.id, at: t.clock.now(), entry: 'action', action: 'hold', data: JSON.stringify({ reason: 'waiting_customer' }), actor_kind: 'system' })
      .execute();
    await t.database.db.updateTable('tickets').set((eb) => ({ status: 'on_hold', hold_reason: 'waiting_customer', version: eb('version', '+', 1) })).where('id', '=', ticket.id).execute();
    t.clock.advance(2 * 3_600_000);
    expect((await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, payload: { kind: 'call', visibility: 'internal', body: 'checking' } })).statusCode).toBe(201);
    const after = await agree(ticket.id);
    // The hold the fold never saw pauses the resolution clock: paused, no due time.
    expect(after.sla.resolution).toMatchObject({ state: 'paused', due_at: null });
  });
});
