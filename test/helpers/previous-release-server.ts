// Serves the API of an earlier release, extracted into the directory given as the first
// argument, on a database another release has migrated: its app on DATABASE_URL and PORT,
// without migrating (the newer schema is the point) and without the scheduler.
import { pathToFileURL } from 'node:url';

const root = process.argv[2]!;
const load = (file: string) => import(pathToFileURL(`${root}/src/${file}`).href);
const { buildApp } = await load('app.ts');
const { createDatabase } = await load('db/database.ts');
const { systemClock } = await load('clock.ts');
const { loadConfig } = await load('config.ts');
const config = loadConfig();
const database = createDatabase(process.env.DATABASE_URL!, { poolSize: 5 });
const app = await buildApp({ config, db: database.db, pool: database.pool, clock: systemClock, logger: false });
await app.listen({ port: config.PORT, host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => database.close()).then(() => process.exit(0)));
