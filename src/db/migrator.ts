import { sql, type Kysely } from 'kysely';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import { migrations } from '../../migrations/index.ts';
import { ADVISORY_LOCKS } from './locks.ts';

// Every instance takes the same lock before migrating, so two starting at once run the
// migrations once and both come up.
const MIGRATION_LOCK = ADVISORY_LOCKS.migrations;

export const latestMigration = Object.keys(migrations).sort().at(-1)!;

function migrator(db: Kysely<unknown>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
}

export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      const result = await migrator(conn).migrateToLatest();
      if (result.error) throw result.error;
      return result;
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}

/** True when the newest migration this code knows has been applied. */
export async function isMigrated(db: Kysely<unknown>): Promise<boolean> {
  const done = await migrator(db).getMigrations();
  return done.some((m) => m.name === latestMigration && m.executedAt !== undefined);
}
