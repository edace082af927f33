import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { freePort } from '../../src/db/embedded.ts';
import { createTestDatabase } from '../helpers/app.ts';
import { serverProcesses } from '../helpers/server-process.ts';

/**
 * The service as users meet it, for the reliability suite: `npm start`'s process on its own
 * database, spoken to over HTTP with node:http (so a test can send any bytes as the path, a
 * bad %-escape or an over-long URL included, which fetch would refuse or rewrite), its log
 * kept whole for the secrets scan. Every personal value and secret the suite sends is noted
 * in `sent`, so the scan knows what to look for.
 */

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface Call {
  method: string;
  /** Sent as given: not encoded, not normalised. */
  path: string;
  key?: string | null;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON with Content-Type: application/json. */
  body?: unknown;
}

export interface Service {
  base: string;
  port: number;
  dbUrl: string;
  dbName: string;
  adminKey: string;
  /** Personal data and secrets the run sent; none may appear in the log. */
  sent: Set<string>;
  call(c: Call): Promise<Answer>;
  /** The whole log of every process started on this database so far. */
  log(): string;
  /** Until /readyz answers 200; returns the milliseconds waited. */
  ready(timeoutMs?: number): Promise<number>;
  kill(signal: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

export function send(port: number, c: Call, adminKey: string | null): Promise<Answer> {
  const headers: Record<string, string> = { ...c.headers };
  const key = c.key === undefined ? adminKey : c.key;
  if (key !== null && headers.authorization === undefined) headers.authorization = `Bearer ${key}`;
  let payload: Buffer | undefined;
  if (c.body !== undefined) {
    payload = Buffer.from(typeof c.body === 'string' ? c.body : JSON.stringify(c.body));
    headers['content-type'] ??= 'application/json';
    // Said explicitly: node sends a GET's body without a length otherwise, and the server would
    // read it as the next request.
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function startService(env: Record<string, string> = {}): Promise<Service> {
  const { url, name } = await createTestDatabase();
  const adminKey = `ak_rel_${randomBytes(24).toString('base64url')}`;
  const port = await freePort();
  const processes = serverProcesses();
  const fullEnv = {
    DATABASE_URL: url,
    PORT: String(port),
    BOOTSTRAP_API_KEY: adminKey,
    RATE_LIMIT_PER_MINUTE: '10000000',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '10000000',
    ...env,
  };
  const logs: Array<() => string> = [];
  let current = processes.start(fullEnv, 'info');
  logs.push(current.output);

  const service: Service = {
    base: `http://127.0.0.1:${port}`,
    port,
    dbUrl: url,
    dbName: name,
    adminKey,
    sent: new Set([adminKey]),
    call: (c) => send(port, c, adminKey),
    log: () => logs.map((l) => l()).join(''),
    async ready(timeoutMs = 30_000) {
      const started = performance.now();
      for (;;) {
        const ok = await send(port, { method: 'GET', path: '/readyz', key: null }, null).then((r) => r.status === 200, () => false);
        if (ok) return performance.now() - started;
        if (performance.now() - started > timeoutMs) throw new Error(`not ready within ${timeoutMs} ms\n${service.log().slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill(signal) {
      const exited = current.exited;
      current.child.kill(signal);
      await exited;
    },
    async restart() {
      current = processes.start(fullEnv, 'info');
      logs.push(current.output);
      await service.ready();
    },
    async stop() {
      if (current.child.exitCode === null) await service.kill('SIGTERM');
      processes.killAll();
    },
  };
  await service.ready(60_000);
  return service;
}
