import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { applyKeyset } from '../../db/pagination.ts';
import type { AuditLogTable, CustomersTable, Db, EventsTable, Tx } from '../../db/types.ts';
import type { Keyset } from '../../db/pagination.ts';

export const CUSTOMER_COLUMNS = [
  'id',
  'external_ref',
  'name',
  'kind',
  'phone',
  'email',
  'region',
  'address',
  'tier',
  'tags',
  'status',
  'churn_risk',
  'created_at',
  'updated_at',
  'version',
] as const;
export type CustomerRow = Pick<Selectable<CustomersTable>, (typeof CUSTOMER_COLUMNS)[number]>;

/** Inserts the customer, its audit row and its event in one statement. */
export async function insertCustomer(
  db: Db | Tx,
  row: Insertable<CustomersTable>,
  audit: Insertable<AuditLogTable>,
  event: Insertable<EventsTable>,
): Promise<CustomerRow> {
  return db
    .with('audit', (qc) => qc.insertInto('audit_log').values(audit))
    .with('event', (qc) => qc.insertInto('events').values(event))
    .insertInto('customers')
    .values(row)
    .returning(CUSTOMER_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function findCustomer(db: Db | Tx, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').select(CUSTOMER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/**
 * The grams that must all be in search_grams for a row to contain `word`: the word itself
 * when it is 1 to 3 characters, else triples starting every third character plus the last
 * triple. Together they cover the word, few keys keep the index lookup cheap, and the
 * substring check afterwards makes the match exact.
 */
export function queryGrams(word: string): string[] {
  const w = [...word.toLowerCase()];
  if (w.length <= 3) return [w.join('')];
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= w.length; i += 3) grams.add(w.slice(i, i + 3).join(''));
  grams.add(w.slice(-3).join(''));
  return [...grams];
}

export interface CustomerFilter {
  tier?: string;
  region?: string;
  status?: string;
  churn_risk_level?: string;
  q?: string;
}

/** The list query, apart from its execution so tests can EXPLAIN exactly what runs. */
export function customerListQuery(db: Db, f: CustomerFilter, ks: Keyset) {
  let q = db.selectFrom('customers').select(CUSTOMER_COLUMNS);
  if (f.tier) q = q.where('tier', '=', f.tier as CustomerRow['tier']);
  if (f.region) q = q.where('region', '=', f.region);
  if (f.status) q = q.where('status', '=', f.status as CustomerRow['status']);
  if (f.churn_risk_level) q = q.where('churn_risk_level', '=', f.churn_risk_level);
  if (f.q) {
    const words = f.q.trim().split(/\s+/).filter(Boolean);
    const grams = [...new Set(words.flatMap(queryGrams))];
    // The GIN index narrows to rows holding every gram; the substring test then checks each
    // word really occurs. A broad term ("王") is cheaper found walking the newest rows; the
    // column's detailed statistics let the planner tell the two apart.
    q = q.where(sql<boolean>`search_grams @> ${sql.val(grams)}::text[]`);
    for (const word of words) {
      q = q.where(
        sql<boolean>`strpos(lower(coalesce(name, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(email, '')), ${word.toLowerCase()}) > 0`,
      );
    }
  }
  return applyKeyset(q, 'customers', ks);
}

export async function listCustomers(db: Db, f: CustomerFilter, ks: Keyset): Promise<CustomerRow[]> {
  return customerListQuery(db, f, ks).execute();
}

/**
 * Applies a change if the row is still at the expected version (when one is given) and
 * not erased, in one statement: a stale If-Match can never overwrite a newer write.
 */
export async function updateCustomer(
  tx: Tx,
  id: string,
  patch: Updateable<CustomersTable>,
  at: Date,
  expectedVersion: number | undefined,
): Promise<CustomerRow | undefined> {
  let q = tx
    .updateTable('customers')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', '<>', 'erased');
  if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
  return q.returning(CUSTOMER_COLUMNS).executeTakeFirst();
}

/** Insert or update by the CRM's id in one statement, so two concurrent PUTs never create two records. */
export async function upsertByExternalRef(
  tx: Tx,
  row: Insertable<CustomersTable> & { external_ref: string },
  at: Date,
  expectedVersion: number | undefined,
): Promise<(CustomerRow & { inserted: boolean }) | undefined> {
  const { id: _id, created_at: _c, ...changes } = row;
  return tx
    .insertInto('customers')
    .values(row)
    .onConflict((oc) => {
      const upd = oc.column('external_ref').doUpdateSet((eb) => ({
        ...changes,
        updated_at: at,
        version: eb('customers.version', '+', 1),
      }));
      return expectedVersion === undefined ? upd : upd.where('customers.version', '=', expectedVersion);
    })
    .returning([...CUSTOMER_COLUMNS, sql<boolean>`xmax = 0`.as('inserted')])
    .executeTakeFirst();
}

export async function findByExternalRef(db: Db | Tx, ref: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').select(CUSTOMER_COLUMNS).where('external_ref', '=', ref).executeTakeFirst();
}

/** Scores from the churn scan, with the lifecycle status they imply, in one statement (erased customers are left alone). */
export async function setChurnRisk(tx: Tx, changes: { id: string; status: string; risk: unknown }[], now: Date): Promise<CustomerRow[]> {
  if (changes.length === 0) return [];
  const { rows } = await sql<CustomerRow>`
    update customers c set churn_risk = v.risk, status = v.status, updated_at = ${now}, version = c.version + 1
    from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as v(id uuid, status text, risk jsonb)
    where c.id = v.id and c.status <> 'erased'
    returning ${sql.join(CUSTOMER_COLUMNS.map((col) => sql.ref(`c.${col}`)))}`.execute(tx);
  return rows;
}
