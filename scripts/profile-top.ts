// node scripts/profile-top.ts [--skip=S] <file.cpuprofile> [n]: the functions a V8 CPU profile spent the
// most time in (self time, and total time including what they called), as a table. For the
// profiles BENCH_CPU_PROF=<dir> npm run bench writes; Chrome DevTools reads the same files.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

// --skip=S leaves out the first S seconds (the service's start-up: module loading, schema compiling).
const args = process.argv.slice(2);
const skipUs = Number(args.find((a) => a.startsWith('--skip='))?.slice(7) ?? 0) * 1e6;
const [file, n = '30'] = args.filter((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: node scripts/profile-top.ts [--skip=seconds] <file.cpuprofile> [rows]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const where = (node: Node) => {
  const f = node.callFrame;
  const url = f.url.replace(/^file:\/\/.*?\/(node_modules|src)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${url ? `${url}:${f.lineNumber + 1}` : ''}`.trim();
};
const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
let clock = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  clock += us;
  if (clock < skipUs) return;
  all += us;
  const leaf = byId.get(id)!;
  self.set(where(leaf), (self.get(where(leaf)) ?? 0) + us);
  // Each function on the sample's stack once, however often it recurs.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const key = where(byId.get(cur)!);
    if (seen.has(key)) continue;
    seen.add(key);
    total.set(key, (total.get(key) ?? 0) + us);
  }
});
const pct = (us: number) => `${((us / all) * 100).toFixed(1).padStart(5)} %`;
console.log(`${(all / 1e6).toFixed(1)} s sampled\n\nself time`);
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${pct(us)}  ${k}`);
console.log('\ntotal time (with callees)');
for (const [k, us] of [...total].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${pct(us)}  ${k}`);
