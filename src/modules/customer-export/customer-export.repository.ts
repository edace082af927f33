import { sql } from 'kysely';
import type { Db } from '../../db/types.ts';

/**
 * Everything stored about one customer, a query per kind of record (never per row), each on
 * an index led by the customer or by the ids of its records.
 */
export const customerRow = (db: Db, id: string) => db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();

export const assetsOf = (db: Db, customerId: string) => db.selectFrom('assets').selectAll().where('customer_id', '=', customerId).orderBy('id').execute();

export const ticketIdsOf = async (db: Db, customerId: string) =>
  (await db.selectFrom('tickets').select('id').where('customer_id', '=', customerId).orderBy('id').execute()).map((r) => r.id);

export const timelineOf = (db: Db, ticketIds: string[]) =>
  db.selectFrom('ticket_timeline').selectAll().where('ticket_id', '=', sql<string>`any(${ticketIds}::uuid[])`).orderBy('ticket_id').orderBy('id').execute();

export const surveysOf = (db: Db, customerId: string) => db.selectFrom('surveys').selectAll().where('customer_id', '=', customerId).orderBy('id').execute();

export const visitsOf = (db: Db, customerId: string) => db.selectFrom('visits').selectAll().where('customer_id', '=', customerId).orderBy('customer_id').orderBy('window_start').orderBy('id').execute();

export const breachesOf = (db: Db, customerId: string) => db.selectFrom('sla_breaches').selectAll().where('customer_id', '=', customerId).orderBy('customer_id').orderBy('id').execute();

export const churnScoresOf = (db: Db, customerId: string) =>
  db.selectFrom('churn_scores').select(['score', 'level', 'factors', 'scored_at']).where('customer_id', '=', customerId).orderBy('customer_id').orderBy('scored_at', 'desc').execute();

/** The events about the customer and its records, in feed order (private data such as survey tokens stays out). */
export const eventsQuery = (db: Db, resourceIds: string[]) =>
  db
    .selectFrom('events')
    .select(['id', 'type', 'position', 'occurred_at', 'actor', 'resource_type', 'resource_id', 'data'])
    .where('resource_id', '=', sql<string>`any(${resourceIds}::uuid[])`)
    .where('position', 'is not', null)
    .orderBy('position');
export const eventsOf = (db: Db, resourceIds: string[]) => eventsQuery(db, resourceIds).execute();

export const auditQuery = (db: Db, resources: { types: string[]; ids: string[] }) =>
  db
    .selectFrom('audit_log')
    .selectAll()
    .where('resource_type', '=', sql<string>`any(${resources.types}::text[])`)
    .where('resource_id', '=', sql<string>`any(${resources.ids}::uuid[])`)
    .orderBy('id');
export const auditOf = (db: Db, resources: { types: string[]; ids: string[] }) => auditQuery(db, resources).execute();
