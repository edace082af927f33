import Type from 'typebox';
import { ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

export const AuditEntrySchema = Type.Object(
  {
    id: Uuid,
    occurred_at: Timestamp,
    actor: Type.Object({
      kind: StringEnum(['api_key', 'system'] as const),
      id: Nullable(Uuid),
      role: Nullable(Type.String()),
    }),
    action: Type.String({ description: 'created, updated, erased, revoked, ...' }),
    resource: Type.Object({ type: Type.String(), id: Uuid }),
    fields: Type.Array(Type.String(), { description: 'Names of the fields changed; values are never kept.' }),
    request_id: Nullable(Type.String()),
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
        pattern: '^(customer|asset|api_key|technician|calendar|sla_policy|churn_model)(/[0-9a-fA-F-]{36})?$',
        description: 'A resource type (customer, asset, api_key, technician, calendar, sla_policy, churn_model), optionally with /<id>.',
      }),
    ),
    actor: Type.Optional(Type.String({ format: 'uuid', description: 'The id of the API key that acted.' })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
