import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await createTestApp();
  customerId = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Feed' } })).json().id;
});
afterAll(async () => t.close());

interface Ev {
  id: string;
  type: string;
  position: number;
  resource: { id: string };
  data: Record<string, unknown>;
  actor: { role: string };
}
const open = (subject = 'Feed ticket') =>
  t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customerId, type: 'repair', channel: 'app', category: 'c', subject } });
async function read(after?: string, types?: string): Promise<{ data: Ev[]; next_cursor: string }> {
  const qs = new URLSearchParams({ limit: '1000', ...(after ? { after } : {}), ...(types ? { types } : {}) });
  const res = await t.request({ method: 'GET', url: `/v1/events?${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('the event feed', () => {
  it('carries each change with its actor and the resource as GET returns it', async () => {
    const created = (await open()).json();
    const page = await read(undefined, 'ticket.created');
    const ev = page.data.find((e) => e.resource.id === created.id)!;
    expect(ev).toMatchObject({ type: 'ticket.created', actor: { role: 'admin' } });
    expect(ev.data).toEqual((await t.request({ method: 'GET', url: `/v1/tickets/${created.id}` })).json());
    const again = await read(page.next_cursor);
    expect(again.data).toEqual([]);
    expect(again.next_cursor).toBe(page.next_cursor);
  });

  it('never skips an event whose transaction commits after a later one', async () => {
    const start = (await read()).next_cursor;
    // A writer that started first and is still running when a second commits.
    const slow = new pg.Client({ connectionString: t.url });
    await slow.connect();
    await slow.query('begin');
    await slow.query(`insert into events (id, type, occurred_at, actor, resource_type, resource_id, data)
      values (gen_random_uuid(), 'ticket.updated', now(), '{"kind":"system","id":null,"role":"system"}', 'ticket', gen_random_uuid(), '{}')`);
    const fast = (await open('committed first')).json();
    const during = await read(start);
    expect(during.data.map((e) => e.resource.id)).not.toContain(fast.id);
    await slow.query('commit');
    await slow.end();
    const after = await read(during.next_cursor);
    expect(after.data.map((e) => e.type)).toEqual(['ticket.updated', 'ticket.created']);
    expect(after.data[1]!.resource.id).toBe(fast.id);
  });

  it('gives a reader polling during concurrent writes every event exactly once, in order', async () => {
    let cursor = (await read()).next_cursor;
    const seen: Ev[] = [];
    let writing = true;
    const writers = Promise.all(Array.from({ length: 30 }, (_, i) => open(`concurrent ${i}`))).finally(() => (writing = false));
    while (writing) {
      const page = await read(cursor);
      seen.push(...page.data);
      cursor = page.next_cursor;
    }
    await writers;
    const last = await read(cursor);
    seen.push(...last.data);
    const created = seen.filter((e) => e.type === 'ticket.created');
    expect(created).toHaveLength(30);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    const positions = seen.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('filters by type and refuses a forged cursor', async () => {
    const page = await read(undefined, 'customer.created');
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.every((e) => e.type === 'customer.created')).toBe(true);
    expect(page.data[0]!.data).toEqual((await t.request({ method: 'GET', url: `/v1/customers/${customerId}` })).json());
    expect((await t.request({ method: 'GET', url: '/v1/events?after=bm90LWEtY3Vyc29y' })).statusCode).toBe(400);
    // A position of the feed's own form that the feed never gave out (it skips every event).
    const forged = Buffer.from('p:999999999').toString('base64url');
    const res = await t.request({ method: 'GET', url: `/v1/events?after=${forged}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: '/query/after', message: 'is invalid' }]);
    expect((await t.request({ method: 'GET', url: '/v1/events?types=DROP%20TABLE' })).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: '/v1/events', key: await t.key('agent') })).statusCode).toBe(403);
  });
});
