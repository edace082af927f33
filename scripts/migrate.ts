// npm run migrate: applies pending migrations (under the same advisory lock as start-up).
import { migrateToLatest } from '../src/db/migrator.ts';
import { withScriptDatabase } from './database.ts';

await withScriptDatabase(async ({ db }) => {
  const result = await migrateToLatest(db as never);
  const applied = result.results ?? [];
  if (applied.length === 0) console.log('The schema is up to date.');
  for (const r of applied) console.log(`${r.status}: ${r.migrationName}`);
});
