import { sql } from 'kysely';
import { applyKeyset } from '../../db/pagination.ts';
import type { Db, SlaBreachesTable } from '../../db/types.ts';
import type { Keyset } from '../../db/pagination.ts';

export interface SlaBreachFilter {
  kind: SlaBreachesTable['kind'];
  metric?: SlaBreachesTable['metric'];
  ticket_id?: string;
  customer_id?: string;
  technician_id?: string;
  policy_id?: string;
  from?: Date;
  to?: Date;
}

/** Records never change: their change time is when they were recorded, so updated_since pages by recorded_at. */
export function slaBreachListQuery(db: Db, f: SlaBreachFilter, ks: Keyset) {
  let q = db
    .selectFrom('sla_breaches')
    .select([
      'id', 'ticket_id', 'metric', 'kind', 'at', 'recorded_at', 'policy_id', 'target_minutes', 'customer_id', 'technician_id', 'priority', 'tier', 'actions',
      sql<Date>`recorded_at`.as('updated_at'),
    ])
    .where('kind', '=', f.kind);
  if (f.metric) q = q.where('metric', '=', f.metric);
  if (f.ticket_id) q = q.where('ticket_id', '=', f.ticket_id);
  if (f.customer_id) q = q.where('customer_id', '=', f.customer_id);
  if (f.technician_id) q = q.where('technician_id', '=', f.technician_id);
  if (f.policy_id) q = q.where('policy_id', '=', f.policy_id);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  return applyKeyset(q, 'sla_breaches', ks, 'recorded_at');
}
