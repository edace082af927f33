import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded.ts';
import { createTestDatabase } from './helpers/app.ts';
import { serverProcesses } from './helpers/server-process.ts';

/**
 * The README, executed: its shell examples, in order, run verbatim with bash against a
 * freshly started service, the variables they set carrying forward. The admin key is the
 * one the first start prints (the README says to export it as AC_KEY: `ak_...` is replaced by
 * it, as a reader does). Every curl must answer 2xx unless its line ends with
 * `# expect <status>`; bash must print nothing on stderr (a failed jq, an unset variable).
 * A block preceded by `<!-- readme-test: skip ... -->` is not run (starting the service,
 * Docker, generating an SDK).
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const missing = ['bash', 'curl', 'jq'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const processes = serverProcesses();
const dirs: string[] = [];
afterAll(async () => {
  processes.killAll();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Block {
  /** README line number (1-based) of each line of the block. */
  lines: Array<{ at: number; text: string }>;
}

function shellBlocks(readme: string): Block[] {
  const lines = readme.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue;
    const skipped = /^<!-- readme-test: skip\b/.test(lines[i - 1] ?? '') || /^<!-- readme-test: skip\b/.test(lines[i - 2] ?? '');
    const block: Block = { lines: [] };
    for (i++; i < lines.length && lines[i] !== '```'; i++) block.lines.push({ at: i + 1, text: lines[i]! });
    if (!skipped) blocks.push(block);
  }
  return blocks;
}

const PRELUDE = String.raw`
# Every curl's status is noted with the script line it was called from.
curl() {
  local body code
  body=$(mktemp)
  code=$(command curl -sS -o "$body" -w '%{http_code}' "$@")
  printf '%s\t%s\t%s\n' "${'$'}{BASH_LINENO[0]}" "$code" "$(head -c 400 "$body" | tr '\n\t' '  ')" >> "$README_CALLS"
  cat "$body"
  rm -f "$body"
}
`;

describe.skipIf(missing.length > 0)(`the README, run as a reader runs it${missing.length ? ` (skipped: install ${missing.join(', ')})` : ''}`, () => {
  it('every example answers as the README says, and the repair ticket ends closed with its survey answered', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const { url } = await createTestDatabase();
    const port = await freePort();
    const service = processes.start({ DATABASE_URL: url, PORT: String(port), LOG_LEVEL: 'warn' }, 'warn');
    const base = `http://localhost:${port}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300) throw new Error(`the service did not start:\n${service.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The key the first start prints, as the README tells a reader to take it.
    const key = /\n\s+(ak_[A-Za-z0-9_-]{43})\n/.exec(service.output())?.[1];
    expect(key, service.output()).toBeDefined();

    const dir = await mkdtemp(path.join(os.tmpdir(), 'aftercare-readme-'));
    dirs.push(dir);
    const calls = path.join(dir, 'calls.tsv');
    const scriptLines = PRELUDE.split('\n');
    const readmeLineOf = new Map<number, number>();
    const blocks = shellBlocks(readme);
    for (const block of blocks) {
      for (const line of block.lines) {
        scriptLines.push(line.text.replaceAll('ak_...', key!));
        readmeLineOf.set(scriptLines.length, line.at);
      }
    }
    scriptLines.push('printf "%s\\n" "$T" > "$README_VARS"');
    await writeFile(path.join(dir, 'readme.sh'), scriptLines.join('\n'));
    await writeFile(calls, '');
    const run = spawnSync('bash', [path.join(dir, 'readme.sh')], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, AC: base, README_CALLS: calls, README_VARS: path.join(dir, 'vars') },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr, 'bash printed errors').toBe('');
    expect(run.status).toBe(0);

    const lines = readme.split('\n');
    const recorded = (await readFile(calls, 'utf8')).trim().split('\n').map((l) => l.split('\t'));
    const wrong: string[] = [];
    for (const [scriptLine, status, body] of recorded) {
      const at = readmeLineOf.get(Number(scriptLine));
      const expected = at ? /# expect (\d{3})\b/.exec(lines[at - 1]!)?.[1] : undefined;
      const ok = expected ? status === expected : /^2\d\d$/.test(status!);
      if (!ok) wrong.push(`README line ${at}: ${status} (expected ${expected ?? '2xx'}): ${lines[(at ?? 1) - 1]?.trim()}\n    ${body}`);
    }
    console.log(`README: ${recorded.length} curl examples executed in ${blocks.length} blocks`);
    expect(wrong).toEqual([]);
    // The field visit's walk ends with the signed service report saved as a PDF.
    expect((await readFile(path.join(dir, 'service-report.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');
    expect(recorded.length).toBeGreaterThan(60);

    // The life of a repair ticket: closed, its survey answered.
    const ticket = (await readFile(path.join(dir, 'vars'), 'utf8')).trim();
    const auth = { authorization: `Bearer ${key}` };
    const t = (await (await fetch(`${base}/v1/tickets/${ticket}`, { headers: auth })).json()) as { status: string };
    expect(t.status).toBe('closed');
    const surveys = (await (await fetch(`${base}/v1/surveys?ticket_id=${ticket}`, { headers: auth })).json()) as { data: { answered_at: string | null }[] };
    expect(surveys.data.some((s) => s.answered_at !== null)).toBe(true);
  }, 180_000);
});
