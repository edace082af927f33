import { sql } from 'kysely';
import type { Db, Tx } from './types.ts';

/** Below this many rows an ordinary multi-row INSERT is as fast. */
export const BULK_FROM = 32;

export interface BulkColumn {
  name: string;
  /** The Postgres type the value is read as. */
  type: 'uuid' | 'text' | 'timestamptz' | 'jsonb';
}

/**
 * Inserts many rows with one parameter: the rows as one JSON array read back by
 * jsonb_to_recordset, in order. No statement with thousands of placeholders is built, and
 * jsonb columns that the caller already holds as JSON text (events' data, say) are spliced
 * in as they are instead of being parsed and written again.
 */
export async function insertJsonRows(db: Db | Tx, table: string, columns: BulkColumn[], rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const parts: string[] = [];
  for (const row of rows) {
    const fields: string[] = [];
    for (const c of columns) {
      const v = row[c.name];
      let text: string;
      if (v === null || v === undefined) text = 'null';
      else if (c.type === 'jsonb') text = typeof v === 'string' ? v : JSON.stringify(v);
      else if (v instanceof Date) text = `"${v.toISOString()}"`;
      else text = JSON.stringify(v);
      fields.push(`${JSON.stringify(c.name)}:${text}`);
    }
    parts.push(`{${fields.join(',')}}`);
  }
  const names = sql.join(columns.map((c) => sql.ref(c.name)));
  const spec = sql.join(columns.map((c) => sql`${sql.ref(c.name)} ${sql.raw(c.type)}`));
  await sql`
    insert into ${sql.table(table)} (${names})
    select ${names} from rows from (jsonb_to_recordset(${`[${parts.join(',')}]`}::jsonb) as (${spec})) with ordinality as x(${names}, n)
    order by n`.execute(db);
}
