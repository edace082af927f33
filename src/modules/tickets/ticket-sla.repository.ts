import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db, SlaMetric, TicketSlaTable, Tx } from '../../db/types.ts';
import type { StoredClock } from '../../domain/clock-state.ts';
import type { ClockFold } from '../../domain/sla-clock-fold.ts';
import { newId } from '../../lib/ids.ts';
import { DUE, WARN } from './ticket-sla.predicates.ts';

/* The stored SLA clocks of tickets (ticket_sla) and the sweep's records of them (sla_breaches). */

export const SLA_ROW_COLUMNS = ['ticket_id', 'metric', 'due_at', 'warn_at', 'completed_at', 'paused', 'state', 'warned_at', 'breached_at'] as const;
export type SlaRow = Pick<Selectable<TicketSlaTable>, (typeof SLA_ROW_COLUMNS)[number]> & StoredClock;

export async function slaRowsOf(db: Db | Tx, ticketIds: string[]): Promise<SlaRow[]> {
  if (ticketIds.length === 0) return [];
  return db.selectFrom('ticket_sla').select(SLA_ROW_COLUMNS).where('ticket_id', 'in', ticketIds).execute();
}

/** Rows per upsert statement: ten parameters a row stays under Postgres's 65,535. */
const UPSERT_CHUNK = 2_000;

/**
 * Stores recomputed clocks of these tickets: metrics a ticket no longer has go, the others
 * are upserted with the sweep's records (warned_at, breached_at) kept. Returns them as stored.
 */
export async function storeClocks(tx: Tx, ticketIds: string[], rows: Insertable<TicketSlaTable>[]): Promise<SlaRow[]> {
  await sql`
    delete from ticket_sla s
    where s.ticket_id = any(${ticketIds}::uuid[])
      and (s.ticket_id, s.metric) not in (select * from unnest(${rows.map((r) => r.ticket_id)}::uuid[], ${rows.map((r) => r.metric)}::text[]))`.execute(tx);
  const stored: SlaRow[] = [];
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    stored.push(
      ...(await tx
        .insertInto('ticket_sla')
        .values(rows.slice(i, i + UPSERT_CHUNK))
        .onConflict((oc) =>
          oc.columns(['ticket_id', 'metric']).doUpdateSet((eb) => ({
            policy_id: eb.ref('excluded.policy_id'),
            target_minutes: eb.ref('excluded.target_minutes'),
            started_at: eb.ref('excluded.started_at'),
            due_at: eb.ref('excluded.due_at'),
            warn_at: eb.ref('excluded.warn_at'),
            completed_at: eb.ref('excluded.completed_at'),
            business_minutes: eb.ref('excluded.business_minutes'),
            paused: eb.ref('excluded.paused'),
            state: eb.ref('excluded.state'),
          })),
        )
        .returning(SLA_ROW_COLUMNS)
        .execute()),
    );
  }
  return stored;
}

export interface StoredFold {
  basis: string;
  version: number;
  fold: ClockFold;
}

/** The clock folds of these tickets, by ticket. */
export async function readClockFolds(db: Db | Tx, ticketIds: string[]): Promise<Map<string, StoredFold>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await db.selectFrom('ticket_clock_folds').select(['ticket_id', 'basis', 'version', 'fold']).where('ticket_id', 'in', ticketIds).execute();
  return new Map(rows.map((r) => [r.ticket_id, { basis: r.basis, version: r.version, fold: r.fold as ClockFold }]));
}

/** Stores tickets' clock folds, in one statement. */
export async function storeClockFolds(tx: Tx, folds: (StoredFold & { ticket_id: string })[]): Promise<void> {
  if (folds.length === 0) return;
  await sql`
    insert into ticket_clock_folds (ticket_id, basis, version, fold)
    select * from unnest(${folds.map((f) => f.ticket_id)}::uuid[], ${folds.map((f) => f.basis)}::text[], ${folds.map((f) => f.version)}::int[], ${folds.map((f) => JSON.stringify(f.fold))}::jsonb[])
    on conflict (ticket_id) do update set basis = excluded.basis, version = excluded.version, fold = excluded.fold`.execute(tx);
}

/**
 * Whether any clock is due for a breach record, and for a warning, at `now`: the function
 * aftercare_sla_due_probe (migration 2026-11-28T1500), DUE and WARN as ordered scans of their
 * partial indexes that stop at the first row, with plans kept per connection.
 */
export async function probeDue(db: Db, now: Date) {
  const { rows } = await sql<{ breach: boolean; warning: boolean }>`select breach, warning from aftercare_sla_due_probe(${now})`.execute(db);
  return { breach: rows[0]!.breach, warning: rows[0]!.warning };
}

export type RecordKind = 'breach' | 'warning';

/**
 * Clocks past due (or past their warning time), a batch at a time, with their tickets locked,
 * skipping any ticket another transaction holds (a ticket being changed, or one a concurrent
 * sweep has): those are found again by the next batch or run.
 */
