// A service process as `npm start` runs it (same node, flags and entry point), for the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../src/db/embedded.ts';

export interface BenchService {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

export async function startService(root: string, env: Record<string, string>): Promise<BenchService> {
  const port = await freePort();
  const startArgs = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start as string).split(/\s+/).slice(1);
  // BENCH_CPU_PROF=<dir>: the service writes a V8 CPU profile there when it stops (open it in
  // Chrome DevTools, or summarise it with `node scripts/profile-top.ts <file>`).
  if (process.env.BENCH_CPU_PROF) startArgs.unshift('--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`);
  const child = spawn(process.execPath, startArgs, {
    cwd: root,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/readyz`);
  return {
    child,
    url,
    stop: () => stopAll([child]),
  };
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet listening */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became ready`);
}

/** SIGTERM to each, then wait until all have exited. */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((res) => (c.exitCode !== null ? res(null) : c.once('exit', res)))));
}
