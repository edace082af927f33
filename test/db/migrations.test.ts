import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.ts';
import { isMigrated, latestMigration, migrateToLatest } from '../../src/db/migrator.ts';
import { createEmptyDatabase, createTestDatabase } from '../helpers/app.ts';
import { migrations } from '../../migrations/index.ts';

describe('migrations', () => {
  it('run once when several instances start together, and all of them come up', async () => {
    const { url } = await createEmptyDatabase();
    const instances = Array.from({ length: 4 }, () => createDatabase(url, { poolSize: 2 }));
    const results = await Promise.all(instances.map((d) => migrateToLatest(d.db as never)));
    const applied = results.flatMap((r) => (r.results ?? []).filter((m) => m.status === 'Success'));
    expect(applied.map((m) => m.migrationName)).toEqual(Object.keys(migrations).sort());
    expect(applied.at(-1)!.migrationName).toBe(latestMigration);
    for (const d of instances) expect(await isMigrated(d.db as never)).toBe(true);
    await Promise.all(instances.map((d) => d.close()));
  });

  it('are idempotent: a second run applies nothing', async () => {
    const { url } = await createTestDatabase();
    const d = createDatabase(url, { poolSize: 1 });
    const again = await migrateToLatest(d.db as never);
    expect(again.results).toEqual([]);
    await d.close();
  });

  it('leave a schema newer than the code alone (a rolling upgrade: the previous release starting again), and say so', async () => {
    const { url } = await createTestDatabase();
    const d = createDatabase(url, { poolSize: 1 });
    try {
      await sql`insert into kysely_migration (name, timestamp) values ('2099-01-01T0000_from_the_next_release', now()::text)`.execute(d.db);
      const result = await migrateToLatest(d.db as never);
      expect(result).toEqual({ results: [], newer: ['2099-01-01T0000_from_the_next_release'] });
      expect(await isMigrated(d.db as never)).toBe(true);
    } finally {
      await d.close();
    }
  });

  it('make the audit trail append-only in the database itself', async () => {
    const { url } = await createTestDatabase();
    const d = createDatabase(url, { poolSize: 1 });
    await sql`insert into audit_log (id, occurred_at, actor_kind, action, resource_type, resource_id)
      values ('01a20c20-bb81-70a7-8e07-0eb4f830d29b', now(), 'system', 'created', 'customer', '01a20c20-bb81-70a7-8e07-0eb4f830d29c')`.execute(d.db);
    await expect(sql`update audit_log set action = 'forged'`.execute(d.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(d.db)).rejects.toThrow(/append-only/);
    await d.close();
  });
});
