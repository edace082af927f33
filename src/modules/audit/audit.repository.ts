import { sql } from 'kysely';
import { applyKeyset } from '../../db/keyset.ts';
import type { Insertable } from 'kysely';
import type { AuditLogTable, Db, Tx } from '../../db/types.ts';
import type { Keyset } from '../../http/pagination.ts';
import { newId } from '../../lib/ids.ts';
import type { ChangeContext } from '../../lib/context.ts';

export type AuditResource = 'customer' | 'asset' | 'api_key' | 'technician' | 'calendar' | 'sla_policy' | 'churn_model';

export interface AuditEntry {
  action: string;
  resource_type: AuditResource;
  resource_id: string;
  fields?: string[];
}

/** The audit row for an entry, for callers that write it in the same statement as the change. */
export function auditRow(ctx: ChangeContext, at: Date, e: AuditEntry): Insertable<AuditLogTable> {
  return {
    id: newId(),
    occurred_at: at,
    actor_kind: ctx.actor.kind,
    actor_id: ctx.actor.id,
    actor_role: ctx.actor.role,
    action: e.action,
    resource_type: e.resource_type,
    resource_id: e.resource_id,
    fields: e.fields ?? [],
    request_id: ctx.requestId,
  };
}

export async function recordAudit(tx: Tx, ctx: ChangeContext, at: Date, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx
    .insertInto('audit_log')
    .values(entries.map((e) => auditRow(ctx, at, e)))
    .execute();
}

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

export async function listAudit(db: Db, f: AuditFilter, ks: Keyset) {
  return auditListQuery(db, f, ks).execute();
}
