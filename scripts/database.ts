// The database a script works on: DATABASE_URL, else the embedded Postgres in DATA_DIR
// (started for the script, stopped after it). Refuses while a service owns DATA_DIR.
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { createDatabase, type Database } from '../src/db/database.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';

export async function withScriptDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.DATA_DIR, log);
  const database = createDatabase(config.DATABASE_URL ?? embedded!.url, { poolSize: 4, log });
  try {
    return await work(database);
  } finally {
    await database.close();
    await embedded?.stop();
  }
}
