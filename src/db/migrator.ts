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

/**
 * Migrates in one transaction under a transaction-scoped advisory lock, so it is safe through
 * PgBouncer in transaction mode (a session lock could be taken on one server connection and
 * released on another) and all-or-nothing. A schema that is already newer than this code (an
 * instance of the previous release still running during a rolling deploy, see "Upgrades" in
 * the README) is left as it is: expand/contract keeps it working with this code.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet & { newer?: string[] }> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx);
    const newer = await unknownMigrations(tx);
    if (newer.length > 0) return { results: [], newer };
    const result = await migrator(tx).migrateToLatest();
    if (result.error) throw result.error;
    return result;
  });
}

/** Migrations the database has applied that this code does not know (it is newer code's schema). */
async function unknownMigrations(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<{ exists: boolean }>`select to_regclass('kysely_migration') is not null as exists`.execute(db);
  if (!rows[0]!.exists) return [];
  const { rows: applied } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  return applied.map((r) => r.name).filter((name) => !(name in migrations));
}

/** True when the newest migration this code knows has been applied. */
export async function isMigrated(db: Kysely<unknown>): Promise<boolean> {
  const done = await migrator(db).getMigrations();
  return done.some((m) => m.name === latestMigration && m.executedAt !== undefined);
}
