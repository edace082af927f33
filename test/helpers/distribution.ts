/**
 * The distribution plan of docs/SCALING.md as data, for the capture test: which tables Citus
 * would distribute by customer_id, and the statements known to fan out to every shard, each
 * with its reason.
 */
export const DISTRIBUTED = [
  'customers', 'assets', 'tickets', 'ticket_timeline', 'ticket_sla', 'ticket_clock_folds', 'sla_breaches', 'surveys', 'survey_requests', 'visits', 'visit_records', 'churn_scores', 'follow_up_reminders', 'ticket_articles', 'qa_reviews',
] as const;

export const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** The distributed tables a statement reads or writes. */
export function tablesOf(sql: string): string[] {
  const found = new Set<string>();
  for (const m of sql.matchAll(/\b(?:from|join|into|update)\s+"?([a-z_]+)"?/gi)) {
    const t = m[1]!.toLowerCase();
    if ((DISTRIBUTED as readonly string[]).includes(t)) found.add(t);
  }
  return [...found].sort();
}

/** Tables keyed by their ticket that do not carry customer_id yet (docs/SCALING.md, step 2 adds it). */
export const CHILD_TABLES = ['ticket_timeline', 'ticket_sla', 'ticket_clock_folds', 'survey_requests', 'follow_up_reminders', 'visit_records', 'ticket_articles', 'qa_reviews'];

export type Verdict = 'routed' | 'fan-out' | 'by-ticket' | 'rewrite' | 'unexplained';

export interface Known {
  verdict: Exclude<Verdict, 'routed' | 'unexplained'>;
  /** What the statements are. */
  name: string;
  /** Matches the (normalised) statement. */
  match: (sql: string, tables: string[]) => boolean;
  /** Why it is not routed to one shard, and what Citus does with it. */
  reason: string;
}

const has = (re: RegExp) => (sql: string) => re.test(sql);

/** Every statement that is not routed by customer_id, by kind, each kind with its reason (docs/SCALING.md, "Statement by statement"). */
export const KNOWN: Known[] = [
  {
    verdict: 'rewrite',
    name: 'a change written with its audit row and event in one statement',
    match: has(/insert into "?(audit_log|events)"?/),
    reason: 'the change, its audit row and its outbox event are one statement (data-modifying CTEs); under Citus the audit and events tables stay on the coordinator, so this becomes two statements in the same transaction (Citus runs transactions across local and distributed tables).',
  },
  {
    verdict: 'by-ticket',
    name: 'a ticket\'s clocks, timeline, survey request, reminders, repair record, articles or review',
    match: (_sql, tables) => tables.every((t) => CHILD_TABLES.includes(t) || t === 'tickets') && tables.some((t) => CHILD_TABLES.includes(t)) && /ticket_id/.test(_sql) && !/due_at"? <=|due_at <= \$|business_minutes is null|grouping\(/.test(_sql),
    reason: 'keyed by ticket_id; these tables get customer_id (step 2) and are co-located with their ticket, and the statement then names it.',
  },
  {
    verdict: 'fan-out',
    name: 'one record by its id',
    match: has(/(where|and) (("?[a-z_]+"?\.)?"?id"? (=|in) (\$\d+|\(\$\d+)|"id" = \(select "id" from "surveys" where "token_hash")|where t\.id in \(select/),
    reason: 'the API\'s ids carry no customer, so Citus probes every shard (one primary-key lookup each, in parallel); step 3 resolves the customer of an id once per request and routes the rest.',
  },
  {
    verdict: 'fan-out',
    name: 'a scheduled sweep over every customer',
    match: has(/(due_at|warn_at|expires_at|window_start|next_attempt_at)"? <= \$\d+|business_minutes is null|from customers where status <> 'erased'|jsonb_to_recordset/),
    reason: 'sweeps (SLA, surveys, follow-ups, visit reminders, recompute, churn) cover every customer by design: Citus runs them on all shards in parallel; their claims (SKIP LOCKED, unique keys) hold per shard.',
  },
  {
    verdict: 'fan-out',
    name: 'a report across customers',
    match: has(/grouping\(/),
    reason: 'KPIs aggregate the period over all customers: each shard aggregates its rows, percentile_cont is computed on the coordinator from the rows of the period.',
  },
  {
    verdict: 'fan-out',
    name: 'a list across customers',
    match: has(/order by "[a-z_]+"\."id" (desc|asc) limit \$\d+$|order by "[a-z_]+"\."updated_at" (desc|asc), "[a-z_]+"\."id" (desc|asc) limit \$\d+$/),
    reason: 'a list filtered by status, region, kind or time: every shard returns its first page in keyset order, the coordinator merges them (Citus pushes down ORDER BY … LIMIT).',
  },
];

/** Names the customer: a parameter compared with customer_id (or a customer's own id), or an insert carrying it. */
const ROUTED = [
  /"?customer_id"?\s*(=|in)\s*(\$\d+|any\s*\(\s*\$\d+|\(\s*\$\d+)/,
  /^insert into "?(tickets|assets|surveys|visits|sla_breaches|churn_scores)"? \([^)]*"customer_id"/,
  /^insert into "customers"/,
];
const customerById = (sql: string, tables: string[]) => tables.length === 1 && tables[0] === 'customers' && /where ("customers"\.)?"id" (=|in) (\$\d+|\(\$\d+)/.test(sql);

export function classify(sql: string): { tables: string[]; verdict: Verdict; reason?: string } {
  const tables = tablesOf(sql);
  if (tables.length === 0) return { tables, verdict: 'routed' };
  if (ROUTED.some((re) => re.test(sql)) || customerById(sql, tables)) return { tables, verdict: 'routed' };
  const known = KNOWN.find((k) => k.match(sql, tables));
  return known ? { tables, verdict: known.verdict, reason: `${known.name}: ${known.reason}` } : { tables, verdict: 'unexplained' };
}
