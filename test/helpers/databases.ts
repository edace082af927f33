import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The migrated database every test file clones its own from. */
export const TEMPLATE_DB = 'aftercare_template';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates a database on the server of `adminUrl` (from the template when given) and returns its URL and name. */
export async function createDatabaseOn(adminUrl: string, opts: { prefix: string; template?: string }): Promise<{ url: string; name: string }> {
  const name = `${opts.prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}${opts.template ? ` template ${opts.template}` : ''}`);
  } finally {
    await admin.end();
  }
  return { url: withDatabase(adminUrl, name), name };
}
