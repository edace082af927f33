import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { applyKeyset } from '../../db/pagination.ts';
import { BULK_FROM, insertJsonRows, type BulkColumn } from '../../db/bulk.ts';
import type { Db, EventsTable, TicketSlaTable, TicketTimelineTable, TicketsTable, Tx } from '../../db/types.ts';
import type { Keyset } from '../../db/pagination.ts';
import { breachedTicketIds, ticketBreached, ticketWarned, warnedTicketIds } from './ticket-sla.predicates.ts';

export const TICKET_COLUMNS = [
  'id',
  'number',
  'customer_id',
  'asset_id',
  'type',
  'channel',
  'priority',
  'category',
  'subject',
  'description',
  'external_ref',
  'region',
  'reported_at',
  'status',
  'tier',
  'technician_id',
  'assignment',
  'hold_reason',
  'complaint_major',
  'linked_ticket_id',
  'first_responded_at',
  'resolved_at',
  'closed_at',
  'cancelled_at',
  'resolution',
  'warranty_decision',
  'follow_up',
  'reopen_count',
  'created_at',
  'updated_at',
  'version',
] as const;
export type TicketRow = Pick<Selectable<TicketsTable>, (typeof TICKET_COLUMNS)[number]>;

/** The ticket, its first timeline entry and its events in one statement: atomic without a transaction. */
export async function insertTicket(
  db: Db | Tx,
  row: Insertable<TicketsTable>,
  timeline: Insertable<TicketTimelineTable>[],
  events: Insertable<EventsTable>[],
  sla: Insertable<TicketSlaTable>[],
): Promise<TicketRow> {
  let q = db
    .with('ticket', (qc) => qc.insertInto('tickets').values(row).returning(TICKET_COLUMNS))
    .with('timeline', (qc) => qc.insertInto('ticket_timeline').values(timeline))
    .with('events', (qc) => qc.insertInto('events').values(events));
  if (sla.length) q = q.with('sla', (qc) => qc.insertInto('ticket_sla').values(sla)) as unknown as typeof q;
  return q
    .selectFrom('ticket')
    .selectAll()
    .executeTakeFirstOrThrow() as Promise<TicketRow>;
}

