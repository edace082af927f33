import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhooks, deliveryAgent, backoff } from '../../src/modules/webhooks/webhook-delivery.ts';
import { secretBox } from '../../src/modules/webhooks/webhook-secrets.ts';
import { publicAddress } from '../../src/modules/webhooks/webhook-target.ts';
import { freePort } from '../../src/db/embedded.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/** A real HTTP receiver: records what arrives, answers as `mode` says. */
class Receiver {
  server!: Server;
  url = '';
  received: { path: string; headers: IncomingMessage['headers']; body: string; at: number }[] = [];
  mode: 'ok' | 'fail' | 'hang' | 'drop' = 'ok';
  /** Paths that answer 500 whatever the mode. */
  failing = new Set<string>();
  async start() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (this.mode === 'drop') return req.socket.destroy();
        if (this.mode === 'hang') return; // never answers: the 10 s timeout
        const ok = this.mode === 'ok' && !this.failing.has(req.url ?? '');
        if (ok) this.received.push({ path: req.url ?? '', headers: req.headers, body, at: Date.now() });
        res.writeHead(ok ? 200 : 500, { 'content-type': 'text/plain' }).end(ok ? 'thanks' : 'receiver broke');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }
  events() {
    return this.received.map((r) => JSON.parse(r.body) as { id: string; type: string; position: number; resource: { id: string }; data: Record<string, unknown> });
  }
  stop() {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(r));
  }
}

const policy = { allowPrivate: true, allowHttpHosts: ['127.0.0.1'] };
let t: TestApp;
let receiver: Receiver;
const log = pino({ level: 'silent' });
const dispatcher = deliveryAgent(policy);
const deliver = async () => deliverWebhooks({ db: t.database.db, clock: t.clock, log, policy, dispatcher, box: await secretBox(t.database.db, undefined) }, { budgetMs: 20_000 });

beforeAll(async () => {
  t = await createTestApp();
  // The service under test allows the local receiver, as WEBHOOK_ALLOW_PRIVATE=true would.
  receiver = new Receiver();
  await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
  await dispatcher.close();
  await t.close();
});

const customer = async (name: string) => (await t.request({ method: 'POST', url: '/v1/customers', payload: { name } })).json() as { id: string; version: number };
const rename = async (c: { id: string }, name: string) => t.request({ method: 'PATCH', url: `/v1/customers/${c.id}`, payload: { name } });

