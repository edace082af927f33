import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/*
 * An Idempotency-Key replay answers with the first response's body byte for byte, for every
 * creating POST and every action: the stored body is what the route sent (its response
 * schema, its key order), never the service's result serialized some other way.
 */

let t: TestApp;
let n = 0;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function twice(opts: InjectOptions): Promise<{ first: LightMyRequestResponse; again: LightMyRequestResponse }> {
  const key = `replay-${++n}`;
  const first = await t.request({ ...opts, headers: { 'idempotency-key': key } });
  const again = await t.request({ ...opts, headers: { 'idempotency-key': key } });
  expect(first.statusCode, first.body).toBeLessThan(300);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.statusCode).toBe(first.statusCode);
  return { first, again };
}

/** The same bytes, and not just the same JSON. */
async function replaysExactly(opts: InjectOptions) {
  const { first, again } = await twice(opts);
  expect(again.body).toBe(first.body);
  return first.json();
}

describe('Idempotency-Key replays are the first body, byte for byte', () => {
  it('for every creating POST, a ticket with its sla block among them', async () => {
    const customer = await replaysExactly({ method: 'POST', url: '/v1/customers', payload: { name: '回放 Replay', region: 'east', tags: ['x'] } });
    await replaysExactly({ method: 'POST', url: `/v1/customers/${customer.id}/assets`, payload: { product_model: 'Fridge F1', category: 'fridge', serial_number: 'RP-1' } });
    await replaysExactly({ method: 'POST', url: '/v1/technicians', payload: { name: 'Replay tech', tier: 1, regions: ['east'], skills: ['fridge'], max_open_tickets: 5 } });
    const ticket = await replaysExactly({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'phone', category: 'fridge', subject: 'Not cooling' } });
    expect(ticket.sla.first_response).not.toBeNull();
    await replaysExactly({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, payload: { kind: 'comment', visibility: 'customer', body: 'We will call you' } });
    const calendar = await replaysExactly({
      method: 'POST',
      url: '/v1/calendars',
      payload: { name: 'Replay hours', timezone: 'Asia/Shanghai', hours: { mon: [['09:00', '18:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } },
    });
    await replaysExactly({
      method: 'POST',
      url: '/v1/sla-policies',
      payload: { name: 'Replay', position: 90, match: { channels: ['email'] }, targets: { first_response: 30, resolution: 480, follow_up: 1440 }, calendar_id: calendar.id },
    });
  });

  it('for every action of the life of a ticket', async () => {
    const customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Actions', region: 'north' } })).json();
    for (const tier of [1, 2]) {
      await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: `North ${tier}`, tier, regions: ['north'], skills: ['washer'], max_open_tickets: 10 } });
    }
    const open = async () =>
      (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'app', category: 'washer', subject: 'Leaks' } })).json().id as string;
    const act = (id: string, action: string, payload: Record<string, unknown> = {}) => replaysExactly({ method: 'POST', url: `/v1/tickets/${id}/${action}`, payload });

    const a = await open();
    expect((await act(a, 'assign', { auto: true })).assignment).not.toBeNull();
    await act(a, 'start');
    await act(a, 'hold', { reason: 'waiting_parts' });
    await act(a, 'resume');
    expect((await act(a, 'escalate', { reason: 'needs a specialist', auto: true })).tier).toBe(2);
    await act(a, 'start');
    await act(a, 'resolve', { method: 'repair', summary: 'Replaced the pump', warranty: 'out_of_warranty' });
    await act(a, 'reopen', { reason: 'leaks again' });
    await act(a, 'resolve', { method: 'repair', summary: 'Sealed the hose', warranty: 'out_of_warranty' });
    await act(a, 'follow-up', { outcome: 'not_satisfied', note: 'still noisy' });
    await act(a, 'resolve', { method: 'repair', summary: 'Balanced the drum', warranty: 'out_of_warranty' });
    await act(a, 'close');

    const b = await open();
    await act(b, 'assign', { auto: true });
    await act(b, 'start');
    await act(b, 'resolve', { method: 'remote_advice', summary: 'Reset', warranty: 'out_of_warranty' });
    expect((await act(b, 'follow-up', { outcome: 'satisfied' })).status).toBe('closed');
    expect((await act(await open(), 'cancel', { reason: 'duplicate' })).status).toBe('cancelled');
  });

  it('without the secrets that are shown once: the rest of the body is the same bytes', async () => {
    const { first, again } = await twice({ method: 'POST', url: '/v1/api-keys', payload: { name: 'once', role: 'agent' } });
    const secret = first.json().secret as string;
    expect(again.body).toBe(first.body.replace(JSON.stringify(secret), 'null'));
  });
});
