import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('version, ETag and If-Match', () => {
  it('returns the version as an ETag and bumps it on every change', async () => {
    const created = await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Etag' } });
    expect(created.headers.etag).toBe('"1"');
    const id = created.json().id;
    const got = await t.request({ method: 'GET', url: `/v1/customers/${id}` });
    expect(got.headers.etag).toBe('"1"');
    const patched = await t.request({ method: 'PATCH', url: `/v1/customers/${id}`, payload: { tier: 'key' }, headers: { 'if-match': '"1"' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().version).toBe(2);
    expect(patched.headers.etag).toBe('"2"');
  });

  it('refuses a stale If-Match with 412 and leaves the record as it was', async () => {
    const id = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Stale' } })).json().id;
    await t.request({ method: 'PATCH', url: `/v1/customers/${id}`, payload: { region: 'north' } });
    const stale = await t.request({ method: 'PATCH', url: `/v1/customers/${id}`, payload: { region: 'south' }, headers: { 'if-match': '"1"' } });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().detail).toContain('version 2');
    expect((await t.request({ method: 'GET', url: `/v1/customers/${id}` })).json().region).toBe('north');
    expect((await t.request({ method: 'PATCH', url: `/v1/customers/${id}`, payload: { region: 'x' }, headers: { 'if-match': 'garbage' } })).statusCode).toBe(400);
    expect((await t.request({ method: 'PATCH', url: `/v1/customers/${id}`, payload: { region: 'any' }, headers: { 'if-match': '*' } })).statusCode).toBe(200);
  });

  it('lets only one of two agents writing the same version win', async () => {
    const id = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Race' } })).json().id;
    const results = await Promise.all(
      ['east', 'west', 'north', 'south'].map((region) =>
        t.request({ method: 'PATCH', url: `/v1/customers/${id}`, payload: { region }, headers: { 'if-match': '"1"' } }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 412, 412, 412]);
    const winner = results.find((r) => r.statusCode === 200)!.json().region;
    const final = (await t.request({ method: 'GET', url: `/v1/customers/${id}` })).json();
    expect(final).toMatchObject({ region: winner, version: 2 });
  });

  it('applies If-Match to assets, PUT by external ref and erasure', async () => {
    const customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Owner' } })).json();
    const asset = (await t.request({ method: 'POST', url: `/v1/customers/${customer.id}/assets`, payload: { product_model: 'Sofa', category: 'furniture' } })).json();
    expect((await t.request({ method: 'PATCH', url: `/v1/assets/${asset.id}`, payload: { serial_number: 'A' }, headers: { 'if-match': '"9"' } })).statusCode).toBe(412);
    expect((await t.request({ method: 'PATCH', url: `/v1/assets/${asset.id}`, payload: { serial_number: 'A' }, headers: { 'if-match': '"1"' } })).statusCode).toBe(200);
    await t.request({ method: 'PUT', url: '/v1/customers/by-external-ref/ETAG-1', payload: { name: 'Put' } });
    expect((await t.request({ method: 'PUT', url: '/v1/customers/by-external-ref/ETAG-1', payload: { name: 'Put 2' }, headers: { 'if-match': '"5"' } })).statusCode).toBe(412);
    expect((await t.request({ method: 'DELETE', url: `/v1/customers/${customer.id}`, headers: { 'if-match': '"7"' } })).statusCode).toBe(412);
  });
});