/** The documented recipe, with the standard library only: HMAC-SHA256 of "<t>.<raw body>", compared in constant time. */
function verifies(header: string, body: string, secret: string): boolean {
  const parts = header.split(',');
  const ts = parts.find((p) => p.startsWith('t='))!.slice(2);
  const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest();
  return parts.filter((p) => p.startsWith('v1=')).some((p) => {
    const given = Buffer.from(p.slice(3), 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe('webhooks', () => {
  it('creates a webhook with a secret shown once, checks its URL and patterns, and never shows the secret again', async () => {
    const res = await t.request({ method: 'POST', url: '/v1/webhooks', payload: { url: receiver.url, events: ['ticket.*', 'customer.created'], description: 'CRM' } });
    // The app under test runs with the default policy: a loopback http URL is refused.
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ type: 'https://aftercare.dev/problems/webhook-url-refused', errors: [{ path: '/body/url' }] });
    for (const url of ['http://example.com/hook', 'https://user:pw@example.com/hook', 'https://169.254.169.254/latest', 'https://10.0.0.5/hook', 'https://[::1]/hook', 'ftp://example.com/x']) {
      const bad = await t.request({ method: 'POST', url: '/v1/webhooks', payload: { url, events: ['*'] } });
      expect(bad.statusCode, url).toBe(422);
      expect(bad.json().type, url).toBe('https://aftercare.dev/problems/webhook-url-refused');
    }
    const unknown = await t.request({ method: 'POST', url: '/v1/webhooks', payload: { url: 'https://203.0.113.10/hook', events: ['ticket.exploded', 'nothing.*'] } });
    expect(unknown.json()).toMatchObject({ type: 'https://aftercare.dev/problems/webhook-event-unknown' });
    expect(publicAddress('8.8.8.8')).toBe(true);
    for (const a of ['10.1.2.3', '127.0.0.1', '169.254.169.254', '::1', 'fd00::1', '::ffff:192.168.0.1', '100.64.0.1']) expect(publicAddress(a), a).toBe(false);
  });
});

describe('delivery', () => {
  // These tests write the webhook rows directly through the service with the permissive
  // policy of the test receiver (127.0.0.1), as WEBHOOK_ALLOW_PRIVATE=true does.
  let h: { id: string; secret: string };
  beforeAll(async () => {
    const { createWebhook } = await import('../../src/modules/webhooks/webhooks.service.ts');
    const { systemContext } = await import('../../src/db/context.ts');
    h = await createWebhook({ db: t.database.db, clock: t.clock, policy, box: () => secretBox(t.database.db, undefined) }, systemContext(), { url: receiver.url, events: ['customer.*', 'ticket.created'] });
  });

  it('POSTs each matching event once, signed as documented, with the event id and type headers', async () => {
    receiver.received = [];
    const c = await customer('王芳');
    await deliver();
    const got = receiver.received.filter((r) => JSON.parse(r.body).resource.id === c.id);
    expect(got).toHaveLength(1);
    const [r] = got;
    const event = JSON.parse(r!.body);
    expect(event).toMatchObject({ type: 'customer.created', resource: { type: 'customer', id: c.id }, data: { name: '王芳' } });
    expect(r!.headers['aftercare-event-id']).toBe(event.id);
    expect(r!.headers['aftercare-event-type']).toBe('customer.created');
    expect(r!.headers['aftercare-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifies(r!.headers['aftercare-signature'] as string, r!.body, h.secret)).toBe(true);
    expect(verifies(r!.headers['aftercare-signature'] as string, r!.body.replace('王芳', '王方'), h.secret)).toBe(false);
    // Nothing new: nothing sent again.
    await deliver();
    expect(receiver.received.filter((x) => JSON.parse(x.body).resource.id === c.id)).toHaveLength(1);
    const log = (await t.request({ method: 'GET', url: `/v1/webhooks/${h.id}/deliveries?resource_id=${c.id}` })).json().data;
    expect(log).toMatchObject([{ status: 'succeeded', attempts: 1, last_status: 200, response_excerpt: 'thanks', event_type: 'customer.created', next_attempt_at: null }]);
    expect(JSON.stringify(log)).not.toContain(h.secret);
  });

  it('retries a failing receiver with growing, jittered waits, in order per resource, while other resources flow', async () => {
    receiver.received = [];
    const a = await customer('A');
    await deliver(); // a.created delivered
    receiver.mode = 'fail';
    await rename(a, 'A2');
    await rename(a, 'A3');
    await deliver();
    const failed = (await t.request({ method: 'GET', url: `/v1/webhooks/${h.id}/deliveries?resource_id=${a.id}&status=pending` })).json().data;
    // Only the first update was tried; the second waits behind it.
    expect(failed.map((d: { attempts: number }) => d.attempts).sort()).toEqual([0, 1]);
    const tried = failed.find((d: { attempts: number }) => d.attempts === 1);
    expect(tried).toMatchObject({ last_status: 500, response_excerpt: 'receiver broke', last_error: 'answered 500' });
    const wait = Date.parse(tried.next_attempt_at) - t.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(1_000);
    expect(wait).toBeLessThanOrEqual(10_000);
    // Another resource's events are not held back by a's.
    receiver.mode = 'ok';
    receiver.received = [];
    const b = await customer('B');
    t.clock.advance(500); // not yet a's retry time
    await deliver();
    expect(receiver.events().map((e) => e.resource.id)).toEqual([b.id]);
    t.clock.advance(10_000);
    await deliver();
    const forA = receiver.events().filter((e) => e.resource.id === a.id).map((e) => (e.data as { name: string }).name);
    expect(forA).toEqual(['A2', 'A3']);
    // The backoff's ceiling doubles per attempt up to an hour; the wait is drawn below it.
    expect(backoff(1, () => 0.999)).toBeLessThan(10_000);
    expect(backoff(4, () => 0.999)).toBeLessThan(80_000);
    expect(backoff(4, () => 0.999)).toBeGreaterThan(70_000);
    expect(backoff(30, () => 0.999)).toBeLessThanOrEqual(3_600_000);
  });

  it('keeps retrying a receiver that is down for hours, then delivers everything, in order', async () => {
    receiver.received = [];
    receiver.mode = 'drop';
    const c = await customer('C0');
    for (let i = 1; i <= 5; i++) await rename(c, `C${i}`);
    // Ten hours of outage, the worker running every few minutes of it.
    for (let m = 0; m < 10 * 60; m += 7) {
      t.clock.advance(7 * 60_000);
      await deliver();
    }
    expect(receiver.received).toHaveLength(0);
    const pending = (await t.request({ method: 'GET', url: `/v1/webhooks/${h.id}/deliveries?resource_id=${c.id}&status=pending` })).json().data;
    expect(pending).toHaveLength(6);
    expect(pending.some((d: { last_error: string | null }) => d.last_error?.includes('SOCKET') || d.last_error?.includes('closed') || d.last_error?.includes('ECONNRESET'))).toBe(true);
    receiver.mode = 'ok';
    for (let i = 0; i < 12; i++) {
      t.clock.advance(60 * 60_000);
      await deliver();
    }
    expect(receiver.events().filter((e) => e.resource.id === c.id).map((e) => (e.data as { name: string }).name)).toEqual(['C0', 'C1', 'C2', 'C3', 'C4', 'C5']);
  });

  it('times out a receiver that does not answer within 10 s', async () => {
    receiver.mode = 'hang';
    const c = await customer('slow');
    const started = Date.now();
    await deliver();
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    const [d] = (await t.request({ method: 'GET', url: `/v1/webhooks/${h.id}/deliveries?resource_id=${c.id}` })).json().data;
    expect(d).toMatchObject({ status: 'pending', last_status: null, last_error: 'no answer within 10 s' });
    receiver.mode = 'ok';
  }, 30_000);

  it('gives up after 24 hours, disables a webhook whose deliveries keep dying, and says so in the feed', async () => {
    const { createWebhook } = await import('../../src/modules/webhooks/webhooks.service.ts');
    const { systemContext } = await import('../../src/db/context.ts');
    const deps = { db: t.database.db, clock: t.clock, policy, box: () => secretBox(t.database.db, undefined) };
    const doomed = await createWebhook(deps, systemContext(), { url: receiver.url.replace('/hooks', '/doomed'), events: ['customer.created'] });
    receiver.failing.add('/doomed');
    const c = await customer('never');
    for (let i = 0; i < 30; i++) {
      t.clock.advance(60 * 60_000);
      await deliver();
    }
    receiver.failing.clear();
    const [d] = (await t.request({ method: 'GET', url: `/v1/webhooks/${doomed.id}/deliveries?resource_id=${c.id}` })).json().data;
    expect(d.status).toBe('dead');
    expect(d.attempts).toBeGreaterThan(5);
    const w = (await t.request({ method: 'GET', url: `/v1/webhooks/${doomed.id}` })).json();
    expect(w).toMatchObject({ active: false, disabled_reason: expect.stringContaining('24 hours') });
    const disabled = (await t.request({ method: 'GET', url: '/v1/events?types=webhook.disabled&limit=1000' })).json().data;
    expect(disabled.some((e: { resource: { id: string } }) => e.resource.id === doomed.id)).toBe(true);
    // A dead delivery can be retried by hand once the receiver is back.
    const again = await t.request({ method: 'POST', url: `/v1/webhooks/${doomed.id}/deliveries/${d.id}/retry` });
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json()).toMatchObject({ status: 'pending', id: d.id });
    await t.request({ method: 'PATCH', url: `/v1/webhooks/${doomed.id}`, payload: { active: true } });
    receiver.received = [];
    await deliver();
    expect(receiver.events().map((e) => e.resource.id)).toContain(c.id);
  });

  it('replays every matching event since a position or a time, pings, and rotates the secret with both signing for a while', async () => {
    receiver.received = [];
    const c = await customer('replayed');
    await deliver();
    const first = receiver.events().find((e) => e.resource.id === c.id)!;
    receiver.received = [];
    const replay = await t.request({ method: 'POST', url: `/v1/webhooks/${h.id}/replay`, payload: { from: first.position - 1 } });
    expect(replay.statusCode, replay.body).toBe(202);
    expect(replay.json().deliveries).toBeGreaterThanOrEqual(1);
    await deliver();
    expect(receiver.events()[0]).toMatchObject({ id: first.id, position: first.position });
    const byTime = await t.request({ method: 'POST', url: `/v1/webhooks/${h.id}/replay`, payload: { from: '2000-01-01T00:00:00Z' } });
    expect(byTime.json().from_position).toBe(0);

    const ping = await t.request({ method: 'POST', url: `/v1/webhooks/${h.id}/ping` });
    expect(ping.statusCode).toBe(202);
    receiver.received = [];
    await deliver();
    const pinged = receiver.received.find((r) => r.headers['aftercare-event-type'] === 'ping');
    expect(pinged).toBeDefined();

    const current = (await t.request({ method: 'GET', url: `/v1/webhooks/${h.id}` })).json();
    const rotated = await t.request({ method: 'PATCH', url: `/v1/webhooks/${h.id}`, headers: { 'if-match': `"${current.version}"` }, payload: { rotate_secret: true, previous_secret_expires_in_minutes: 60 } });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const fresh = rotated.json().secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect((await t.request({ method: 'GET', url: `/v1/webhooks/${h.id}` })).json().secret).toBeUndefined();
    receiver.received = [];
    await customer('rotation');
    await deliver();
    const sig = receiver.received[0]!.headers['aftercare-signature'] as string;
    expect(sig.match(/v1=/g)).toHaveLength(2);
    expect(verifies(sig, receiver.received[0]!.body, h.secret)).toBe(true);
    expect(verifies(sig, receiver.received[0]!.body, fresh)).toBe(true);
    t.clock.advance(61 * 60_000);
    receiver.received = [];
    await customer('after rotation');
    await deliver();
    const later = receiver.received[0]!.headers['aftercare-signature'] as string;
    expect(later.match(/v1=/g)).toHaveLength(1);
    expect(verifies(later, receiver.received[0]!.body, h.secret)).toBe(false);
    expect(verifies(later, receiver.received[0]!.body, fresh)).toBe(true);
    h.secret = fresh;
  });

  it('does not send a webhook events that occurred before it was made, even when numbered after', async () => {
    const { createWebhook } = await import('../../src/modules/webhooks/webhooks.service.ts');
    const { systemContext } = await import('../../src/db/context.ts');
    const { eventRow, insertEvents } = await import('../../src/db/outbox.ts');
    const c = await customer('old news');
    const fresh = await createWebhook({ db: t.database.db, clock: t.clock, policy, box: () => secretBox(t.database.db, undefined) }, systemContext(), { url: receiver.url.replace('/hooks', '/fresh'), events: ['customer.*'] });
    // Written (unnumbered) as if its transaction had begun an hour before the webhook.
    await insertEvents(t.database.db, [eventRow(systemContext(), new Date(t.clock.now().getTime() - 3_600_000), 'customer.updated', { type: 'customer', id: c.id }, { id: c.id })]);
    receiver.received = [];
    await customer('news');
    await deliver();
    const fresh_ = receiver.received.filter((r) => r.path === '/fresh').map((r) => JSON.parse(r.body).data.name);
    expect(fresh_).toEqual(['news']);
    await t.request({ method: 'DELETE', url: `/v1/webhooks/${fresh.id}` });
  });

  it('delivers each event once per webhook when workers race for the queue', async () => {
    receiver.received = [];
    const customers = await Promise.all(Array.from({ length: 20 }, (_, i) => customer(`race ${i}`)));
    await Promise.all([deliver(), deliver(), deliver()]);
    // A worker that lost the race for the sequencer or a webhook's fan-out leaves it to the next run.
    await deliver();
    // Two webhooks take customer.created here (/hooks and /doomed, switched on again): once each.
    for (const path of ['/hooks', '/doomed']) {
      const ids = receiver.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body).id as string);
      expect(new Set(ids).size, path).toBe(ids.length);
      for (const c of customers) expect(receiver.received.filter((r) => r.path === path && JSON.parse(r.body).resource.id === c.id), path).toHaveLength(1);
    }
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where webhook_id = ${h.id} and status <> 'succeeded'`.execute(t.database.db);
    expect(rows[0]!.n).toBe(0);
  });
});

describe('the README\'s receiver', () => {
  it('verifies a real delivery with the standard library only, and refuses a forged one', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const code = /```js\n(\/\/ receiver\.mjs[\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'receiver-'));
    await writeFile(path.join(dir, 'receiver.mjs'), code!);
    const { createWebhook } = await import('../../src/modules/webhooks/webhooks.service.ts');
    const { systemContext } = await import('../../src/db/context.ts');
    const port = await freePort();
    const w = await createWebhook({ db: t.database.db, clock: t.clock, policy, box: () => secretBox(t.database.db, undefined) }, systemContext(), { url: `http://127.0.0.1:${port}/`, events: ['customer.created'] });
    const child = spawn(process.execPath, [path.join(dir, 'receiver.mjs')], { env: { PATH: process.env.PATH, PORT: String(port), AFTERCARE_WEBHOOK_SECRET: w.secret } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      for (let i = 0; i < 100 && !(await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 50));
      // A receiver compares t with its own clock: deliver at the real time.
      t.clock.set(new Date());
      const c = await customer('收件人 receiver');
      await deliver();
      const [d] = (await t.request({ method: 'GET', url: `/v1/webhooks/${w.id}/deliveries?resource_id=${c.id}` })).json().data;
      expect(d).toMatchObject({ status: 'succeeded', last_status: 204 });
      await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain('customer.created');
      const forged = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'aftercare-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
        body: '{"type":"customer.created"}',
      });
      expect(forged.status).toBe(400);
    } finally {
      child.kill();
    }
  });
});
