import { sql, type Insertable, type Selectable } from 'kysely';
import { applyKeyset, type Keyset } from '../../db/pagination.ts';
import type { Db, SurveysTable, Tx } from '../../db/types.ts';
import type { SurveyAnswer, SurveyListQuery } from './surveys.schemas.ts';

export type SurveyRow = Selectable<SurveysTable>;

export const SURVEY_COLUMNS = [
  'id', 'ticket_id', 'customer_id', 'technician_id', 'status', 'trigger', 'created_at', 'expires_at', 'answered_at', 'csat', 'nps', 'dimensions',
  'comment', 'recovery_ticket_id', 'updated_at', 'version',
] as const;

/** New surveys; a ticket that already has an open survey is skipped by the partial unique index. */
export async function insertSurveys(tx: Tx, rows: Insertable<SurveysTable>[]) {
  return tx
    .insertInto('surveys')
    .values(rows)
    .onConflict((oc) => oc.column('ticket_id').where('status', '=', 'open').doNothing())
    .returning(SURVEY_COLUMNS)
    .execute();
}

export async function findSurvey(db: Db, id: string) {
  return db.selectFrom('surveys').select(SURVEY_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function surveyListQuery(db: Db, q: Omit<SurveyListQuery, 'limit' | 'cursor' | 'updated_since'>, ks: Keyset) {
  let qb = db.selectFrom('surveys').select(SURVEY_COLUMNS);
  if (q.ticket_id) qb = qb.where('ticket_id', '=', q.ticket_id);
  if (q.customer_id) qb = qb.where('customer_id', '=', q.customer_id);
  if (q.technician_id) qb = qb.where('technician_id', '=', q.technician_id);
  if (q.status) qb = qb.where('status', '=', q.status);
  if (q.answered !== undefined) qb = qb.where('status', q.answered ? '=' : '<>', 'answered');
  if (q.csat_min !== undefined) qb = qb.where('csat', '>=', q.csat_min);
  if (q.csat_max !== undefined) qb = qb.where('csat', '<=', q.csat_max);
  if (q.created_from) qb = qb.where('created_at', '>=', new Date(q.created_from));
  if (q.created_to) qb = qb.where('created_at', '<', new Date(q.created_to));
  return applyKeyset(qb, 'surveys', ks);
}

export async function stateByToken(db: Db | Tx, hash: Buffer) {
  return db.selectFrom('surveys').select(['status', 'expires_at']).where('token_hash', '=', hash).executeTakeFirst();
}

/** The survey of a token with what it asks about (the ticket's number, type, category, resolution time). */
export async function publicByToken(db: Db, hash: Buffer) {
  return db
    .selectFrom('surveys as s')
    .innerJoin('tickets as t', 't.id', 's.ticket_id')
    .select(['s.status', 's.expires_at', 't.number', 't.type', 't.category', 't.resolved_at'])
    .where('s.token_hash', '=', hash)
    .executeTakeFirst();
}

/** Open → answered in one conditional update: of two racing answers one gets the row. */
export async function answer(tx: Tx, hash: Buffer, a: SurveyAnswer, now: Date) {
  return tx
    .updateTable('surveys')
    .set((eb) => ({
      status: 'answered',
      answered_at: now,
      csat: a.csat,
      nps: a.nps ?? null,
      dimensions: a.dimensions ? JSON.stringify(a.dimensions) : null,
      comment: a.comment ?? null,
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    // By id found through the token's unique index: with status and expiry alone in the
    // condition the planner may prefer the small-looking index of open surveys and walk it.
    .where('id', '=', (eb) => eb.selectFrom('surveys').select('id').where('token_hash', '=', hash))
    .where('status', '=', 'open')
    .where('expires_at', '>', now)
    .returning(SURVEY_COLUMNS)
    .executeTakeFirst();
}

export async function setRecoveryTicket(tx: Tx, id: string, ticketId: string) {
  return tx.updateTable('surveys').set({ recovery_ticket_id: ticketId }).where('id', '=', id).returning(SURVEY_COLUMNS).executeTakeFirstOrThrow();
}

/** A resolution asks for a survey at `dueAt` (a second resolution moves the time). */
export async function queueRequest(tx: Tx, ticketId: string, dueAt: Date) {
  await tx.insertInto('survey_requests').values({ ticket_id: ticketId, due_at: dueAt }).onConflict((oc) => oc.column('ticket_id').doUpdateSet({ due_at: dueAt })).execute();
}

/** Requests due before `dueBefore`, with their tickets' status, locked with SKIP LOCKED. */
export async function lockDueRequests(tx: Tx, dueBefore: Date, limit: number) {
  const { rows } = await sql<{ ticket_id: string; status: string; customer_id: string; technician_id: string | null }>`
    select r.ticket_id, t.status, t.customer_id, t.technician_id
    from survey_requests r join tickets t on t.id = r.ticket_id
    where r.due_at <= ${dueBefore}
    order by r.due_at
    limit ${limit}
    for update of r skip locked`.execute(tx);
  return rows;
}

export async function deleteRequests(tx: Tx, ticketIds: string[]) {
  await tx.deleteFrom('survey_requests').where('ticket_id', 'in', ticketIds).execute();
}

export async function expireOpen(db: Db, now: Date): Promise<number> {
  const r = await db
    .updateTable('surveys')
    .set((eb) => ({ status: 'expired', updated_at: now, version: eb('version', '+', 1) }))
    .where('status', '=', 'open')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Clears the comments of a customer's surveys; returns the ids of all their surveys. */
export async function clearCustomerComments(tx: Tx, customerId: string): Promise<string[]> {
  await tx.updateTable('surveys').set({ comment: null }).where('customer_id', '=', customerId).where('comment', 'is not', null).execute();
  return (await tx.selectFrom('surveys').select('id').where('customer_id', '=', customerId).execute()).map((r) => r.id);
}
