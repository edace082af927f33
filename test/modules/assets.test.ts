import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await createTestApp();
  customerId = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Owner' } })).json().id;
});
afterAll(async () => t.close());

const addAsset = (payload: Record<string, unknown>, owner = customerId) =>
  t.request({ method: 'POST', url: `/v1/customers/${owner}/assets`, payload });

describe('assets (products customers own)', () => {
  it('registers a product with its purchase, proof and warranty', async () => {
    const res = await addAsset({
      product_model: 'Smart Lock S2',
      category: 'smart-lock',
      serial_number: 'SL2-000123',
      purchased_on: '2025-06-01',
      proof_of_purchase: { kind: 'invoice', reference: 'INV-88', issued_on: '2025-06-01' },
      warranty_until: '2027-06-01',
      installed_on: '2025-06-03',
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/v1/assets/${res.json().id}`);
    expect(res.json()).toMatchObject({
      customer_id: customerId,
      purchased_on: '2025-06-01',
      warranty_until: '2027-06-01',
      proof_of_purchase: { kind: 'invoice', reference: 'INV-88', issued_on: '2025-06-01' },
      version: 1,
    });
    const got = await t.request({ method: 'GET', url: `/v1/assets/${res.json().id}` });
    expect(got.json()).toEqual(res.json());
  });

  it('finds products by serial number, customer and category', async () => {
    await addAsset({ product_model: 'Sofa', category: 'furniture', serial_number: 'FUR-1' });
    await addAsset({ product_model: 'Chair', category: 'furniture', serial_number: 'FUR-2' });
    const bySerial = (await t.request({ method: 'GET', url: '/v1/assets?serial_number=FUR-2' })).json().data;
    expect(bySerial.map((a: { product_model: string }) => a.product_model)).toEqual(['Chair']);
    const byCategory = (await t.request({ method: 'GET', url: `/v1/assets?category=furniture&customer_id=${customerId}` })).json().data;
    expect(byCategory).toHaveLength(2);
  });

  it('refuses dates that contradict each other with 422 naming the fields', async () => {
    const res = await addAsset({ product_model: 'TV', category: 'tv', purchased_on: '2025-05-01', warranty_until: '2025-04-01', installed_on: '2025-01-01' });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['/body/installed_on', '/body/warranty_until']);
    const future = await addAsset({ product_model: 'TV', category: 'tv', purchased_on: '2030-01-01' });
    expect(future.statusCode).toBe(422);
    const badProof = await addAsset({ product_model: 'TV', category: 'tv', proof_of_purchase: { kind: 'photo', reference: 'x', issued_on: '2025-01-01' } });
    expect(badProof.statusCode).toBe(400);
  });

  it('checks a PATCH against the dates it keeps', async () => {
    const a = (await addAsset({ product_model: 'Washer', category: 'appliance', purchased_on: '2025-01-10', warranty_until: '2026-01-10' })).json();
    const bad = await t.request({ method: 'PATCH', url: `/v1/assets/${a.id}`, payload: { purchased_on: '2026-02-01' } });
    expect(bad.statusCode).toBe(422);
    const ok = await t.request({ method: 'PATCH', url: `/v1/assets/${a.id}`, payload: { warranty_until: '2028-01-10', proof_of_purchase: { kind: 'receipt', reference: 'R1', issued_on: '2025-01-10' } } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ warranty_until: '2028-01-10', version: 2, proof_of_purchase: { kind: 'receipt' } });
    const cleared = await t.request({ method: 'PATCH', url: `/v1/assets/${a.id}`, payload: { proof_of_purchase: null } });
    expect(cleared.json().proof_of_purchase).toBeNull();
  });

  it('answers 404 for an unknown customer or asset', async () => {
    expect((await addAsset({ product_model: 'X', category: 'x' }, '01a20c20-bb81-70a7-8e07-0eb4f830d29b')).statusCode).toBe(404);
    expect((await t.request({ method: 'PATCH', url: '/v1/assets/01a20c20-bb81-70a7-8e07-0eb4f830d29b', payload: { category: 'y' } })).statusCode).toBe(404);
  });

  it('is audited', async () => {
    const a = (await addAsset({ product_model: 'Audited', category: 'x' })).json();
    await t.request({ method: 'PATCH', url: `/v1/assets/${a.id}`, payload: { serial_number: 'S' } });
    const entries = (await t.request({ method: 'GET', url: `/v1/audit?resource=asset/${a.id}` })).json().data;
    expect(entries.map((e: { action: string; fields: string[] }) => [e.action, e.fields])).toEqual([
      ['updated', ['serial_number']],
      ['created', ['product_model', 'category']],
    ]);
  });
});
