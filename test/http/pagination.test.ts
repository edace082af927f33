import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
const ids: string[] = [];
beforeAll(async () => {
  t = await createTestApp();
  for (let i = 0; i < 7; i++) {
    ids.push((await t.request({ method: 'POST', url: '/v1/customers', payload: { name: `Page ${i}`, region: 'paged' } })).json().id);
    t.clock.advance(1000);
  }
});
afterAll(async () => t.close());

async function walk(url: string) {
  const pages: string[][] = [];
  const u = new URL(url, 'http://x');
  // A url may already carry the first cursor.
  let cursor: string | null = u.searchParams.get('cursor');
  do {
    if (cursor) u.searchParams.set('cursor', cursor);
    const res = await t.request({ method: 'GET', url: `${u.pathname}${u.search}` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { data: { id: string }[]; next_cursor: string | null };
    pages.push(body.data.map((c) => c.id));
    cursor = body.next_cursor;
  } while (cursor && pages.length < 20);
  return pages;
}

describe('keyset pagination', () => {
  it('walks every item once, newest first, with next_cursor null at the end', async () => {
    const pages = await walk('/v1/customers?region=paged&limit=3');
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual([...ids].reverse());
  });

  it('gives a full last page no next_cursor when nothing follows', async () => {
    const pages = await walk('/v1/customers?region=paged&limit=7');
    expect(pages).toHaveLength(1);
  });

  it('syncs incrementally with updated_since, oldest change first, and sees a later change again', async () => {
    const since = new Date(t.clock.now().getTime() - 5500).toISOString();
    const first = await t.request({ method: 'GET', url: `/v1/customers?updated_since=${since}&limit=2` });
    const body = first.json();
    expect(body.data.map((c: { id: string }) => c.id)).toEqual(ids.slice(2, 4));
    // An item changes while the client is syncing: it moves to the end of the feed.
    t.clock.advance(1000);
    await t.request({ method: 'PATCH', url: `/v1/customers/${ids[2]}`, payload: { tier: 'vip' } });
    const rest = await walk(`/v1/customers?updated_since=${since}&limit=2&cursor=${body.next_cursor}`);
    expect(rest.flat()).toEqual([...ids.slice(4), ids[2]]);
    // The cursor stands alone: without updated_since it goes on in the same order.
    const alone = await walk(`/v1/customers?limit=2&cursor=${body.next_cursor}`);
    expect(alone.flat()).toEqual([...ids.slice(4), ids[2]]);
  });

  it('refuses an id-order cursor with updated_since (it belongs to the other order)', async () => {
    const page = (await t.request({ method: 'GET', url: '/v1/customers?region=paged&limit=2' })).json();
    const res = await t.request({ method: 'GET', url: `/v1/customers?updated_since=2026-01-01T00:00:00Z&cursor=${page.next_cursor}` });
    expect(res.statusCode).toBe(400);
  });

  it('paginates assets and api keys the same way', async () => {
    for (let i = 0; i < 3; i++) {
      await t.request({ method: 'POST', url: `/v1/customers/${ids[0]}/assets`, payload: { product_model: 'Lamp', category: 'lighting', serial_number: `SN-${i}` } });
    }
    expect((await walk(`/v1/assets?customer_id=${ids[0]}&limit=2`)).map((p) => p.length)).toEqual([2, 1]);
    await t.key('agent');
    await t.key('analyst');
    expect((await walk('/v1/api-keys?limit=2')).flat()).toHaveLength(3);
  });
});
