import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { buildApp, loggerOptions } from './app.ts';
import { systemClock } from './clock.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createDatabase } from './db/database.ts';
import { DataDirInUseError, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './db/embedded.ts';
import { migrateToLatest } from './db/migrator.ts';
import { ReplicaReads } from './db/replica.ts';
import { buildJobs } from './jobs/registry.ts';
import { startScheduler, type Scheduler } from './jobs/scheduler.ts';
import { ensureStartupKey } from './modules/api-keys/api-keys.service.ts';
import { APP_VERSION } from './version.ts';

// Entry only: config → database → migrate → app → listen → scheduler, and the reverse on close.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = pino(loggerOptions(config.LOG_LEVEL) as pino.LoggerOptions);
  const clock = systemClock;
  log.info({ version: APP_VERSION, port: config.PORT, database: config.DATABASE_URL ? 'DATABASE_URL' : `embedded, in ${config.DATA_DIR}` }, 'starting Aftercare');

  let embedded: EmbeddedPostgresHandle | undefined;
  let url = config.DATABASE_URL;
  let closing = false;
  if (!url) {
    try {
      embedded = await startEmbeddedPostgres(config.DATA_DIR, log);
    } catch (err) {
      log.fatal(err instanceof DataDirInUseError ? err.message : { err: { message: (err as Error).message } }, 'cannot start the embedded database');
      process.exit(1);
    }
    url = embedded.url;
  }
  const expectingLoss = () => closing || (embedded?.stopping() ?? false);
  const database = createDatabase(url, { poolSize: config.DB_POOL_SIZE, log, expectingLoss });
  // Behind PgBouncer in transaction mode, LISTEN needs a connection of its own to the primary.
  const direct = config.DATABASE_DIRECT_URL ? createDatabase(config.DATABASE_DIRECT_URL, { poolSize: 2, log, expectingLoss }) : undefined;
  const replica = config.DATABASE_REPLICA_URL
    ? new ReplicaReads(database, config.DATABASE_REPLICA_URL, { poolSize: config.DB_POOL_SIZE, maxLagSeconds: config.REPLICA_MAX_LAG_SECONDS, log })
    : undefined;
  // Filled in as start-up proceeds; closing stops whatever has started, newest first.
  const running: { app?: Awaited<ReturnType<typeof buildApp>>; scheduler?: Scheduler } = {};

  closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
    closing = true;
    if (err) log.error({ err: { message: err.message, stack: err.stack } }, 'shutting down after an error');
    else log.info({ signal }, 'shutting down');
    await running.scheduler?.stop();
    await running.app?.close();
    await replica?.close();
    await direct?.close();
    await database.close();
    await embedded?.stop();
  });

  log.info('migrating the database');
  const migrated = await migrateToLatest((direct ?? database).db as never);
  const applied = (migrated.results ?? []).map((r) => r.migrationName);
  if (migrated.newer) log.warn({ newer: migrated.newer }, 'the schema is newer than this release (a rolling upgrade in progress?): running on it unchanged');
  else log.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'the schema is up to date');
  if (replica) {
    await replica.start();
    log.info({ usable: replica.usable, lag_seconds: replica.lagSeconds }, 'read replica configured: lists, the event feed and reports read from it');
  }

  const startup = await ensureStartupKey({ db: database.db, clock }, config.BOOTSTRAP_API_KEY);
  if (startup.generated) {
    // Printed once, on the console only (never through the logger): it is not stored anywhere.
    process.stdout.write(
      `\nNo API keys existed, so an admin key was created. It is shown this once:\n\n    ${startup.generated}\n\n` +
        'Use it as "Authorization: Bearer <key>" and create further keys with POST /v1/api-keys.\n\n',
    );
  }

  const jobs = buildJobs(config);
  const app = await buildApp({
    config,
    db: database.db,
    pool: database.pool,
    ...(direct ? { listenPool: direct.pool } : {}),
    ...(replica ? { replica } : {}),
    clock,
    jobs,
    logger: loggerOptions(config.LOG_LEVEL),
  });
  running.app = app;
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  log.info({ api: address, reference: `${address}/docs` }, `ready: the API is on ${address}, its reference at ${address}/docs`);
  if (config.CRON_ENABLED) {
    running.scheduler = startScheduler({ db: database.db, clock, log }, jobs);
    log.info({ jobs: jobs.map((j) => `${j.name} (${j.schedule})`) }, 'scheduler started');
  }
}

main().catch((err: Error) => {
  console.error(`aftercare failed to start: ${err.message}`);
  process.exit(1);
});
