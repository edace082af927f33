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
    const ticket = await open();
    const explained = await sla(ticket.id);
    expect(explained.policy.name).toBe('Standard');
    expect(explained.calendar.timezone).toBe('Asia/Shanghai');
    expect(explained.metrics.first_response).toMatchObject({ target_minutes: 60, state: 'running', due_at: '2026-03-09T01:30:00.000Z', elapsed_minutes: 0 });
    expect(explained.metrics.follow_up).toBeNull();
  });

  it('re-matches on a priority change: urgent runs on the 24×7 calendar', async () => {
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

  it('is a 404 for a technician key on someone else’s ticket', async () => {
    const ticket = await open();
    const tech = (await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'Other', tier: 1, max_open_tickets: 1 } })).json();
    const key = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'o', role: 'technician', technician_id: tech.id } })).json().secret;
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/sla`, key })).statusCode).toBe(404);
  });
});