export async function lockDueClocks(tx: Tx, kind: RecordKind, now: Date, limit: number) {
  const condition = kind === 'breach' ? sql`${DUE} and s.due_at <= ${now}` : sql`${WARN} and s.warn_at <= ${now} and s.due_at > ${now}`;
  const order = kind === 'breach' ? sql`s.due_at` : sql`s.warn_at`;
  const { rows } = await sql<{ ticket_id: string; metric: SlaMetric }>`
    select s.ticket_id, s.metric
    from ticket_sla s join tickets t on t.id = s.ticket_id
    where ${condition}
    order by ${order}
    limit ${limit}
    for update of t skip locked`.execute(tx);
  return rows;
}

export interface RecordedClock {
  id: string;
  ticket_id: string;
  metric: SlaMetric;
  at: Date;
  policy_id: string;
  target_minutes: number;
  /** The clock had already stopped (completed late): recorded, but nothing left to act on. */
  completed: boolean;
}

/**
 * Marks the locked clocks and records them, in one statement with a fresh snapshot: a clock
 * that a change committed away between the lookup and the lock no longer matches and is left
 * alone. The unique constraint makes a second record of the same ticket, metric and kind
 * impossible; such a row is marked but not recorded again, and nothing else happens for it.
 */
export async function markAndRecord(tx: Tx, kind: RecordKind, now: Date, recordedAt: Date, candidates: { ticket_id: string; metric: SlaMetric }[]) {
  const ids = candidates.map(() => newId());
  const c = sql`unnest(${ids}::uuid[], ${candidates.map((r) => r.ticket_id)}::uuid[], ${candidates.map((r) => r.metric)}::text[]) as c(id, ticket_id, metric)`;
  const mark =
    kind === 'breach'
      ? sql`update ticket_sla s set breached_at = s.due_at, state = case when s.completed_at is null then 'breached' else s.state end
          from ${c} where s.ticket_id = c.ticket_id and s.metric = c.metric and ${DUE} and s.due_at <= ${now}
          returning c.id, s.ticket_id, s.metric, s.due_at as at, s.policy_id, s.target_minutes, s.completed_at is not null as completed`
      : sql`update ticket_sla s set warned_at = s.warn_at, state = 'warning'
          from ${c} where s.ticket_id = c.ticket_id and s.metric = c.metric and ${WARN} and s.warn_at <= ${now} and s.due_at > ${now}
          returning c.id, s.ticket_id, s.metric, s.warn_at as at, s.policy_id, s.target_minutes, false as completed`;
  const { rows } = await sql<RecordedClock>`
    with marked as (${mark}),
    recorded as (
      insert into sla_breaches (id, ticket_id, metric, kind, at, recorded_at, policy_id, target_minutes, customer_id, technician_id, priority, tier)
      select m.id, m.ticket_id, m.metric, ${kind}, m.at, ${recordedAt}, m.policy_id, m.target_minutes, t.customer_id, t.technician_id, t.priority, t.tier
      from marked m join tickets t on t.id = m.ticket_id
      on conflict on constraint sla_breaches_once do nothing
      returning id
    )
    select m.id, m.ticket_id, m.metric, m.at, m.policy_id, m.target_minutes, m.completed from recorded r join marked m on m.id = r.id`.execute(tx);
  return rows;
}

/** What on_breach did, on the breach records of this batch (by ticket). */
export async function recordBreachActions(tx: Tx, recordIds: string[], actions: [ticketId: string, actions: string[]][]) {
  if (actions.length === 0) return;
  await sql`
    update sla_breaches b set actions = a.actions::jsonb
    from unnest(${actions.map(([id]) => id)}::uuid[], ${actions.map(([, a]) => JSON.stringify(a))}::text[]) as a(ticket_id, actions)
    where b.ticket_id = a.ticket_id and b.id = any(${recordIds}::uuid[])`.execute(tx);
}

/** Tickets with stopped clocks stored before business_minutes existed, locked (others' skipped). */
export async function lockUnmeasuredTicketIds(tx: Tx, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select t.id from tickets t
    where t.id in (select s.ticket_id from ticket_sla s where s.completed_at is not null and s.business_minutes is null limit ${limit})
    for update of t skip locked`.execute(tx);
  return rows.map((r) => r.id);
}

/**
 * Fills business_minutes of these tickets' stopped clocks from measured values; a clock the
 * current policy no longer has keeps its wall-clock minutes from start to stop.
 */
export async function storeMeasured(tx: Tx, ticketIds: string[], measured: { ticket_id: string; metric: string; minutes: number }[]): Promise<void> {
  await sql`
    update ticket_sla s set business_minutes = coalesce(
      (select v.minutes from unnest(${measured.map((m) => m.ticket_id)}::uuid[], ${measured.map((m) => m.metric)}::text[], ${measured.map((m) => m.minutes)}::float8[]) as v(ticket_id, metric, minutes)
       where v.ticket_id = s.ticket_id and v.metric = s.metric),
      extract(epoch from s.completed_at - s.started_at) / 60)
    where s.ticket_id = any(${ticketIds}::uuid[]) and s.completed_at is not null and s.business_minutes is null`.execute(tx);
}
