import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.ts';
import { systemContext } from '../../src/db/context.ts';
import { eventRow, insertEvents } from '../../src/db/outbox.ts';
import { createTestDatabase } from '../helpers/app.ts';

let d: Database;
beforeAll(async () => {
  d = createDatabase((await createTestDatabase()).url, { poolSize: 1 });
});
afterAll(async () => d.close());

describe('bulk inserts through one JSON parameter', () => {
  it('keep every value and the order of the rows', async () => {
    const at = new Date('2026-03-02T09:00:00.123Z');
    const rows = Array.from({ length: 100 }, (_, i) =>
      eventRow(systemContext(), at, 'ticket.updated', { type: 'ticket', id: '01900000-0000-7000-8000-00000000' + String(1000 + i) }, {
        i,
        text: `"quoted" \\ back\\slash 中文 ${'\u2028'} \n`,
        nothing: null,
        nested: { list: [1, 'two', { three: 3 }] },
      }),
    );
    await insertEvents(d.db, rows);
    const stored = await d.db.selectFrom('events').select(['id', 'type', 'occurred_at', 'actor', 'resource_type', 'resource_id', 'data']).orderBy('seq').execute();
    expect(stored).toHaveLength(100);
    stored.forEach((r, i) => {
      expect(r.id).toBe(rows[i]!.id);
      expect(r.occurred_at.toISOString()).toBe('2026-03-02T09:00:00.123Z');
      expect(r.actor).toEqual({ kind: 'system', id: null, role: 'system' });
      expect(r.data).toEqual(JSON.parse(rows[i]!.data as string));
    });
  });
});
