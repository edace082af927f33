// Writes the OpenAPI document generated from the route schemas to openapi/openapi.json;
// with --check, fails when the committed file differs from what the code generates.
import { readFile, writeFile } from 'node:fs/promises';
import { buildApp } from '../src/app.ts';
import { systemClock } from '../src/clock.ts';
import { createDatabase } from '../src/db/database.ts';
import { commandLine } from './cli.ts';

const FILE = new URL('../openapi/openapi.json', import.meta.url);

export async function generateOpenApi(): Promise<string> {
  // The pool connects lazily: building the app to read its schemas touches no database.
  const database = createDatabase('postgres://unused@127.0.0.1:1/unused', { poolSize: 1 });
  const app = await buildApp({
    config: { LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 1, IDEMPOTENCY_TTL_HOURS: 24 },
    db: database.db,
    clock: systemClock,
    logger: false,
  });
  await app.ready();
  const doc = JSON.stringify(app.swagger(), null, 2) + '\n';
  await app.close();
  await database.close();
  return doc;
}

const { values } = commandLine(
  `
usage: npm run openapi:export     write openapi/openapi.json from the route schemas
       npm run openapi:check      fail when the committed file differs from what the code generates

Needs no database.`,
  { check: { type: 'boolean' } },
);
const generated = await generateOpenApi();
if (values.check) {
  const committed = await readFile(FILE, 'utf8').catch(() => '');
  if (committed !== generated) {
    console.error('openapi/openapi.json is not up to date with the code: run `npm run openapi:export` and commit it.');
    process.exit(1);
  }
  console.log('openapi/openapi.json is up to date.');
} else {
  await writeFile(FILE, generated);
  console.log('wrote openapi/openapi.json');
}
