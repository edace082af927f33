import { v7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let agent: string;
let techKey: string;
let customer: string;
let technician: string;
const a: Record<string, { id: string; version: number; status: string }> = {};

async function ok(method: 'POST' | 'GET' | 'PATCH', url: string, payload?: object, key?: string) {
  const res = await t.request({ method, url, ...(payload ? { payload } : {}), ...(key ? { key } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}

const ARTICLES = {
  fridge: { title: '冰箱不制冷的排查', product_category: 'fridge', symptoms: ['冰箱不制冷', '压缩机不启动'], fix_steps: ['检查电源', '测量温控器'], body: '先确认电源和温控器设置，再检查压缩机启动继电器。', tags: ['冰箱', '制冷'], status: 'published' },
  washer: { title: '洗衣机漏水', product_category: 'washer', symptoms: ['底部漏水', '进水管漏水'], fix_steps: ['更换进水管密封圈'], body: '多为进水管接头老化。', status: 'published' },
  lock: { title: '智能门锁指纹识别失败', product_category: 'lock', symptoms: ['指纹识别失败', '指纹模块无响应'], fix_steps: ['清洁指纹传感器', '重新录入指纹'], body: '传感器脏污或手指过干。', status: 'published' },
  fingerprintDecoy: { title: '指纹识别成功率提升指南', product_category: 'lock', symptoms: ['识别慢'], body: '偶尔识别失败时请清洁传感器。', status: 'published' },
  coolantDecoy: { title: '制冷剂加注规范', product_category: 'aircon', symptoms: ['制冷效果差'], body: '绝不制造泄漏：先抽真空再加注。', status: 'published' },
  english: { title: 'Refrigerator not cooling', product_category: 'fridge', symptoms: ['fridge warm', 'compressor silent'], body: 'Check the thermostat and the start relay.', status: 'published' },
  thermostat: { title: 'Thermostat replacement', product_category: 'fridge', symptoms: ['temperature drifts'], body: 'Unplug first.', status: 'published' },
  draft: { title: '空调漏水', product_category: 'aircon', symptoms: ['室内机漏水'], body: '排水管堵塞。' },
} as const;

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.key('agent');
  customer = (await ok('POST', '/v1/customers', { name: '张无忌', phone: '13800000011', region: 'east' })).id;
  technician = (await ok('POST', '/v1/technicians', { name: 'KB tech', tier: 1, regions: ['east'], skills: ['fridge'], max_open_tickets: 10 })).id;
  techKey = (await ok('POST', '/v1/api-keys', { name: 'kb tech', role: 'technician', technician_id: technician })).secret;
  for (const [name, body] of Object.entries(ARTICLES)) a[name] = await ok('POST', '/v1/articles', body, agent);
});
afterAll(async () => t.close());

const search = async (q: string, key?: string, extra = '') => (await ok('GET', `/v1/articles?q=${encodeURIComponent(q)}${extra}`, undefined, key)).data.map((x: { id: string }) => x.id);

describe('knowledge base (知识库)', () => {
  it('creates drafts by default and stamps published_at when published; writes need an agent or manager', async () => {
    expect(a.draft).toMatchObject({ status: 'draft', published_at: null, solved_count: 0, last_solved_at: null, version: 1 });
    expect(a.fridge).toMatchObject({ status: 'published', symptoms: ['冰箱不制冷', '压缩机不启动'], tags: ['冰箱', '制冷'] });
    expect((await t.request({ method: 'POST', url: '/v1/articles', key: techKey, payload: ARTICLES.washer })).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: '/v1/articles', key: await t.key('analyst'), payload: ARTICLES.washer })).statusCode).toBe(403);
    const stale = await t.request({ method: 'PATCH', url: `/v1/articles/${a.draft!.id}`, key: agent, headers: { 'if-match': '"9"' }, payload: { status: 'published' } });
    expect(stale.statusCode).toBe(412);
    const bad = await t.request({ method: 'POST', url: '/v1/articles', key: agent, payload: { title: ' ', body: 'x' } });
    expect(bad.statusCode).toBe(400);
  });

  it('finds Chinese phrases inside longer text, with no hit from characters found apart', async () => {
    expect(await search('不制冷')).toEqual([a.fridge!.id]);
    // 指纹识别成功… 识别失败 holds every three-character piece of 指纹识别失败, but not the phrase.
    expect(await search('指纹识别失败')).toEqual([a.lock!.id]);
    expect(await search('漏水')).toEqual([a.draft!.id, a.washer!.id]);
    // Every word must occur: 漏水 and 进水管 only in the washer article.
    expect(await search('漏水 进水管')).toEqual([a.washer!.id]);
    expect(await search('蓝牙配对')).toEqual([]);
  });

  it('finds English inside words, case-insensitively, and ranks title over symptoms over body', async () => {
    expect(await search('FRIG')).toEqual([a.english!.id]);
    // Title (3) beats body (1).
    expect(await search('thermostat')).toEqual([a.thermostat!.id, a.english!.id]);
  });

  it('pages ranked results by (rank, id), and shows technicians published articles only', async () => {
    const first = await ok('GET', `/v1/articles?q=${encodeURIComponent('漏水')}&limit=1`);
    expect(first.data.map((x: { id: string }) => x.id)).toEqual([a.draft!.id]);
    const second = await ok('GET', `/v1/articles?q=${encodeURIComponent('漏水')}&limit=1&cursor=${first.next_cursor}`);
    expect(second.data.map((x: { id: string }) => x.id)).toEqual([a.washer!.id]);
    expect(second.next_cursor).toBeNull();
    expect(await search('漏水', techKey)).toEqual([a.washer!.id]);
    expect((await t.request({ method: 'GET', url: `/v1/articles/${a.draft!.id}`, key: techKey })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/v1/articles/${a.fridge!.id}`, key: techKey })).statusCode).toBe(200);
    const all = await ok('GET', '/v1/articles?status=draft', undefined, techKey);
    expect(all.data).toEqual([]);
    expect((await ok('GET', '/v1/articles?product_category=lock')).data.map((x: { id: string }) => x.id)).toEqual([a.fingerprintDecoy!.id, a.lock!.id]);
    expect((await ok('GET', `/v1/articles?tag=${encodeURIComponent('冰箱')}`)).data.map((x: { id: string }) => x.id)).toEqual([a.fridge!.id]);
  });

  it('suggests published articles for a ticket by its symptoms, title and category, best first', async () => {
    const ticket = await ok('POST', '/v1/tickets', {
      customer_id: customer,
      type: 'repair',
      channel: 'phone',
      category: 'fridge',
      subject: '冰箱不制冷',
      description: '客户反映冰箱上周开始不制冷，压缩机不启动',
    });
    const res = await ok('GET', `/v1/tickets/${ticket.id}/suggested-articles`);
    const ranked = res.data.map((s: { article: { id: string } }) => s.article.id);
    expect(ranked[0]).toBe(a.fridge!.id);
    expect(res.data[0]).toMatchObject({ category_match: true, matched_symptoms: ['冰箱不制冷', '压缩机不启动'] });
    // Every symptom fully covered (0.6) + title 冰箱不制冷的排查: 冰箱 箱不 不制 制冷 of 7 pairs (0.25 × 4/7) + category (0.15).
    expect(res.data[0].score).toBeCloseTo(0.6 + (0.25 * 4) / 7 + 0.15, 4);
    expect(ranked).not.toContain(a.washer!.id);
    expect(ranked).not.toContain(a.draft!.id);
    expect(ranked).not.toContain(a.lock!.id);
    const english = await ok('POST', '/v1/tickets', {
      customer_id: customer,
      type: 'repair',
      channel: 'email',
      category: 'fridge',
      subject: 'Fridge not cooling',
      description: 'The fridge is warm inside and the compressor is silent.',
    });
    const en = await ok('GET', `/v1/tickets/${english.id}/suggested-articles?limit=2`);
    expect(en.data).toHaveLength(2);
    expect(en.data[0]).toMatchObject({ article: { id: a.english!.id }, matched_symptoms: ['fridge warm', 'compressor silent'] });
    // A technician asks for its own tickets only.
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${english.id}/suggested-articles`, key: techKey })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${v7()}/suggested-articles` })).statusCode).toBe(404);
  });

  it('counts each ticket an article solved once, however often it is resolved; an unknown article is a 422 and nothing is resolved', async () => {
    const ticket = await ok('POST', '/v1/tickets', { customer_id: customer, type: 'repair', channel: 'phone', category: 'fridge', subject: '冰箱不制冷' });
    await ok('POST', `/v1/tickets/${ticket.id}/assign`, { technician_id: technician });
    await ok('POST', `/v1/tickets/${ticket.id}/start`);
    const unknown = await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/resolve`, payload: { method: 'repair', summary: '更换继电器', article_ids: [a.fridge!.id, v7()] } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ type: expect.stringContaining('article-not-found'), errors: [{ path: '/body/article_ids/1' }] });
    expect((await ok('GET', `/v1/tickets/${ticket.id}`)).status).toBe('in_progress');
    expect((await ok('GET', `/v1/articles/${a.fridge!.id}`)).solved_count).toBe(0);

    const resolved = await ok('POST', `/v1/tickets/${ticket.id}/resolve`, { method: 'repair', summary: '更换继电器', article_ids: [a.fridge!.id] }, techKey);
    expect(resolved.resolution.article_ids).toEqual([a.fridge!.id]);
    const counted = await ok('GET', `/v1/articles/${a.fridge!.id}`);
    expect(counted).toMatchObject({ solved_count: 1, last_solved_at: t.clock.now().toISOString(), version: 1 });
    await ok('POST', `/v1/tickets/${ticket.id}/reopen`, { reason: '又不制冷了' });
    await ok('POST', `/v1/tickets/${ticket.id}/resolve`, { method: 'repair', summary: '更换温控器', article_ids: [a.fridge!.id, a.thermostat!.id] });
    expect((await ok('GET', `/v1/articles/${a.fridge!.id}`)).solved_count).toBe(1);
    expect((await ok('GET', `/v1/articles/${a.thermostat!.id}`)).solved_count).toBe(1);
  });

  it('counts concurrent resolutions naming one article exactly', async () => {
    const tickets = [];
    for (let i = 0; i < 8; i++) {
      const ticket = await ok('POST', '/v1/tickets', { customer_id: customer, type: 'repair', channel: 'phone', category: 'lock', subject: `指纹识别失败 ${i}` });
      await ok('POST', `/v1/tickets/${ticket.id}/assign`, { technician_id: technician });
      await ok('POST', `/v1/tickets/${ticket.id}/start`);
      tickets.push(ticket.id);
    }
    const results = await Promise.all(tickets.map((id) => t.request({ method: 'POST', url: `/v1/tickets/${id}/resolve`, payload: { method: 'repair', summary: '清洁传感器', article_ids: [a.lock!.id] } })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    expect((await ok('GET', `/v1/articles/${a.lock!.id}`)).solved_count).toBe(8);
  });
});
