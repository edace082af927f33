import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.ts';
import { clockStateAt, dueForBreachRecord, dueForWarningRecord, type ClockState, type StoredClock } from '../../src/domain/clock-state.ts';
import { DUE, WARN, breachedTicketIds, clockBreached, clockWarning, warnedTicketIds } from '../../src/modules/tickets/ticket-sla.predicates.ts';
import { createTestDatabase } from '../helpers/app.ts';

/*
 * One definition of a stored clock's state at an instant: the JS (domain/clock-state.ts, what
 * the sla blocks show) and the SQL (ticket-sla.predicates.ts, what the sla_state filter and the
 * sweep select) agree on every combination of the columns that decide it.
 */

const NOW = new Date('2026-03-09T06:00:00Z');
const PAST = new Date('2026-03-09T05:00:00Z');
const FUTURE = new Date('2026-03-09T07:00:00Z');
const STATES: ClockState[] = ['running', 'paused', 'met', 'warning', 'breached'];

function* combinations(): Generator<StoredClock> {
  for (const completed_at of [null, PAST])
    for (const paused of [false, true])
      for (const state of STATES)
        for (const due_at of [null, PAST, NOW, FUTURE])
          for (const warn_at of [null, PAST, NOW, FUTURE])
            for (const warned_at of [null, PAST])
              for (const breached_at of [null, PAST]) yield { completed_at, paused, state, due_at, warn_at, warned_at, breached_at };
}

let d: Database;
const byId = new Map<string, StoredClock>();

beforeAll(async () => {
  d = createDatabase((await createTestDatabase()).url, { poolSize: 1 });
  const rows = [...combinations()].map((c, i) => {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    byId.set(id, c);
    return { id, ...c };
  });
  // Clocks on their own (no tickets or policies behind them): foreign keys are not what is tested.
  await sql`alter table ticket_sla disable trigger all`.execute(d.db);
  await sql`
    insert into ticket_sla (ticket_id, metric, policy_id, target_minutes, started_at, due_at, warn_at, completed_at, paused, state, warned_at, breached_at)
    select r.id, 'resolution', r.id, 60, ${PAST}, r.due_at, r.warn_at, r.completed_at, r.paused, r.state, r.warned_at, r.breached_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, due_at timestamptz, warn_at timestamptz, completed_at timestamptz,
      paused boolean, state text, warned_at timestamptz, breached_at timestamptz)`.execute(d.db);
}, 120_000);
afterAll(async () => d?.close());

const ids = async (where: ReturnType<typeof sql>) =>
  new Set((await sql<{ id: string }>`select distinct x.ticket_id as id from (${where}) x`.execute(d.db)).rows.map((r) => r.id));
const expected = (f: (c: StoredClock) => boolean) => new Set([...byId].filter(([, c]) => f(c)).map(([id]) => id));

describe('a stored clock’s state at an instant, in JS and in SQL', () => {
  it(`covers ${2 * 2 * 5 * 4 * 4 * 2 * 2} combinations, every state among them`, () => {
    expect(new Set([...byId.values()].map((c) => clockStateAt(c, NOW)))).toEqual(new Set(STATES));
  });

  it('breached: the per-clock condition and the ticket list’s index-driven form both equal clockStateAt', async () => {
    const want = expected((c) => clockStateAt(c, NOW) === 'breached');
    expect(await ids(sql`select s.ticket_id from ticket_sla s where ${clockBreached('s', NOW)}`)).toEqual(want);
    expect(await ids(breachedTicketIds(NOW))).toEqual(want);
  });

  it('warning: the per-clock condition and the index-driven form both equal clockStateAt', async () => {
    const want = expected((c) => clockStateAt(c, NOW) === 'warning');
    expect(await ids(sql`select s.ticket_id from ticket_sla s where not ${clockBreached('s', NOW)} and ${clockWarning('s', NOW)}`)).toEqual(want);
    const warned = await ids(warnedTicketIds(NOW));
    const breached = await ids(breachedTicketIds(NOW));
    expect(new Set([...warned].filter((id) => !breached.has(id)))).toEqual(want);
  });

  it('what the sweep records: DUE and WARN equal dueForBreachRecord and dueForWarningRecord', async () => {
    expect(await ids(sql`select s.ticket_id from ticket_sla s where ${DUE} and s.due_at <= ${NOW}`)).toEqual(expected((c) => dueForBreachRecord(c, NOW)));
    expect(await ids(sql`select s.ticket_id from ticket_sla s where ${WARN} and s.warn_at <= ${NOW} and s.due_at > ${NOW}`)).toEqual(
      expected((c) => dueForWarningRecord(c, NOW)),
    );
  });

  it('the sweep’s idle probe (aftercare_sla_due_probe) writes out DUE and WARN exactly, and answers as they do', async () => {
    const { rows } = await sql<{ def: string }>`select pg_get_functiondef('aftercare_sla_due_probe(timestamptz)'::regprocedure) as def`.execute(d.db);
    const flat = (x: string) => x.replace(/\s+/g, ' ');
    for (const predicate of [DUE, WARN]) expect(flat(rows[0]!.def)).toContain(flat(predicate.compile(d.db).sql));
    for (const at of [PAST, NOW, FUTURE]) {
      const probe = (await sql<{ breach: boolean; warning: boolean }>`select * from aftercare_sla_due_probe(${at})`.execute(d.db)).rows[0]!;
      expect(probe).toEqual({
        breach: (await ids(sql`select s.ticket_id from ticket_sla s where ${DUE} and s.due_at <= ${at}`)).size > 0,
        warning: (await ids(sql`select s.ticket_id from ticket_sla s where ${WARN} and s.warn_at <= ${at} and s.due_at > ${at}`)).size > 0,
      });
    }
  });

  it('a clock due for a record is one the state says is past that point', () => {
    // Among clocks as ticket.clocks.ts stores them: a running clock computed as breached was due by then.
    const stored = (c: StoredClock) => c.completed_at !== null || c.state !== 'breached' || (c.due_at !== null && c.due_at <= NOW);
    for (const c of [...byId.values()].filter(stored)) {
      if (dueForBreachRecord(c, NOW)) expect(clockStateAt(c, NOW)).toBe('breached');
      if (dueForWarningRecord(c, NOW)) expect(clockStateAt(c, NOW)).toBe('warning');
    }
  });
});
