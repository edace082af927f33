import Type, { type Static } from 'typebox';
import { ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

export const RoleSchema = StringEnum(['admin', 'manager', 'agent', 'technician', 'analyst', 'integration', 'qa'] as const, {
  description: 'technician keys are bound to one technician and see only its tickets and visits; qa keys (quality supervisors) read tickets and score quality reviews but change nothing else.',
});

const keyFields = {
  id: Uuid,
  name: Type.String({ maxLength: 200 }),
  role: RoleSchema,
  technician_id: Nullable(Uuid),
  prefix: Type.String({ maxLength: 16, description: 'The first characters of the secret, to tell keys apart.' }),
  expires_at: Nullable(Timestamp),
  revoked_at: Nullable(Timestamp),
  last_used_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
  version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
};

export const ApiKeySchema = Type.Object(keyFields, { $id: 'ApiKey', additionalProperties: false });
registerShared(ApiKeySchema);
export const ApiKeyCreatedSchema = Type.Object(
  {
    ...keyFields,
    secret: Nullable(
      Type.String({
        maxLength: 64,
        description: 'The key itself. Shown in this response only; an Idempotency-Key replay returns null here.',
      }),
    ),
  },
  { $id: 'ApiKeyCreated', additionalProperties: false },
);
registerShared(ApiKeyCreatedSchema);
export const ApiKeyPage = Page(ApiKeySchema, 'ApiKeyPage');
registerShared(ApiKeyPage);

export const CreateApiKey = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
    technician_id: Type.Optional(Uuid),
    expires_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type CreateApiKey = Static<typeof CreateApiKey>;

export const ApiKeyListQuery = Type.Object(
  { ...ListQueryBase, role: Type.Optional(RoleSchema), revoked: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type ApiKeyListQuery = Static<typeof ApiKeyListQuery>;
