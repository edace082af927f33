import Type from 'typebox';
import { ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';
import { AUDIT_RESOURCES } from '../../db/audit.ts';

export const AuditEntrySchema = Type.Object(
  {
    id: Uuid,
    occurred_at: Timestamp,
    actor: Type.Object({
      kind: StringEnum(['api_key', 'system'] as const),
      id: Nullable(Uuid),
      role: Nullable(Type.String({ maxLength: 32 })),
    }),
    action: Type.String({ maxLength: 100, description: 'created, updated, erased, revoked, ...' }),
    resource: Type.Object({ type: Type.String({ maxLength: 100 }), id: Uuid }),
    fields: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100, description: 'Names of the fields changed; values are never kept.' }),
    request_id: Nullable(Type.String({ maxLength: 64 })),
  },
  { $id: 'AuditEntry', additionalProperties: false },
);
registerShared(AuditEntrySchema);
export const AuditPage = Page(AuditEntrySchema, 'AuditPage');
registerShared(AuditPage);

export const AuditQuery = Type.Object(
  {
    ...ListQueryBase,
    resource: Type.Optional(
      Type.String({
        maxLength: 60,
        pattern: `^(${AUDIT_RESOURCES.join('|')})(/[0-9a-fA-F-]{36})?$`,
        description: `A resource type (${AUDIT_RESOURCES.join(', ')}), optionally with /<id>.`,
      }),
    ),
    actor: Type.Optional(Type.String({ format: 'uuid', maxLength: 36, description: 'The id of the API key that acted.' })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
