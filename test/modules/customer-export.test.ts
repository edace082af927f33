import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const post = async (url: string, payload?: Record<string, unknown>) => {
  const res = await t.request({ method: 'POST', url, ...(payload ? { payload } : {}) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
};

describe('GET /v1/customers/{id}/export (data-subject requests)', () => {
  it('gives everything held about the customer and nothing about anyone else', async () => {
    const customer = await post('/v1/customers', { name: '王芳 Wang Fang', phone: '+8613900000001', email: 'fang@example.com', region: 'east' });
    const other = await post('/v1/customers', { name: 'Someone else', region: 'east' });
    const asset = await post(`/v1/customers/${customer.id}/assets`, { product_model: 'Oven X1', category: 'oven', serial_number: 'OV-1' });
    const tech = await post('/v1/technicians', { name: 'Li', tier: 1, regions: ['east'], skills: ['oven'], max_open_tickets: 5 });
    const ticket = await post('/v1/tickets', { customer_id: customer.id, asset_id: asset.id, type: 'repair', channel: 'phone', priority: 'high', category: 'oven', subject: 'Oven does not heat' });
    const second = await post('/v1/tickets', { customer_id: customer.id, type: 'inquiry', channel: 'email', priority: 'low', category: 'oven', subject: 'Manual?' });
    await post('/v1/tickets', { customer_id: other.id, type: 'repair', channel: 'phone', priority: 'high', category: 'oven', subject: 'Not theirs' });
    await post(`/v1/tickets/${ticket.id}/assign`, { technician_id: tech.id });
    await post(`/v1/tickets/${ticket.id}/notes`, { kind: 'call', visibility: 'customer', body: 'Called back' });
    await post(`/v1/tickets/${ticket.id}/start`);
    await post(`/v1/tickets/${ticket.id}/resolve`, { method: 'repair', summary: 'Replaced the element', warranty: 'misuse' });
    const survey = await post(`/v1/tickets/${ticket.id}/surveys`);

    const res = await t.request({ method: 'GET', url: `/v1/customers/${customer.id}/export` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="customer-${customer.id}.json"`);
    const x = res.json();
    expect(x.customer).toMatchObject({ id: customer.id, name: '王芳 Wang Fang', phone: '+8613900000001', email: 'fang@example.com' });
    expect(x.assets.map((a: { id: string }) => a.id)).toEqual([asset.id]);
    expect(x.tickets.map((tk: { id: string }) => tk.id)).toEqual([ticket.id, second.id]);
    expect(x.tickets[0]).toMatchObject({ status: 'resolved', technician_id: tech.id });
    expect(x.tickets[0].sla.resolution).toMatchObject({ state: expect.any(String) });
    const timeline = x.timelines.find((tl: { ticket_id: string }) => tl.ticket_id === ticket.id).entries;
    expect(timeline.map((e: { entry: string }) => e.entry)).toEqual(expect.arrayContaining(['note', 'assignment', 'action']));
    expect(timeline.find((e: { entry: string }) => e.entry === 'note').body).toBe('Called back');
    expect(x.timelines.map((tl: { ticket_id: string }) => tl.ticket_id)).toEqual([ticket.id, second.id]);
    // The survey, never its token.
    expect(x.surveys).toEqual([expect.objectContaining({ id: survey.id, token: null, respond_url: null })]);
    expect(JSON.stringify(x)).not.toContain(survey.token);
    // The events about the customer, its product and tickets, in feed order; none about the other customer.
    const about = new Set(x.events.map((e: { resource: { id: string } }) => e.resource.id));
    expect(about).toEqual(new Set([customer.id, ticket.id, second.id, survey.id]));
    const positions = x.events.map((e: { position: number }) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(x.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['customer.created', 'ticket.created', 'ticket.resolved']));
    // The audit trail of the customer and its records.
    const audited = new Set(x.audit.map((a: { resource: { type: string } }) => a.resource.type));
    expect([...audited]).toEqual(expect.arrayContaining(['customer', 'asset']));
    expect(JSON.stringify(x)).not.toContain('Not theirs');
    expect(JSON.stringify(x)).not.toContain(other.id);
  });

  it('is 404 for a customer that does not exist, and refused to roles that may not erase', async () => {
    expect((await t.request({ method: 'GET', url: '/v1/customers/01900000-0000-7000-8000-00000000dead/export' })).statusCode).toBe(404);
    const customer = await post('/v1/customers', { name: 'Private' });
    for (const role of ['agent', 'analyst', 'qa'] as const) {
      const key = await t.key(role);
      const res = await t.request({ method: 'GET', url: `/v1/customers/${customer.id}/export`, key });
      expect(res.statusCode, role).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('exports what erasure left of an erased customer', async () => {
    const customer = await post('/v1/customers', { name: 'Gone Soon', phone: '+8613900000009' });
    expect((await t.request({ method: 'DELETE', url: `/v1/customers/${customer.id}` })).statusCode).toBe(200);
    const x = (await t.request({ method: 'GET', url: `/v1/customers/${customer.id}/export` })).json();
    expect(x.customer).toMatchObject({ status: 'erased', phone: null });
    expect(JSON.stringify(x)).not.toContain('+8613900000009');
    expect(JSON.stringify(x)).not.toContain('Gone Soon');
  });
});
