import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import { createDatabase, type Database } from '../../src/db/database.ts';
import type { Role } from '../../src/db/types.ts';
import { ensureStartupKey } from '../../src/modules/api-keys/api-keys.service.ts';

const TEMPLATE_DB = 'aftercare_template';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database cloned from the migrated template: this file's alone. */
export async function createTestDatabase(): Promise<{ url: string; name: string }> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  return { url: withDatabase(adminUrl, name), name };
}

export const TEST_CONFIG = { LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: 100_000, IDEMPOTENCY_TTL_HOURS: 24 } as const;

/** Another instance of the service on an existing database: its own pool, key cache and app. */
export async function openInstance(
  url: string,
  clock: ManualClock = new ManualClock(),
  logger: NonNullable<Parameters<typeof buildApp>[0]['logger']> = false,
): Promise<{ app: FastifyInstance; database: Database; close(): Promise<void> }> {
  const database = createDatabase(url, { poolSize: 3 });
  const app = await buildApp({ config: TEST_CONFIG, db: database.db, pool: database.pool, clock, logger });
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
  const database = createDatabase(url, { poolSize: 10 });
  const clock = opts.clock ?? new ManualClock('2026-03-02T09:00:00Z');
  const adminKey = `ak_test_${randomBytes(24).toString('base64url')}`;
  await ensureStartupKey({ db: database.db, clock }, adminKey);
  const app = await buildApp({
    config: { ...TEST_CONFIG, RATE_LIMIT_PER_MINUTE: opts.rateLimitPerMinute ?? TEST_CONFIG.RATE_LIMIT_PER_MINUTE },
    db: database.db,
    pool: database.pool,
    clock,
    logger: false,
  });
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
    async close() {
      await app.close();
      await database.close();
    },
  };
}
