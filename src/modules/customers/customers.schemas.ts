import { ChurnFactorSchema } from '../churn/churn.schemas.ts';
import Type, { type Static } from 'typebox';
import { Email, ListQueryBase, Nullable, NullableRef, Page, Phone, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

export const CustomerKind = StringEnum(['person', 'company'] as const);
export const CustomerTier = StringEnum(['vip', 'key', 'standard'] as const);
export const CustomerStatus = StringEnum(['active', 'at_risk', 'lost', 'erased'] as const);
export const ChurnLevel = StringEnum(['low', 'medium', 'high'] as const);

export const ExternalRef = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[^\\s/]+$',
  description: "The CRM's id for this record: unique, no whitespace or slashes.",
});
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Region = Type.String({ minLength: 1, maxLength: 100 });
const Address = Type.String({ minLength: 1, maxLength: 500 });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50, uniqueItems: true });

export const ChurnRiskSchema = Type.Object(
  {
    score: Type.Number({ minimum: 0, maximum: 100 }),
    level: ChurnLevel,
    factors: Type.Array(ChurnFactorSchema, { maxItems: 20 }),
    scored_at: Timestamp,
  },
  { $id: 'ChurnRisk', additionalProperties: false },
);
registerShared(ChurnRiskSchema);

export const CustomerSchema = Type.Object(
  {
    id: Uuid,
    external_ref: Nullable(Type.String({ maxLength: 200 })),
    name: Type.String({ maxLength: 200 }),
    kind: CustomerKind,
    phone: Nullable(Type.String({ maxLength: 40 })),
    email: Nullable(Type.String({ maxLength: 254 })),
    region: Nullable(Type.String({ maxLength: 100 })),
    address: Nullable(Type.String({ maxLength: 500 })),
    tier: CustomerTier,
    tags: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50 }),
    status: CustomerStatus,
    churn_risk: NullableRef(ChurnRiskSchema),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
  },
  { $id: 'Customer', additionalProperties: false },
);
registerShared(CustomerSchema);
export const CustomerPage = Page(CustomerSchema, 'CustomerPage');
registerShared(CustomerPage);

const writable = {
  name: Name,
  kind: Type.Optional(CustomerKind),
  phone: Type.Optional(Nullable(Phone)),
  email: Type.Optional(Nullable(Email)),
  region: Type.Optional(Nullable(Region)),
  address: Type.Optional(Nullable(Address)),
  tier: Type.Optional(CustomerTier),
  tags: Type.Optional(Tags),
};

export const CreateCustomer = Type.Object(
  { ...writable, external_ref: Type.Optional(Nullable(ExternalRef)) },
  { additionalProperties: false },
);
export type CreateCustomer = Static<typeof CreateCustomer>;

/** PUT by external ref replaces the record: fields left out go back to their defaults. */
export const PutCustomer = Type.Object(writable, { additionalProperties: false });
export type PutCustomer = Static<typeof PutCustomer>;

export const UpdateCustomer = Type.Object(
  { ...writable, name: Type.Optional(Name), external_ref: Type.Optional(Nullable(ExternalRef)) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCustomer = Static<typeof UpdateCustomer>;

export const CustomerListQuery = Type.Object(
  {
    ...ListQueryBase,
    tier: Type.Optional(CustomerTier),
    region: Type.Optional(Region),
    status: Type.Optional(CustomerStatus),
    churn_risk_level: Type.Optional(ChurnLevel),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Finds customers whose name, phone or email contains every word given (Chinese or Latin).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CustomerListQuery = Static<typeof CustomerListQuery>;

export const ExternalRefParams = Type.Object({ ref: ExternalRef }, { additionalProperties: false });
