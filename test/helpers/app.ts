import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { createDatabase, type Database } from '../../src/db/database.ts';
import type { Role } from '../../src/db/types.ts';
import { ensureStartupKey } from '../../src/modules/api-keys/api-keys.service.ts';
import { TEMPLATE_DB, createDatabaseOn } from './databases.ts';

/** A fresh database cloned from the migrated template: this file's alone. */
export const createTestDatabase = () => createDatabaseOn(inject('pgAdminUrl'), { prefix: 't', template: TEMPLATE_DB });

/** An empty database, not migrated. */
export const createEmptyDatabase = () => createDatabaseOn(inject('pgAdminUrl'), { prefix: 'empty' });

export const TEST_CONFIG = { LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 100_000, IDEMPOTENCY_TTL_HOURS: 24 } as const;

/** Another instance of the service on an existing database: its own pool, key cache and app. */
export async function openInstance(
  url: string,
  clock: ManualClock = new ManualClock(),
  logger: NonNullable<Parameters<typeof buildApp>[0]['logger']> = false,
  opts: { poolSize?: number; rateLimitPerMinute?: number } = {},
): Promise<{ app: FastifyInstance; database: Database; close(): Promise<void> }> {
  const database = createDatabase(url, { poolSize: opts.poolSize ?? 3 });
  const app = await buildApp({
    config: { ...TEST_CONFIG, RATE_LIMIT_PER_MINUTE: opts.rateLimitPerMinute ?? TEST_CONFIG.RATE_LIMIT_PER_MINUTE },
    db: database.db,
    pool: database.pool,
    clock,
    logger,
  });
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  clock: ManualClock;
  url: string;
  adminKey: string;
  /** Creates a key with the role and returns its secret. */
  key(role: Role): Promise<string>;
  request(opts: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  rateLimitPerMinute?: number;
  clock?: ManualClock;
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const { url } = await createTestDatabase();
  const clock = opts.clock ?? new ManualClock('2026-03-02T09:00:00Z');
  const adminKey = `ak_test_${randomBytes(24).toString('base64url')}`;
  const { app, database, close } = await openInstance(url, clock, false, {
    poolSize: 10,
    ...(opts.rateLimitPerMinute ? { rateLimitPerMinute: opts.rateLimitPerMinute } : {}),
  });
  await ensureStartupKey({ db: database.db, clock }, adminKey);
  await app.ready();
  const request: TestApp['request'] = ({ key, headers, ...rest }) => {
    const auth = key === null ? {} : { authorization: `Bearer ${key ?? adminKey}` };
    return app.inject({ ...rest, headers: { ...auth, ...headers } });
  };
  return {
    app,
    database,
    clock,
    url,
    adminKey,
    request,
    async key(role: Role) {
      const res = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: `${role} key`, role } });
      if (res.statusCode !== 201) throw new Error(`could not create ${role} key: ${res.body}`);
      return res.json().secret as string;
    },
    close,
  };
}
