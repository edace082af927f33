// npm run create-api-key -- --name "ops laptop" --role admin
// Creates a key directly in the database (for when no admin key is at hand) and prints its secret once.
import { systemClock } from '../src/clock.ts';
import { systemContext } from '../src/db/context.ts';
import { migrateToLatest } from '../src/db/migrator.ts';
import type { Role } from '../src/db/types.ts';
import { createApiKey } from '../src/modules/api-keys/api-keys.service.ts';
import { commandLine, run } from './cli.ts';
import { withScriptDatabase } from './database.ts';

const ROLES: Role[] = ['admin', 'manager', 'agent', 'analyst', 'integration', 'qa'];
const usage = `
usage: npm run create-api-key -- --name <name> [--role ${ROLES.join('|')}]

Creates an API key directly in the database and prints its secret once (it is stored only as
a hash). For when no admin key is at hand; otherwise use POST /v1/api-keys. Works beside a
running service: with the embedded database it uses the running instance's Postgres.
Technician keys need a technician: create them with POST /v1/api-keys.`;
const { values } = commandLine(usage, { name: { type: 'string' }, role: { type: 'string', default: 'admin' } });
if (!values.name || !ROLES.includes(values.role as Role)) {
  console.error(usage.trim());
  process.exit(2);
}

await run(() =>
  withScriptDatabase(async ({ db }) => {
    await migrateToLatest(db as never);
    const key = await createApiKey({ db, clock: systemClock }, systemContext(), { name: values.name!, role: values.role as Role });
    console.log(`Created ${key.role} key ${key.id} (${key.prefix}…). Its secret, shown this once:\n\n    ${key.secret}\n`);
  }),
);
