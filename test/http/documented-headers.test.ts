import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

// The headers openapi.json declares (src/http/openapi.ts, withHeaders) are the ones sent.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('the headers the document declares', () => {
  it('a 201 carries Location, ETag and the rate-limit headers; a replay says so; a GET carries the ETag', async () => {
    const created = await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Headers' }, headers: { 'idempotency-key': 'hdr-1' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect(created.headers).toMatchObject({ location: `/v1/customers/${id}`, etag: '"1"' });
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) expect(Number(created.headers[h]), h).toBeGreaterThanOrEqual(0);
    const replay = await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Headers' }, headers: { 'idempotency-key': 'hdr-1' } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // A replay is the first answer again, headers included.
    expect(replay.headers).toMatchObject({ location: `/v1/customers/${id}`, etag: '"1"' });
    expect((await t.request({ method: 'GET', url: `/v1/customers/${id}` })).headers.etag).toBe('"1"');
    const stale = await t.request({ method: 'PATCH', url: `/v1/customers/${id}`, payload: { name: 'Moved' }, headers: { 'if-match': '"7"' } });
    expect(stale.statusCode).toBe(412);
  });

  it('a 401 says how to authenticate', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/customers', key: null });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="aftercare"');
    // Counted by the rate limiter against the client's address, as the document says.
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeGreaterThanOrEqual(0);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('a survey, versioned like every resource, carries its ETag', async () => {
    const customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Surveyed', region: 'west' } })).json();
    await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'West', tier: 1, regions: ['west'], skills: ['oven'], max_open_tickets: 5 } });
    const ticket = (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'phone', category: 'oven', subject: 'Cold' } })).json();
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/assign`, payload: { auto: true } });
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/start`, payload: {} });
    const resolved = await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/resolve`, payload: { method: 'repair', summary: 'New element', warranty: 'out_of_warranty' } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const survey = await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/surveys` });
    expect(survey.statusCode, survey.body).toBe(201);
    expect(survey.headers.etag).toBe(`"${survey.json().version}"`);
    expect(survey.headers.location).toBe(`/v1/surveys/${survey.json().id}`);
    expect((await t.request({ method: 'GET', url: `/v1/surveys/${survey.json().id}` })).headers.etag).toBe(`"${survey.json().version}"`);
  });
});
