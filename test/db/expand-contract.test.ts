import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Migrator } from 'kysely/migration';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.ts';
import { systemClock } from '../../src/clock.ts';
import { createDatabase } from '../../src/db/database.ts';
import { freePort } from '../../src/db/embedded.ts';
import { ensureStartupKey } from '../../src/modules/api-keys/api-keys.service.ts';
import { createEmptyDatabase } from '../helpers/app.ts';
import { client, coreFlows, newKey, ready } from '../helpers/core-flows.ts';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
/** How many of the newest migrations are checked against the release before each (bounded CI time). */
const RELEASES = 3;

/** For each of the newest migrations: its name and the commit before the one that added it (the previous release). */
async function previousReleases(): Promise<{ migration: string; commit: string }[]> {
  const names = Object.keys(migrations).sort().slice(-RELEASES);
  return Promise.all(
    names.map(async (migration) => {
      const { stdout } = await exec('git', ['-C', ROOT, 'log', '--diff-filter=A', '--format=%H', '--', `migrations/${migration}.ts`]);
      const added = stdout.trim().split('\n').at(-1)!;
      const { stdout: parent } = await exec('git', ['-C', ROOT, 'rev-parse', `${added}^`]);
      return { migration, commit: parent.trim() };
    }),
  );
}

const history = existsSync(path.join(ROOT, '.git')) && (await exec('git', ['-C', ROOT, 'rev-parse', '--is-shallow-repository']).then((r) => r.stdout.trim() === 'false', () => false));
if (!history) console.warn('skipping the expand/contract test: it needs the git history of a full clone (git clone without --depth)');

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.skipIf(!history)('expand/contract: the previous release keeps working on the migrated schema', async () => {
  const releases = history ? await previousReleases() : [];
  it.each(releases)('the release before $migration runs the main flows on a schema migrated to it', async ({ migration, commit }) => {
    // The schema as the new release leaves it: migrated up to and including its migration.
    const { url } = await createEmptyDatabase();
    const database = createDatabase(url, { poolSize: 2 });
    const key = newKey('previous');
    try {
      const result = await new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } }).migrateTo(migration);
      if (result.error) throw result.error;
      await ensureStartupKey({ db: database.db, clock: systemClock }, key);
    } finally {
      await database.close();
    }
    // The previous release's code, as it was committed, with today's dependencies.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aftercare-release-'));
    dirs.push(dir);
    await exec('bash', ['-c', `git -C "${ROOT}" archive "${commit}" src migrations package.json | tar -x -C "${dir}"`]);
    await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    const port = await freePort();
    let output = '';
    const child = spawn(process.execPath, [path.join(ROOT, 'test/helpers/previous-release-server.ts'), dir], {
      env: { ...process.env, DATABASE_URL: url, PORT: String(port), LOG_LEVEL: 'warn', CRON_ENABLED: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    try {
      await ready(`http://127.0.0.1:${port}`);
      const ids = await coreFlows(client(`http://127.0.0.1:${port}`, key), commit.slice(0, 7));
      expect(ids.ticketId).toMatch(/^[0-9a-f-]{36}$/);
    } catch (err) {
      throw new Error(`release ${commit.slice(0, 7)} on ${migration}: ${(err as Error).message}\n${output.slice(-3000)}`, { cause: err });
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
