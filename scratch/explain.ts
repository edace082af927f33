import pino from 'pino';
import { sql } from 'kysely';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { createDatabase } from '../src/db/database.ts';
import { ticketListQuery } from '../src/modules/tickets/tickets.repository.ts';
const pg = await startEmbeddedPostgres('.bench', pino({ level: 'silent' }));
const d = createDatabase(pg.url);
const busiest = (await sql<{ technician_id: string }>`select technician_id from tickets where status = 'closed' group by technician_id order by count(*) desc limit 1`.execute(d.db)).rows[0]!.technician_id;
console.log((await sql<any>`select pg_size_pretty(pg_total_relation_size('tickets')) s, pg_size_pretty(pg_relation_size('tickets')) h, current_setting('shared_buffers') sb`.execute(d.db)).rows);
for (const [name, q] of [
  ['list', ticketListQuery(d.db, { status: 'closed', technician_id: busiest }, { mode: 'id', limit: 50 })],
  ['q', ticketListQuery(d.db, { q: '制冷' }, { mode: 'id', limit: 50 })],
] as const) {
  const c = q.compile();
  const r = await d.pool.query('explain (analyze, buffers) ' + c.sql, c.parameters as unknown[]);
  console.log('==', name); console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
}
await d.close(); await pg.stop();