export async function findTicket(db: Db | Tx, id: string): Promise<TicketRow | undefined> {
  return db.selectFrom('tickets').select(TICKET_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** A ticket's stored clocks, as JSON beside its columns: GET of one ticket is one round trip. */
const slaJson = sql<Record<string, unknown>[]>`(
  select coalesce(json_agg(json_build_object('ticket_id', s.ticket_id, 'metric', s.metric, 'due_at', s.due_at, 'warn_at', s.warn_at,
    'completed_at', s.completed_at, 'paused', s.paused, 'state', s.state, 'warned_at', s.warned_at, 'breached_at', s.breached_at)), '[]'::json)
  from ticket_sla s where s.ticket_id = tickets.id)`.as('sla_rows');

export async function findTicketWithSla(db: Db | Tx, id: string) {
  return db.selectFrom('tickets').select([...TICKET_COLUMNS, slaJson]).where('id', '=', id).executeTakeFirst();
}

export async function findTicketsWithSla(db: Db | Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('tickets').select([...TICKET_COLUMNS, slaJson]).where('id', 'in', ids).execute();
}

export async function lockTicket(tx: Tx, id: string): Promise<TicketRow | undefined> {
  return tx.selectFrom('tickets').select(TICKET_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateTicket(tx: Tx, id: string, patch: Updateable<TicketsTable>, at: Date): Promise<TicketRow> {
  return tx
    .updateTable('tickets')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning(TICKET_COLUMNS)
    .executeTakeFirstOrThrow();
}

const TIMELINE_COLUMNS: BulkColumn[] = [
  { name: 'id', type: 'uuid' },
  { name: 'ticket_id', type: 'uuid' },
  { name: 'at', type: 'timestamptz' },
  { name: 'entry', type: 'text' },
  { name: 'action', type: 'text' },
  { name: 'note_kind', type: 'text' },
  { name: 'visibility', type: 'text' },
  { name: 'body', type: 'text' },
  { name: 'data', type: 'jsonb' },
  { name: 'actor_kind', type: 'text' },
  { name: 'actor_id', type: 'uuid' },
  { name: 'actor_role', type: 'text' },
];

export async function insertTimeline(tx: Db | Tx, rows: Insertable<TicketTimelineTable>[]): Promise<void> {
  if (rows.length >= BULK_FROM) await insertJsonRows(tx, 'ticket_timeline', TIMELINE_COLUMNS, rows);
  else if (rows.length) await tx.insertInto('ticket_timeline').values(rows).execute();
}

export async function listTimeline(db: Db, ticketId: string, ks: Extract<Keyset, { mode: 'id' }>) {
  let q = db
    .selectFrom('ticket_timeline')
    .select(['id', 'at', 'entry', 'action', 'note_kind', 'visibility', 'body', 'data', 'actor_kind', 'actor_id', 'actor_role', sql<Date>`at`.as('updated_at')])
    .where('ticket_id', '=', ticketId);
  if (ks.after) q = q.where('id', '>', ks.after.id);
  // Oldest first: a timeline reads as it happened.
  return q.orderBy('id', 'asc').limit(ks.limit + 1).execute();
}

export interface TicketFilter {
  status?: string;
  priority?: string;
  type?: string;
  customer_id?: string;
  technician_id?: string;
  tier?: number;
  region?: string;
  category?: string;
  complaint_major?: boolean;
  created_from?: string;
  created_to?: string;
  q?: string;
  /** ok | warning | breached, judged at `now` (domain/clock-state.ts). */
  sla_state?: 'ok' | 'warning' | 'breached';
  /** The instant sla_state is judged at (the app clock's now); required with sla_state. */
  now?: Date;
}

function searchCondition(q: string) {
  // Each word a phrase: CJK characters adjacent in order, a Latin word as a word.
  return q
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => sql<boolean>`search @@ phraseto_tsquery('simple', aftercare_search_text(${word}))`);
}

function filtered(db: Db, f: Omit<TicketFilter, 'q'>) {
  let q = db.selectFrom('tickets').select(TICKET_COLUMNS);
  if (f.status) q = q.where('status', '=', f.status as TicketRow['status']);
  if (f.priority) q = q.where('priority', '=', f.priority as TicketRow['priority']);
  if (f.type) q = q.where('type', '=', f.type as TicketRow['type']);
  if (f.customer_id) q = q.where('customer_id', '=', f.customer_id);
  if (f.technician_id) q = q.where('technician_id', '=', f.technician_id);
  if (f.tier !== undefined) q = q.where('tier', '=', f.tier);
  if (f.region) q = q.where('region', '=', f.region);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.complaint_major === true) q = q.where('complaint_major', '=', true).where('status', 'not in', ['closed', 'cancelled']);
  if (f.complaint_major === false) q = q.where('complaint_major', '=', false);
  if (f.created_from) q = q.where('created_at', '>=', new Date(f.created_from));
  if (f.created_to) q = q.where('created_at', '<', new Date(f.created_to));
  if (f.sla_state) {
    const now = f.now;
    if (!now) throw new Error('the sla_state filter is judged at an instant: give now');
    // The rare states start from their partial indexes; the checks that exclude run per
    // ticket through the primary key of its clocks.
    if (f.sla_state === 'breached') q = q.where(sql<boolean>`tickets.id in ${breachedTicketIds(now)}`);
    else if (f.sla_state === 'warning') q = q.where(sql<boolean>`tickets.id in ${warnedTicketIds(now)}`).where(sql<boolean>`not ${ticketBreached(now)}`);
    else q = q.where(sql<boolean>`not ${ticketBreached(now)}`).where(sql<boolean>`not ${ticketWarned(now)}`);
  }
  return q;
}

/** The list query with every filter, `q` found through the full-text GIN index. */
export function ticketListQuery(db: Db, f: TicketFilter, ks: Keyset) {
  const { q: text, ...rest } = f;
  let q = filtered(db, rest);
  if (text) for (const cond of searchCondition(text)) q = q.where(cond);
  return applyKeyset(q, 'tickets', ks);
}

/**
 * `q` among the newest `window` tickets that pass the other filters, newest first. When a
 * word is common this finds a full page at once, where the GIN index would fetch and sort
 * every match; when it finds less than a page the caller runs the exact query instead.
 */
export function recentSearchQuery(db: Db, f: TicketFilter & { q: string }, ks: Extract<Keyset, { mode: 'id' }>, window: number) {
  const { q: text, ...rest } = f;
  let inner = filtered(db, rest).select('search');
  if (ks.after) inner = inner.where('id', '<', ks.after.id);
  let q = db.selectFrom(inner.orderBy('id', 'desc').limit(window).as('recent')).select(TICKET_COLUMNS);
  for (const cond of searchCondition(text)) q = q.where(cond);
  return q.orderBy('id', 'desc').limit(ks.limit + 1);
}

export async function findCustomerForTicket(tx: Db | Tx, by: { id?: string; external_ref?: string }) {
  let q = tx.selectFrom('customers').select(['id', 'status', 'region', 'tier', sql<string>`nextval('ticket_number_seq')`.as('serial')]);
  q = by.id ? q.where('id', '=', by.id) : q.where('external_ref', '=', by.external_ref!);
  return q.executeTakeFirst();
}

export async function findAssetOwner(tx: Db | Tx, assetId: string) {
  return tx.selectFrom('assets').select(['id', 'customer_id']).where('id', '=', assetId).executeTakeFirst();
}

export async function findAssetWarranty(tx: Db | Tx, assetId: string) {
  return (await tx.selectFrom('assets').select(['warranty_until', 'proof_of_purchase']).where('id', '=', assetId).executeTakeFirst()) ?? null;
}

/** The parts used on the ticket's completed visits, line by line, as their signed repair records froze them. */
export async function visitPartsOfTicket(tx: Tx, ticketId: string) {
  const { rows } = await sql<{ sku: string; name: string; quantity: number; unit_price: number; currency: string }>`
    select p.sku, p.name, p.quantity, p.unit_price, p.currency
    from visit_records r
    cross join lateral jsonb_to_recordset(r.record -> 'parts') as p(sku text, name text, quantity int, unit_price int8, currency text)
    where r.ticket_id = ${ticketId}
    order by r.created_at, p.sku`.execute(tx);
  return rows.map((r) => ({ ...r, unit_price: Number(r.unit_price) }));
}

/** A timeline entry as the SLA clocks read it. */
export interface TimelineFact {
  at: Date;
  entry: string;
  action: string | null;
  visibility: string | null;
  actor_kind: string;
  data: unknown;
}

/** The timelines of several tickets in one query, each in order. */
export async function timelineFacts(db: Db | Tx, ticketIds: string[]): Promise<Map<string, TimelineFact[]>> {
  const rows = await db
    .selectFrom('ticket_timeline')
    .select(['ticket_id', 'at', 'entry', 'action', 'visibility', 'actor_kind', 'data'])
    .where('ticket_id', 'in', ticketIds)
    .orderBy('ticket_id')
    .orderBy('id')
    .execute();
  const byTicket = new Map<string, TimelineFact[]>();
  for (const r of rows) {
    let list = byTicket.get(r.ticket_id);
    if (!list) byTicket.set(r.ticket_id, (list = []));
    list.push(r);
  }
  return byTicket;
}

const TICKET_REFS = sql.join(TICKET_COLUMNS.map((c) => sql.ref(c)));
/** The same, of `tickets t` (UPDATE ... FROM ... RETURNING). */
const T_TICKET_REFS = sql.join(TICKET_COLUMNS.map((c) => sql.ref(`t.${c}`)));

export interface CareTicketRow {
  id: string;
  customer_id: string;
  type: 'care';
  channel: 'phone';
  priority: string;
  category: string;
  subject: string;
  description: string;
  region: string | null;
  linked_ticket_id: string | null;
}

/**
 * Care tickets in one insert, numbered from the ticket sequence; a row that would be a
 * second service-recovery ticket for the same original, or a second open retention ticket
 * for the customer, is skipped by its unique index. Returns the tickets inserted.
 */
export async function insertCareTickets(tx: Tx, rows: CareTicketRow[], now: Date): Promise<TicketRow[]> {
  const { rows: inserted } = await sql<TicketRow>`
    insert into tickets (id, number, customer_id, type, channel, priority, category, subject, description, region, linked_ticket_id,
      reported_at, status, tier, created_at, updated_at)
    select r.id, 'SR-' || ${String(now.getUTCFullYear())} || '-' || lpad(nextval('ticket_number_seq')::text, 6, '0'), r.customer_id, r.type, r.channel,
      r.priority, r.category, r.subject, r.description, r.region, r.linked_ticket_id, ${now}, 'new', 1, ${now}, ${now}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, customer_id uuid, type text, channel text, priority text, category text,
      subject text, description text, region text, linked_ticket_id uuid)
    on conflict do nothing
    returning ${TICKET_REFS}`.execute(tx);
  return inserted;
}

export interface TicketChange {
  id: string;
  priority: string;
  tier: number;
  status: string;
  technician_id: string | null;
  assignment: unknown;
  hold_reason: string | null;
}

/** Many tickets' priority, tier, status and assignment in one statement (each a new version). */
export async function updateTickets(tx: Tx, changes: TicketChange[], now: Date): Promise<TicketRow[]> {
  if (changes.length === 0) return [];
  const { rows } = await sql<TicketRow>`
    update tickets t set priority = c.priority, tier = c.tier, status = c.status, technician_id = c.technician_id,
      assignment = c.assignment, hold_reason = c.hold_reason, updated_at = ${now}, version = t.version + 1
    from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb)
      as c(id uuid, priority text, tier smallint, status text, technician_id uuid, assignment jsonb, hold_reason text)
    where t.id = c.id
    returning ${T_TICKET_REFS}`.execute(tx);
  return rows;
}

export async function findTickets(db: Db | Tx, ids: string[]): Promise<TicketRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('tickets').select(TICKET_COLUMNS).where('id', 'in', ids).execute();
}

/** A page of tickets not closed or cancelled, after `after` in id order, locked (waiting, in id order, so it cannot deadlock with changes or sweeps). */
export async function lockOpenTicketsPage(tx: Tx, after: string | null, limit: number): Promise<TicketRow[]> {
  const { rows } = await sql<TicketRow>`
    select ${TICKET_REFS} from tickets
    where status not in ('closed', 'cancelled') ${after ? sql`and id > ${after}` : sql``}
    order by id limit ${limit}
    for update`.execute(tx);
  return rows;
}

/** The service-recovery care ticket already opened for an original ticket. */
export async function findRecoveryTicketId(tx: Db | Tx, originalId: string): Promise<string | undefined> {
  return (await tx.selectFrom('tickets').select('id').where('linked_ticket_id', '=', originalId).where('type', '=', 'care').where('category', '=', 'service_recovery').executeTakeFirst())?.id;
}

/** Routed care tickets get their technician as part of their opening (same version, one statement). */
export async function assignCareTickets(tx: Tx, assigned: TicketChange[]): Promise<TicketRow[]> {
  if (assigned.length === 0) return [];
  const { rows } = await sql<TicketRow>`
    update tickets t set status = c.status, technician_id = c.technician_id, assignment = c.assignment
    from jsonb_to_recordset(${JSON.stringify(assigned)}::jsonb) as c(id uuid, status text, technician_id uuid, assignment jsonb)
    where t.id = c.id
    returning ${T_TICKET_REFS}`.execute(tx);
  return rows;
}
