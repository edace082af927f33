import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

let seq = 0;
async function part(extra: Record<string, unknown> = {}) {
  const res = await t.request({ method: 'POST', url: '/v1/parts', payload: { sku: `P-${++seq}`, name: '门锁主板 lock board', unit_price: 12000, currency: 'CNY', ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; sku: string; stock: number; version: number };
}
const move = (id: string, payload: Record<string, unknown>) => t.request({ method: 'POST', url: `/v1/parts/${id}/movements`, payload });
async function ledgerSumIsStock(): Promise<void> {
  const { rows } = await sql<{ id: string; stock: number; sum: number }>`
    select p.id, p.stock, coalesce((select sum(quantity)::int from part_movements m where m.part_id = p.id), 0) as sum from parts p`.execute(t.database.db);
  for (const r of rows) expect(r.sum, `part ${r.id}`).toBe(r.stock);
}

describe('spare parts and their stock ledger', () => {
  it('opens with the given stock as the ledger\'s first row, and refuses a taken sku', async () => {
    const p = await part({ stock: 7, reorder_level: 2, category: 'smart-lock' });
    expect(p).toMatchObject({ stock: 7, reorder_level: 2, low_stock: false, active: true, unit_price: 12000 });
    const ledger = (await t.request({ method: 'GET', url: `/v1/parts/${p.id}/movements` })).json();
    expect(ledger.data).toMatchObject([{ kind: 'opening', quantity: 7, stock_after: 7, actor: { kind: 'api_key', role: 'admin' } }]);
    const dup = await t.request({ method: 'POST', url: '/v1/parts', payload: { sku: p.sku, name: 'x', unit_price: 1, currency: 'CNY' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().detail).toContain(p.sku);
    await ledgerSumIsStock();
  });

  it('changes name, price and reorder level with If-Match, never stock', async () => {
    const p = await part({ stock: 3 });
    const stale = await t.request({ method: 'PATCH', url: `/v1/parts/${p.id}`, headers: { 'if-match': '"9"' }, payload: { unit_price: 1 } });
    expect(stale.statusCode).toBe(412);
    const changed = await t.request({ method: 'PATCH', url: `/v1/parts/${p.id}`, headers: { 'if-match': `"${p.version}"` }, payload: { unit_price: 12500, name: '新主板' } });
    expect(changed.json()).toMatchObject({ unit_price: 12500, name: '新主板', stock: 3, version: p.version + 1 });
    const stock = await t.request({ method: 'PATCH', url: `/v1/parts/${p.id}`, payload: { stock: 100 } });
    expect(stock.statusCode).toBe(400);
    expect(stock.json().errors).toEqual([{ path: '/body/stock', message: 'is not a known field' }]);
  });

  it('receives, adjusts with a reason and takes returns; a withdrawal beyond the stock is 409 and changes nothing', async () => {
    const p = await part({ stock: 2 });
    expect((await move(p.id, { kind: 'received', quantity: 10, reason: 'DN-1' })).json()).toMatchObject({ kind: 'received', quantity: 10, stock_after: 12 });
    expect((await move(p.id, { kind: 'adjusted', quantity: -3, reason: 'counted 9' })).json()).toMatchObject({ quantity: -3, stock_after: 9 });
    expect((await move(p.id, { kind: 'returned', quantity: 1 })).json()).toMatchObject({ stock_after: 10 });
    for (const [payload, path] of [
      [{ kind: 'adjusted', quantity: -1 }, '/body/reason'],
      [{ kind: 'received', quantity: -1 }, '/body/quantity'],
      [{ kind: 'adjusted', quantity: 0, reason: 'x' }, '/body/quantity'],
      [{ kind: 'consumed', quantity: -1 }, '/body/kind'],
    ] as const) {
      const res = await move(p.id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().errors[0].path).toBe(path);
    }
    const tooMany = await move(p.id, { kind: 'adjusted', quantity: -11, reason: 'write-off' });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().detail).toBe(`Part ${p.sku} has 10 in stock; 11 cannot be taken out.`);
    expect((await t.request({ method: 'GET', url: `/v1/parts/${p.id}` })).json().stock).toBe(10);
    const ledger = (await t.request({ method: 'GET', url: `/v1/parts/${p.id}/movements` })).json().data as { id: string }[];
    expect(ledger).toHaveLength(4);
    // Paged two at a time, newest first, every row once.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = (await t.request({ method: 'GET', url: `/v1/parts/${p.id}/movements?limit=2${cursor ? `&cursor=${cursor}` : ''}` })).json();
      paged.push(...page.data.map((m) => m.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(paged).toEqual(ledger.map((m) => m.id));
    expect((await move('01a20c20-bb81-70a7-8e07-0eb4f830d29b', { kind: 'received', quantity: 1 })).statusCode).toBe(404);
    // More than a part can hold is a 409, not an integer overflow (found by the reliability fuzzing: a 500).
    expect((await move(p.id, { kind: 'received', quantity: 999_999_990 })).json().stock_after).toBe(1_000_000_000);
    const over = await move(p.id, { kind: 'received', quantity: 1_000_000_000 });
    expect(over.statusCode).toBe(409);
    expect(over.json().detail).toContain('holds at most 1,000,000,000');
    expect((await move(p.id, { kind: 'adjusted', quantity: -999_999_990, reason: 'receipt booked twice' })).json().stock_after).toBe(10);
    await ledgerSumIsStock();
  });

  it('replays a movement sent again with its Idempotency-Key, and moves the stock once (found by the reliability fuzzing: a 500)', async () => {
    const p = await part({ stock: 5 });
    const send = () => t.request({ method: 'POST', url: `/v1/parts/${p.id}/movements`, headers: { 'idempotency-key': `move-${p.id}` }, payload: { kind: 'adjusted', quantity: -2, reason: 'damaged' } });
    const first = await send();
    expect(first.statusCode, first.body).toBe(200);
    const again = await send();
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect((await t.request({ method: 'GET', url: `/v1/parts/${p.id}` })).json().stock).toBe(3);
  });

  it('never goes below zero when withdrawals race: 5 at once of 1 unit from a stock of 3 → exactly 3 succeed', async () => {
    const p = await part({ stock: 3 });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => move(p.id, { kind: 'adjusted', quantity: -1, reason: `race ${i}` })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 409, 409]);
    expect((await t.request({ method: 'GET', url: `/v1/parts/${p.id}` })).json()).toMatchObject({ stock: 0, low_stock: true });
    await ledgerSumIsStock();
  });

  it('emits part.low_stock once per crossing of the reorder level, and lists the reorder list', async () => {
    const p = await part({ stock: 7, reorder_level: 5 });
    for (const quantity of [-1, -1, -1, 3, -2, -1]) await move(p.id, { kind: 'adjusted', quantity, reason: 'count' }); // 6, 5*, 4, 7, 5*, 4
    // A reorder level raised to the stock is a crossing too.
    await move(p.id, { kind: 'received', quantity: 6 }); // 10
    await t.request({ method: 'PATCH', url: `/v1/parts/${p.id}`, payload: { reorder_level: 10 } }); // *
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from events where type = 'part.low_stock' and resource_id = ${p.id}`.execute(t.database.db);
    expect(rows[0]!.n).toBe(3);
    const feed = (await t.request({ method: 'GET', url: '/v1/events?types=part.low_stock&limit=1000' })).json();
    expect(feed.data.filter((e: { resource: { id: string } }) => e.resource.id === p.id).map((e: { data: { stock: number } }) => e.data.stock)).toEqual([5, 5, 10]);
    const low = (await t.request({ method: 'GET', url: '/v1/parts?low_stock=true&limit=200' })).json();
    expect(low.data.map((x: { id: string }) => x.id)).toContain(p.id);
    expect(low.data.every((x: { low_stock: boolean }) => x.low_stock)).toBe(true);
  });

  it('keeps the ledger append-only: the database refuses to change or remove a movement', async () => {
    const p = await part({ stock: 1 });
    await expect(sql`update part_movements set quantity = 100 where part_id = ${p.id}`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from part_movements where part_id = ${p.id}`.execute(t.database.db)).rejects.toThrow(/append-only/);
  });

  it('audits parts and their movements, and lets technicians read but not write', async () => {
    const p = await part({ stock: 1 });
    await move(p.id, { kind: 'received', quantity: 2 });
    const audit = (await t.request({ method: 'GET', url: `/v1/audit?resource=part/${p.id}` })).json();
    expect(audit.data.map((a: { action: string }) => a.action).sort()).toEqual(['created', 'stock_received']);
    const tech = await t.request({ method: 'GET', url: '/v1/technicians?limit=1' });
    expect(tech.statusCode).toBe(200);
    const agent = await t.key('agent');
    expect((await t.request({ method: 'GET', url: `/v1/parts/${p.id}`, key: agent })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: '/v1/parts', key: agent, payload: { sku: 'X', name: 'x', unit_price: 1, currency: 'CNY' } })).statusCode).toBe(403);
    expect((await move(p.id, { kind: 'received', quantity: 1 })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: `/v1/parts/${p.id}/movements`, key: agent, payload: { kind: 'received', quantity: 1 } })).statusCode).toBe(403);
  });
});
