import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { recomputeSla } from '../../src/jobs/sla-recompute.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
const log = pino({ level: 'silent' });
const recompute = () => recomputeSla({ db: t.database.db, clock: t.clock, log });
/** Tickets a recompute reaches: every one not closed or cancelled. */
const openTickets = async () =>
  Number((await t.database.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'not in', ['closed', 'cancelled']).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  t = await createTestApp({ clock: new ManualClock('2026-03-06T09:30:00Z') }); // Friday 17:30 Shanghai
});
afterAll(async () => t.close());

describe('sla-recompute', () => {
  it('moves open tickets’ stored clocks when their calendar gains a holiday, once per change', async () => {
    const weekdays = { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']], sat: [], sun: [] };
    const cal = (await t.request({ method: 'POST', url: '/v1/calendars', payload: { name: 'Chat desk', timezone: 'Asia/Shanghai', hours: weekdays } })).json();
    const policy = await t.request({
      method: 'POST',
      url: '/v1/sla-policies',
      payload: { name: 'Chat', position: 1, match: { channels: ['chat'] }, targets: { first_response: 60, resolution: 1440, follow_up: 4320 }, calendar_id: cal.id },
    });
    expect(policy.statusCode, policy.body).toBe(201);
    expect(await recompute()).toMatchObject({ tickets_recomputed: expect.any(Number) });
    expect(await recompute()).toEqual({ tickets_recomputed: 0 });

    const customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Chatty' } })).json();
    const ticket = (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'inquiry', channel: 'chat', category: 'app', subject: 'Hi' } })).json();
    expect(ticket.sla.first_response.due_at).toBe('2026-03-09T01:30:00.000Z'); // Monday 09:30

    // Monday becomes a holiday: nothing moves until the job runs, then Tuesday 09:30.
    const patched = await t.request({ method: 'PATCH', url: `/v1/calendars/${cal.id}`, payload: { holidays: ['2026-03-09'] } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().sla.first_response.due_at).toBe('2026-03-09T01:30:00.000Z');
    const run = await recompute();
    expect(run.tickets_recomputed).toBe(await openTickets());
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().sla.first_response.due_at).toBe('2026-03-10T01:30:00.000Z');
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/sla` })).json().metrics.first_response.due_at).toBe('2026-03-10T01:30:00.000Z');
    expect(await recompute()).toEqual({ tickets_recomputed: 0 });
    // Another change asks for another run: Tuesday off too, Wednesday 09:30.
    await t.request({ method: 'PATCH', url: `/v1/calendars/${cal.id}`, payload: { holidays: ['2026-03-09', '2026-03-10'] } });
    expect((await recompute()).tickets_recomputed).toBe(await openTickets());
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().sla.first_response.due_at).toBe('2026-03-11T01:30:00.000Z');

    const jobs = (await t.request({ method: 'GET', url: '/v1/jobs' })).json().data.map((j: { name: string }) => j.name);
    expect(jobs).toContain('sla-recompute');
  });

  it('measures the business minutes of clocks stopped before ticket_sla kept them, once, and leaves the clocks otherwise alone', async () => {
    t.clock.set('2026-03-16T01:00:00Z'); // Monday 09:00 Shanghai
    const customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Old clocks' } })).json();
    const technician = (await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'Old T', tier: 1, regions: ['x'], skills: ['app'], max_open_tickets: 5 } })).json();
    const ticket = (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'phone', category: 'app', subject: 'Old' } })).json();
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/assign`, payload: { technician_id: technician.id } });
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/start` });
    t.clock.set('2026-03-16T01:45:00Z');
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, payload: { kind: 'call', visibility: 'customer', body: 'Called back' } });
    t.clock.set('2026-03-16T04:00:00Z');
    const resolved = await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/resolve`, payload: { method: 'repair', summary: 'Fixed' } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const minutes = () =>
      t.database.db.selectFrom('ticket_sla').select(['metric', 'business_minutes', 'state', 'due_at']).where('ticket_id', '=', ticket.id).orderBy('metric').execute();
    const stored = await minutes();
    expect(stored.filter((c) => c.metric !== 'follow_up').map((c) => [c.metric, c.business_minutes])).toEqual([
      ['first_response', 45],
      ['resolution', 180],
    ]);
    // As a database from before the column had them.
    await t.database.db.updateTable('ticket_sla').set({ business_minutes: null }).where('ticket_id', '=', ticket.id).execute();
    t.clock.set('2026-03-20T04:00:00Z');
    const run = await recompute();
    expect(run).toMatchObject({ clocks_measured_tickets: expect.any(Number) });
    expect(await minutes()).toEqual(stored);
    expect(await recompute()).toEqual({ tickets_recomputed: 0 });
  });
});
