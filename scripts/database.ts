// The database a script works on: DATABASE_DIRECT_URL (past PgBouncer), else DATABASE_URL; else the embedded Postgres of the service
// running on DATA_DIR (its port and password are in DATA_DIR); else the embedded Postgres
// started for the script and stopped after it.
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { createDatabase, type Database } from '../src/db/database.ts';
import { runningEmbeddedUrl, startEmbeddedPostgres } from '../src/db/embedded.ts';

export async function withScriptDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const external = config.DATABASE_DIRECT_URL ?? config.DATABASE_URL;
  const running = external ? undefined : runningEmbeddedUrl(config.DATA_DIR);
  const embedded = external || running ? undefined : await startEmbeddedPostgres(config.DATA_DIR, log);
  const database = createDatabase(external ?? running ?? embedded!.url, { poolSize: 4, log });
  try {
    return await work(database);
  } finally {
    await database.close();
    await embedded?.stop();
  }
}
