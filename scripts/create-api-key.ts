// npm run create-api-key -- --name "ops laptop" --role admin
// Creates a key directly in the database (for when no admin key is at hand) and prints its secret once.
import { parseArgs } from 'node:util';
import { systemClock } from '../src/clock.ts';
import { migrateToLatest } from '../src/db/migrator.ts';
import type { Role } from '../src/db/types.ts';
import { createApiKey } from '../src/modules/api-keys/api-keys.service.ts';
import { systemContext } from '../src/db/context.ts';
import { withScriptDatabase } from './database.ts';

const ROLES: Role[] = ['admin', 'manager', 'agent', 'analyst', 'integration'];
const { values } = parseArgs({ options: { name: { type: 'string' }, role: { type: 'string', default: 'admin' } } });
if (!values.name || !ROLES.includes(values.role as Role)) {
  console.error(`usage: npm run create-api-key -- --name <name> [--role ${ROLES.join('|')}]`);
  process.exit(2);
}
await withScriptDatabase(async ({ db }) => {
  await migrateToLatest(db as never);
  const key = await createApiKey({ db, clock: systemClock }, systemContext(), { name: values.name!, role: values.role as Role });
  console.log(`Created ${key.role} key ${key.id} (${key.prefix}…). Its secret, shown this once:\n\n    ${key.secret}\n`);
});
