import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // What an event may give only to whom it is meant for (a survey's one-time token and link,
  // for the integration that sends it), kept beside the feed's data: the feed never reads it.
  await sql`alter table events add column private_data jsonb`.execute(db);
  await sql`
    update events
       set private_data = jsonb_build_object('token', data->'token', 'respond_url', data->'respond_url'),
           data = data || '{"token": null, "respond_url": null}'::jsonb
     where type = 'survey.sent' and data->>'token' is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update events set data = data || private_data
     where type = 'survey.sent' and private_data is not null`.execute(db);
  await sql`alter table events drop column if exists private_data`.execute(db);
}
