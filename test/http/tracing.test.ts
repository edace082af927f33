import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.ts';
import { createTestDatabase } from '../helpers/app.ts';
import { client, newKey, ready, until } from '../helpers/core-flows.ts';
import { serverProcesses } from '../helpers/server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const processes = serverProcesses();
const closers: (() => void)[] = [];
afterAll(() => {
  processes.killAll();
  for (const c of closers) c();
});

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes: { key: string; value: Record<string, unknown> }[] }

/** An OTLP/HTTP receiver: the spans of every export, and the raw bodies. */
async function receiver() {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  const spans = () =>
    bodies.flatMap((b) => (JSON.parse(b) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, spans };
}

const attr = (span: OtlpSpan, ...keys: string[]) => keys.map((key) => Object.values(span.attributes.find((a) => a.key === key)?.value ?? {})[0]).find((v) => v !== undefined);
/** A SQL span (semantic conventions old and new). */
const isSql = (s: OtlpSpan) => attr(s, 'db.system.name', 'db.system') === 'postgresql';
const sqlOf = (s: OtlpSpan) => String(attr(s, 'db.query.text', 'db.statement') ?? '');

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('follows a request from its HTTP span through fastify into its SQL, with no query string or parameter in any span', async () => {
    const otlp = await receiver();
    const { url } = await createTestDatabase();
    const key = newKey('otel');
    const port = await freePort();
    processes.start({ DATABASE_URL: url, PORT: String(port), BOOTSTRAP_API_KEY: key, CRON_ENABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '200' }, 'warn');
    const base = `http://127.0.0.1:${port}`;
    await ready(base);
    const call = client(base, key);
    expect((await call('POST', '/v1/customers', { name: 'Traced', phone: '+8613811112222' })).status).toBe(201);
    expect((await call('GET', '/v1/customers?q=%E5%BC%A0%E4%BC%9F13811112222')).status).toBe(200);

    const list = await until('the list request traced with its SQL', async () => {
      const spans = otlp.spans();
      const server = spans.find((s) => s.kind === 2 && attr(s, 'http.route') === '/v1/customers' && s.name === 'GET /v1/customers' && spans.some((q) => q.traceId === s.traceId && isSql(q) && sqlOf(q).includes('from "customers"')));
      return server ? { server, spans: spans.filter((s) => s.traceId === server.traceId) } : undefined;
    }, 20_000);
    const names = list.spans.map((s) => s.name);
    // fastify's own spans (routing, hooks, handler) and the statements, in one trace.
    expect(names).toEqual(expect.arrayContaining(['request', 'handler - customerRoutes']));
    // The statement hangs under the request: its parent chain reaches the HTTP server span.
    const byId = new Map(list.spans.map((s) => [s.spanId, s]));
    const statement = list.spans.find((s) => isSql(s) && sqlOf(s).includes('from "customers"'))!;
    let up: OtlpSpan | undefined = statement;
    while (up && up.spanId !== list.server.spanId) up = up.parentSpanId ? byId.get(up.parentSpanId) : undefined;
    expect(up, 'the SQL span descends from the request span').toBeDefined();
    const all = otlp.bodies.join('\n');
    expect(all).not.toContain('13811112222');
    expect(all).not.toContain('%E5%BC%A0');
    expect(all).not.toContain('张伟');
  }, 60_000);

  it('is off without the variable: nothing of OpenTelemetry is even loaded', async () => {
    // The same --import as npm start, in a process that then reports what got registered.
    const probe = `const g = globalThis[Symbol.for('opentelemetry.js.api.1')]; console.log(JSON.stringify({ registered: Boolean(g), hooks: Object.keys(g ?? {}) }))`;
    const run = (env: Record<string, string>) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--import', './src/telemetry.ts', '-e', probe], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
      );
    expect(JSON.parse(await run({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }))).toEqual({ registered: false, hooks: [] });
    // And on with it (nothing listens there: the probe only looks at what registered).
    expect(JSON.parse(await run({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).registered).toBe(true);
  }, 30_000);
});
