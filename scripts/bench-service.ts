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
  const child = spawn(process.execPath, startArgs, {
    cwd: root,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      /* not yet listening */
    }
    if (i > 300) throw new Error('the service never became ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}
