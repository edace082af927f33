import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Service processes started by a test file; kill them all in its afterAll. */
export function serverProcesses() {
  const children: ChildProcess[] = [];
  const detached = new Set<ChildProcess>();
  return {
    /**
     * `npm start` as it runs: the same node, flags and entry point, with extra environment.
     * `detached`: in a process group of its own, as a terminal runs it (signal the group with kill(-pid)).
     */
    start(env: Record<string, string>, logLevel = 'info', opts: { detached?: boolean } = {}) {
      const args = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start as string).split(/\s+/).slice(1);
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: logLevel, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: opts.detached ?? false,
      });
      children.push(child);
      if (opts.detached) detached.add(child);
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      return { child, output: () => output, exited };
    },
    killAll() {
      for (const c of children) {
        if (c.exitCode !== null) continue;
        // A detached child leads its own group: its embedded Postgres goes with it.
        if (c.pid && detached.has(c)) process.kill(-c.pid, 'SIGKILL');
        else c.kill('SIGKILL');
      }
    },
  };
}
