// npm run migrate: applies pending migrations (under the same advisory lock as start-up).
import { migrateToLatest } from '../src/db/migrator.ts';
import { commandLine, run } from './cli.ts';
import { withScriptDatabase } from './database.ts';

commandLine(
  `
usage: npm run migrate

Applies pending migrations to DATABASE_URL, else to the embedded Postgres in DATA_DIR (the
running service's, when one is running; started for the command otherwise). The service also
migrates at every start, so this is for deployments that migrate before they roll out.`,
  {},
);

await run(() =>
  withScriptDatabase(async ({ db }) => {
    const result = await migrateToLatest(db as never);
    const applied = result.results ?? [];
    if (applied.length === 0) console.log('The schema is up to date.');
    for (const r of applied) console.log(`${r.status}: ${r.migrationName}`);
  }),
);
