import { keysetFrom, pageOf } from '../../db/pagination.ts';
import type { AuditLogTable, Db } from '../../db/types.ts';
import type { Selectable } from 'kysely';
import { auditListQuery } from './audit.repository.ts';
import type { AuditQuery } from './audit.schemas.ts';
import type { Static } from 'typebox';

/** GET /v1/audit: `resource` is `type/id` (either part may be left out). */
export async function listAuditEntries(db: Db, q: Static<typeof AuditQuery>) {
  const [type, id] = (q.resource ?? '').split('/');
  const ks = keysetFrom(q);
  const rows = await auditListQuery(
    db,
    {
      ...(type ? { resource_type: type } : {}),
      ...(id ? { resource_id: id } : {}),
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
    },
    ks,
  ).execute();
  const page = pageOf(rows, ks);
  return {
    next_cursor: page.next_cursor,
    data: page.data.map(presentAuditEntry),
  };
}

/** An audit row as the API shows it. */
export function presentAuditEntry(r: Pick<Selectable<AuditLogTable>, 'id' | 'occurred_at' | 'actor_kind' | 'actor_id' | 'actor_role' | 'action' | 'resource_type' | 'resource_id' | 'fields' | 'request_id'>) {
  return {
    id: r.id,
    occurred_at: r.occurred_at.toISOString(),
    actor: { kind: r.actor_kind, id: r.actor_id, role: r.actor_role },
    action: r.action,
    resource: { type: r.resource_type, id: r.resource_id },
    fields: r.fields,
    request_id: r.request_id,
  };
}
