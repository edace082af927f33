import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';

/** Calls a running service with an API key; JSON in, the response out. */
export function client(baseUrl: string | (() => string), key: string) {
  const base = typeof baseUrl === 'string' ? () => baseUrl : baseUrl;
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many shapes, checked by the tests
    return { status: res.status, body: text && /json/.test(res.headers.get('content-type') ?? '') ? (JSON.parse(text) as Record<string, any>) : {}, text };
  };
}

export type Call = ReturnType<typeof client>;

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function ready(baseUrl: string): Promise<void> {
  await until(`${baseUrl} ready`, async () => ((await fetch(`${baseUrl}/readyz`)).ok ? true : undefined), 60_000);
}

export const newKey = (label: string) => `ak_${label}_${randomBytes(24).toString('base64url')}`;

/**
 * The main flows of the service, as an integrator drives them: a customer, a technician, an
 * urgent ticket, auto-assignment, a customer-visible
 * note, start and resolve with charges, the lists and the event feed. Every answer is checked;
 * the ids are returned for further checks.
 */
export async function coreFlows(call: Call, tag = randomBytes(4).toString('hex')) {
  const expectStatus = (res: { status: number; text: string }, status: number) => expect(res.status, res.text).toBe(status);
  const customer = await call('POST', '/v1/customers', { name: `Flow ${tag}`, region: `r${tag}`, phone: '+8613800000000' });
  expectStatus(customer, 201);
  const tech = await call('POST', '/v1/technicians', { name: `Tech ${tag}`, tier: 1, regions: [`r${tag}`], skills: ['smart-lock'], max_open_tickets: 4 });
  expectStatus(tech, 201);
  const ticket = await call('POST', '/v1/tickets', {
    customer_id: customer.body.id,
    type: 'repair',
    channel: 'phone',
    priority: 'urgent',
    category: 'smart-lock',
    subject: `Lock fails ${tag}`,
  });
  expectStatus(ticket, 201);
  const id = ticket.body.id as string;
  expectStatus(await call('POST', `/v1/tickets/${id}/assign`, { auto: true }), 200);
  expectStatus(await call('POST', `/v1/tickets/${id}/notes`, { kind: 'call', visibility: 'customer', body: 'Called back' }), 201);
  expectStatus(await call('POST', `/v1/tickets/${id}/start`), 200);
  const resolved = await call('POST', `/v1/tickets/${id}/resolve`, {
    method: 'repair',
    summary: 'Replaced the lock board',
    warranty: 'misuse',
    charges: { currency: 'CNY', items: [{ kind: 'parts', description: 'lock board', amount: 12000 }] },
  });
  expectStatus(resolved, 200);
  expect(resolved.body.status).toBe('resolved');
  const got = await call('GET', `/v1/tickets/${id}`);
  expectStatus(got, 200);
  expect(got.body.technician_id).toBe(tech.body.id);
  const list = await call('GET', `/v1/tickets?customer_id=${customer.body.id}`);
  expectStatus(list, 200);
  expect(list.body.data.map((t: { id: string }) => t.id)).toEqual([id]);
  const feed = await call('GET', '/v1/events?limit=100');
  expectStatus(feed, 200);
  return { customerId: customer.body.id as string, technicianId: tech.body.id as string, ticketId: id };
}
