import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded.ts';
import { serverProcesses } from './helpers/server-process.ts';

const processes = serverProcesses();
const start = (env: Record<string, string>) => processes.start(env);
const dirs: string[] = [];
afterAll(async () => {
  processes.killAll();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function waitFor(url: string, timeoutMs: number): Promise<Response> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start on a fresh DATA_DIR', () => {
  it('comes up on its embedded Postgres, prints a first key, refuses a second owner, and stops cleanly', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aftercare-start-'));
    dirs.push(dataDir);
    const port = await freePort();
    const first = start({ DATA_DIR: dataDir, PORT: String(port), CRON_ENABLED: 'false' });
    const started = Date.now();
    await waitFor(`http://127.0.0.1:${port}/readyz`, 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    // A first start says what it is doing, step by step.
    const steps = ['starting Aftercare', 'creating embedded Postgres cluster', 'migrating the database', 'applied ', 'ready: the API is on'];
    const at = steps.map((s) => first.output().indexOf(s));
    expect(at.every((i) => i >= 0), first.output().slice(0, 2000)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);

    const key = /\n\s+(ak_[A-Za-z0-9_-]{43})\n/.exec(first.output())?.[1];
    expect(key).toBeDefined();
    const res = await fetch(`http://127.0.0.1:${port}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '陈静', email: 'chen.jing@example.cn' }),
    });
    expect(res.status).toBe(201);
    // The key is shown on the console, never through the logger, and no personal data is logged.
    expect(first.output()).not.toMatch(/"msg":"[^"]*ak_/);
    expect(first.output()).not.toContain('陈静');
    expect(first.output()).not.toContain('scheduler started');

    // The scripts work beside the running service, on its embedded Postgres.
    const script = (name: string, ...args: string[]) =>
      spawnSync(process.execPath, [`scripts/${name}.ts`, ...args], { cwd: path.resolve(import.meta.dirname, '..'), env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
    const created = script('create-api-key', '--name', 'ops laptop', '--role', 'manager');
    expect(created.status, created.stderr).toBe(0);
    const managerKey = /\n\s+(ak_[A-Za-z0-9_-]{43})\n/.exec(created.stdout)?.[1];
    const asManager = await fetch(`http://127.0.0.1:${port}/v1/customers`, { headers: { authorization: `Bearer ${managerKey}` } });
    expect(asManager.status).toBe(200);
    const migrated = script('migrate');
    expect(migrated.status, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain('The schema is up to date.');
    for (const name of ['migrate', 'create-api-key', 'export-openapi', 'bench', 'bench-compare']) {
      const help = script(name, '--help');
      expect(help.status, `${name} --help: ${help.stderr}`).toBe(0);
      expect(help.stdout).toMatch(/^usage: npm run /);
    }
    const wrong = script('create-api-key', '--nmae', 'typo');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('usage: npm run create-api-key');
    expect(wrong.stderr).not.toMatch(/\n\s+at /);

    const second = start({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain(`is in use by another Aftercare process (pid ${first.child.pid})`);

    const postmasterPid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('shutting down');
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(() => process.kill(postmasterPid, 0)).toThrow();

    // The data outlives the process, and no new key is generated for a cluster that has keys.
    const port2 = await freePort();
    const again = processes.start({ DATA_DIR: dataDir, PORT: String(port2), CRON_ENABLED: 'false' }, 'info', { detached: true });
    await waitFor(`http://127.0.0.1:${port2}/readyz`, 30_000);
    const list = await fetch(`http://127.0.0.1:${port2}/v1/customers`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await list.json()) as { data: { name: string }[] };
    expect(body.data.map((c) => c.name)).toEqual(["陈静"]);
    expect(again.output()).not.toContain('shown this once');
    // Ctrl-C in a terminal signals the whole process group, the embedded Postgres included:
    // the stop prints nothing alarming.
    process.kill(-again.child.pid!, 'SIGINT');
    expect(await again.exited).toBe(0);
    expect(again.output()).toContain('shutting down');
    expect(again.output()).not.toMatch(/"level":(40|50|60)/);
  }, 90_000);

  it('stops with a clear message on a configuration it cannot use', async () => {
    const bad = start({ PORT: 'not-a-port' });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('invalid configuration: PORT');
  });
});
