import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('smoke', () => {
  it('creates a customer', async () => {
    const res = await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Ada' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe('Ada');
  });
});
