import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await createTestApp();
  customerId = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Base' } })).json().id;
});
afterAll(async () => t.close());

const problem = (res: { statusCode: number; headers: Record<string, unknown>; json: () => Record<string, unknown> }, status: number) => {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  return body;
};

describe('bad input gets a clear 4xx, never a 500', () => {
  it('lists each invalid field with its path and message', async () => {
    const res = await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 42, kind: 'alien', email: 'nope', tags: 'x' } });
    const body = problem(res, 400);
    const paths = (body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['/body/email', '/body/kind', '/body/name', '/body/tags']);
    expect((body.errors as { path: string; message: string }[]).find((e) => e.path === '/body/kind')!.message).toContain('person');
  });

  it('rejects unknown fields instead of dropping them', async () => {
    const body = problem(await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'A', nmae: 'typo' } }), 400);
    expect(body.errors).toEqual([{ path: '/body/nmae', message: 'is not a known field' }]);
  });

  it('rejects a missing required field', async () => {
    const body = problem(await t.request({ method: 'POST', url: '/v1/customers', payload: {} }), 400);
    expect(body.errors).toEqual([{ path: '/body/name', message: 'is required' }]);
  });

  it('does not coerce body types', async () => {
    problem(await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'A', tags: [1, 2] } }), 400);
    problem(await t.request({ method: 'POST', url: `/v1/customers/${customerId}/assets`, payload: { product_model: 1, category: true } }), 400);
  });

  it('rejects 100 kB strings', async () => {
    const huge = 'x'.repeat(100_000);
    problem(await t.request({ method: 'POST', url: '/v1/customers', payload: { name: huge } }), 400);
    problem(await t.request({ method: 'PATCH', url: `/v1/customers/${customerId}`, payload: { address: huge } }), 400);
    problem(await t.request({ method: 'GET', url: `/v1/customers?q=${huge}` }), 400);
    problem(await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: huge, role: 'agent' } }), 400);
  });

  it('rejects a body over 1 MiB with 413', async () => {
    problem(await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'x'.repeat(1_100_000) } }), 413);
  });

  it('rejects malformed JSON and other media types', async () => {
    problem(await t.request({ method: 'POST', url: '/v1/customers', payload: '{"name":', headers: { 'content-type': 'application/json' } }), 400);
    problem(await t.request({ method: 'POST', url: '/v1/customers', payload: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    problem(await t.request({ method: 'POST', url: '/v1/customers', payload: '[]', headers: { 'content-type': 'application/json' } }), 400);
    problem(await t.request({ method: 'POST', url: '/v1/customers', payload: 'null', headers: { 'content-type': 'application/json' } }), 400);
  });

  it('rejects bad UUIDs in paths and queries', async () => {
    for (const url of ['/v1/customers/123', "/v1/customers/'%20or%201=1", '/v1/assets/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '/v1/api-keys/null']) {
      problem(await t.request({ method: 'GET', url }), 400);
    }
    problem(await t.request({ method: 'GET', url: '/v1/assets?customer_id=abc' }), 400);
    problem(await t.request({ method: 'GET', url: '/v1/audit?actor=abc' }), 400);
  });

  it('answers 404 for a well-formed id that does not exist', async () => {
    problem(await t.request({ method: 'GET', url: '/v1/customers/01a20c20-bb81-70a7-8e07-0eb4f830d29b' }), 404);
    problem(await t.request({ method: 'GET', url: '/v1/nowhere' }), 404);
  });

  it('rejects forged and foreign cursors', async () => {
    const forged = [
      'not-base64!!',
      Buffer.from('{"s":"id","id":"x"}').toString('base64url'),
      Buffer.from('{"s":"id","id":"01a20c20-bb81-70a7-8e07-0eb4f830d29b","extra":1}').toString('base64url'),
      Buffer.from('{"s":"updated","t":"yesterday","id":"01a20c20-bb81-70a7-8e07-0eb4f830d29b"}').toString('base64url'),
      Buffer.from('"just a string"').toString('base64url'),
      Buffer.from('{"s":"id","id":"\' or 1=1 --"}').toString('base64url'),
    ];
    for (const cursor of forged) {
      const body = problem(await t.request({ method: 'GET', url: `/v1/customers?cursor=${encodeURIComponent(cursor)}` }), 400);
      expect(body.errors).toEqual([{ path: '/query/cursor', message: 'is invalid' }]);
    }
    // A cursor of the id order is not valid for the updated_since order.
    const idCursor = Buffer.from('{"s":"id","id":"01a20c20-bb81-70a7-8e07-0eb4f830d29b"}').toString('base64url');
    problem(await t.request({ method: 'GET', url: `/v1/customers?updated_since=2026-01-01T00:00:00Z&cursor=${idCursor}` }), 400);
  });

  it('refuses a cursor of the right shape that the API never gave out, or gave out for another list', async () => {
    for (const name of ['Cursor A', 'Cursor B', 'Cursor C']) await t.request({ method: 'POST', url: '/v1/customers', payload: { name } });
    const page = (await t.request({ method: 'GET', url: '/v1/customers?limit=1' })).json();
    const issued: string = page.next_cursor;
    expect((await t.request({ method: 'GET', url: `/v1/customers?limit=1&cursor=${issued}` })).statusCode).toBe(200);

    // Exactly what a cursor decodes to, pointing past every row: accepted before cursors were signed.
    const forgedPositions = [
      Buffer.from('{"s":"id","id":"ffffffff-ffff-7fff-bfff-ffffffffffff"}').toString('base64url'),
      issued.slice(0, issued.lastIndexOf('.')),
    ];
    const [position, mac] = [issued.slice(0, issued.lastIndexOf('.')), issued.slice(issued.lastIndexOf('.') + 1)];
    const tampered = [
      ...forgedPositions,
      `${forgedPositions[0]}.${mac}`,
      `${position}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `${position}.${mac}x`,
      `${position}.`,
      `.${mac}`,
    ];
    for (const cursor of tampered) {
      const res = await t.request({ method: 'GET', url: `/v1/customers?limit=1&cursor=${encodeURIComponent(cursor)}` });
      expect(problem(res, 400).errors, cursor).toEqual([{ path: '/query/cursor', message: 'is invalid' }]);
    }
    // A cursor another list gave out names a position in that list only.
    const technicians = await t.request({ method: 'GET', url: `/v1/technicians?cursor=${issued}` });
    expect(problem(technicians, 400).errors).toEqual([{ path: '/query/cursor', message: 'is invalid' }]);
  });

  it('rejects out-of-range limits, bad dates and unknown query parameters', async () => {
    for (const qs of ['limit=0', 'limit=201', 'limit=abc', 'limit=1.5', 'updated_since=tomorrow', 'tier=gold', 'colour=red']) {
      problem(await t.request({ method: 'GET', url: `/v1/customers?${qs}` }), 400);
    }
  });

  it('rejects values Postgres would choke on', async () => {
    problem(await t.request({ method: 'POST', url: `/v1/customers/${customerId}/assets`, payload: { product_model: 'M', category: 'c', purchased_on: '2026-02-30' } }), 400);
    problem(await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'nul\u0000byte' } }), 400);
    problem(await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'k', role: 'agent', expires_at: '+275760-09-13T00:00:00.000Z' } }), 400);
  });

  it('survives a barrage of garbage on every route without a 5xx', async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json', key: null })).json();
    const garbage: unknown[] = [null, 0, -1, 1e308, 'x'.repeat(5000), [], [[[]]], { a: { b: { c: 1 } } }, true, '\u0000', '💥', { name: null }];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      if (!path.startsWith('/v1/')) continue;
      for (const method of Object.keys(ops)) {
        for (const g of garbage) {
          const url = path.replace(/\{[^}]+\}/g, typeof g === 'string' ? encodeURIComponent(g.slice(0, 100)) : String(g));
          const res = await t.request({
            method: method.toUpperCase() as 'POST',
            url: `${url}?limit=${encodeURIComponent(JSON.stringify(g).slice(0, 50))}`,
            ...(method === 'get' || method === 'delete' ? {} : { payload: JSON.stringify(g), headers: { 'content-type': 'application/json' } }),
          });
          expect(res.statusCode, `${method} ${url} ${JSON.stringify(g).slice(0, 40)}`).toBeLessThan(500);
        }
      }
    }
  });
});

describe('errors answered before a route is found', () => {
  it('a malformed %-escape and an over-long path parameter are problem+json with the request id and the usual headers', async () => {
    const escape = await t.request({ method: 'GET', url: '/v1/customers/%E0%A4%A' });
    expect(problem(escape, 400)).toMatchObject({ type: 'https://aftercare.dev/problems/bad-request' });
    const long = await t.request({ method: 'GET', url: `/v1/customers/${'a'.repeat(400)}` });
    expect(problem(long, 414)).toMatchObject({ type: 'https://aftercare.dev/problems/uri-too-long', instance: `/v1/customers/${'a'.repeat(400)}` });
    // A path longer than the Problem's instance may be is not echoed back (found by the reliability fuzzing).
    const longer = await t.request({ method: 'GET', url: `/v1/customers/${'a'.repeat(3000)}` });
    expect(problem(longer, 414)).not.toHaveProperty('instance');
    for (const res of [escape, long]) {
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('headers over the limit, refused by the HTTP parser, are problem+json too', async () => {
    const { createConnection } = await import('node:net');
    const base = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = createConnection({ host: base.hostname, port: Number(base.port) }, () => {
        socket.write(`GET /v1/customers HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(head).toMatch(/x-request-id: [0-9a-f-]{36}/i);
    expect(head).toMatch(/x-content-type-options: nosniff/i);
    expect(JSON.parse(body!)).toMatchObject({ status: 431, type: 'https://aftercare.dev/problems/headers-too-large' });
  });

  it('takes raw UTF-8 in a query as curl sends it when typed: Chinese search works as typed', async () => {
    const { createConnection } = await import('node:net');
    await t.request({ method: 'POST', url: '/v1/customers', payload: { name: '张伟 raw', region: 'raw-utf8' } });
    const base = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }).catch(() => `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`));
    const send = (requests: Buffer[]) =>
      new Promise<string>((resolve, reject) => {
        const socket = createConnection({ host: base.hostname, port: Number(base.port) }, () => socket.write(Buffer.concat(requests)));
        let data = '';
        socket.on('data', (chunk) => (data += chunk));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
    const get = (target: string, close = true) =>
      Buffer.concat([Buffer.from('GET '), Buffer.from(target, 'utf8'), Buffer.from(` HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.adminKey}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`)]);
    for (const target of ['/v1/customers?region=raw-utf8&q=张伟', '/v1/customers?region=raw-utf8&q=%E5%BC%A0%E4%BC%9F']) {
      const raw = await send([get(target)]);
      const [head, body] = raw.split('\r\n\r\n');
      expect(head, target).toMatch(/^HTTP\/1\.1 200 /);
      expect(JSON.parse(body!).data.map((c: { name: string }) => c.name)).toEqual(['张伟 raw']);
    }
    // A second request on a kept-alive connection (which programs send, and programs encode)
    // meets the parser's refusal: a problem+json that says what to do.
    const raw = await send([get('/v1/customers?q=a', false), get('/v1/customers?q=张伟')]);
    // (The parser reads both at once and refuses the second before the first is answered.)
    const second = raw.slice(raw.indexOf('HTTP/1.1 400 '));
    expect(second).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(second.split('\r\n\r\n')[1]!)).toMatchObject({ type: 'https://aftercare.dev/problems/bad-request', detail: expect.stringContaining('percent-encoded') });
  });
});

describe('bodies', () => {
  it('a body nested thousands of levels deep is a 400 before anything walks it, Idempotency-Key or not', async () => {
    const deep = '['.repeat(4_000) + ']'.repeat(4_000);
    for (const url of [`/v1/tickets/${customerId}/surveys`, '/v1/customers', '/v1/jobs/housekeeping/run']) {
      const res = await t.request({ method: 'POST', url, headers: { 'content-type': 'application/json', 'idempotency-key': `deep-${url}` }, payload: deep });
      expect(problem(res, 400).errors).toEqual([{ path: '/body', message: 'nests deeper than 32 levels' }]);
    }
    // Brackets inside strings are text, not nesting.
    const text = await t.request({ method: 'POST', url: '/v1/customers', payload: { name: '[['.repeat(100) } });
    expect(text.statusCode, text.body).toBe(201);
  });

  it('an operation that takes no body accepts none or an empty object, and refuses anything else', async () => {
    const res = await t.request({ method: 'POST', url: '/v1/jobs/housekeeping/run', payload: { now: true } });
    expect(problem(res, 400).errors).toEqual([{ path: '/body/now', message: 'is not a known field' }]);
    // (A run claims its job at this instant: the clock moves between runs.)
    t.clock.advance(1_000);
    expect((await t.request({ method: 'POST', url: '/v1/jobs/housekeeping/run' })).statusCode).toBe(200);
    t.clock.advance(1_000);
    expect((await t.request({ method: 'POST', url: '/v1/jobs/housekeeping/run', payload: {} })).statusCode).toBe(200);
  });

  it('a DELETE takes no body either (found by the reliability fuzzing: one was ignored)', async () => {
    const ids: string[] = [];
    for (const name of ['Erase me', 'Erase me too']) ids.push((await t.request({ method: 'POST', url: '/v1/customers', payload: { name } })).json().id);
    const refused = await t.request({ method: 'DELETE', url: `/v1/customers/${ids[0]}`, payload: { reason: 'asked by phone' } });
    expect(problem(refused, 400).errors).toEqual([{ path: '/body', message: 'must be absent or an empty object' }]);
    expect((await t.request({ method: 'GET', url: `/v1/customers/${ids[0]}` })).json().name).toBe('Erase me');
    expect((await t.request({ method: 'DELETE', url: `/v1/customers/${ids[0]}`, payload: {} })).statusCode).toBe(200);
    expect((await t.request({ method: 'DELETE', url: `/v1/customers/${ids[1]}` })).statusCode).toBe(200);
  });
});
