import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Keys the service itself signs with, shared by every instance on this database. The cursor
  // key makes list cursors tamper-evident (HMAC); 32 random bytes from two v4 UUIDs' worth of
  // Postgres's strong random source, hashed so every bit of the key is used.
  await sql`
    create table server_secrets (
      name text primary key,
      secret bytea not null check (length(secret) >= 32),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    insert into server_secrets (name, secret)
    values ('cursor', sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists server_secrets`.execute(db);
}
