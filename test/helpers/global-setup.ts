import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../src/db/database.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrator.ts';
import { TEMPLATE_DB, withDatabase } from './databases.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser connection to the test server; files clone their database from TEMPLATE_DB. */
    pgAdminUrl: string;
  }
}


async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * One Postgres per run: TEST_DATABASE_URL when set, else a testcontainers Postgres when a
 * Docker engine answers, else the embedded Postgres in a temporary directory. It is
 * migrated once into a template database; every test file clones its own from it.
 */
export default async function setup(project: TestProject) {
  const log = pino({ level: 'warn' });
  let adminUrl: string;
  let teardown: () => Promise<void>;
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
    teardown = async () => {};
  } else if (await dockerAnswers()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    adminUrl = container.getConnectionUri();
    teardown = async () => void (await container.stop());
  } else {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aftercare-test-'));
    const handle = await startEmbeddedPostgres(dir, log);
    adminUrl = handle.url.replace(/\/aftercare$/, '/postgres');
    teardown = async () => {
      await handle.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DB}`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const database = createDatabase(templateUrl, { poolSize: 2 });
  await migrateToLatest(database.db as never);
  await database.close();

  project.provide('pgAdminUrl', adminUrl);
  return teardown;
}
