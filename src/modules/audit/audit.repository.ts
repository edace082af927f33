import { sql } from 'kysely';
import { applyKeyset, type Keyset } from '../../db/pagination.ts';
import type { Db } from '../../db/types.ts';

export interface AuditFilter {
  resource_type?: string;
  resource_id?: string;
  actor?: string;
  from?: Date;
  to?: Date;
}

/** Entries never change, so their change time is when they happened: updated_since pages by occurred_at. */
export function auditListQuery(db: Db, f: AuditFilter, ks: Keyset) {
  let q = db
    .selectFrom('audit_log')
    .select([
      'id',
      'occurred_at',
      'actor_kind',
      'actor_id',
      'actor_role',
      'action',
      'resource_type',
      'resource_id',
      'fields',
      'request_id',
      sql<Date>`occurred_at`.as('updated_at'),
    ]);
  if (f.resource_type) q = q.where('resource_type', '=', f.resource_type);
  if (f.resource_id) q = q.where('resource_id', '=', f.resource_id);
  if (f.actor) q = q.where('actor_id', '=', f.actor);
  if (f.from) q = q.where('occurred_at', '>=', f.from);
  if (f.to) q = q.where('occurred_at', '<', f.to);
  return applyKeyset(q, 'audit_log', ks, 'occurred_at');
}
