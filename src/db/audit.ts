/*
 * The audit trail (who changed which customer, asset, key, technician or setting, and which
 * fields; never the values): written in the change's own transaction by every module.
 */
import type { Insertable } from 'kysely';
import type { AuditLogTable, Tx } from './types.ts';
import { newId } from '../lib/ids.ts';
import type { ChangeContext } from './context.ts';

/** Every kind of resource the trail records. */
export const AUDIT_RESOURCES = ['customer', 'asset', 'api_key', 'technician', 'calendar', 'sla_policy', 'churn_model', 'part', 'visit', 'webhook', 'qa_scorecard', 'qa_review', 'article'] as const;
export type AuditResource = (typeof AUDIT_RESOURCES)[number];

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
