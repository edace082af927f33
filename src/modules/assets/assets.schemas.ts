import Type, { type Static } from 'typebox';
import { DateOnly, ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

export const ProofOfPurchaseSchema = Type.Object(
  {
    kind: StringEnum(['invoice', 'receipt', 'order'] as const),
    reference: Type.String({ minLength: 1, maxLength: 200 }),
    issued_on: DateOnly,
  },
  { $id: 'ProofOfPurchase', additionalProperties: false },
);
registerShared(ProofOfPurchaseSchema);
const proofRef = Type.Unsafe<Static<typeof ProofOfPurchaseSchema>>({ $ref: 'ProofOfPurchase#' });

export const AssetSchema = Type.Object(
  {
    id: Uuid,
    customer_id: Uuid,
    product_model: Type.String({ maxLength: 200 }),
    category: Type.String({ maxLength: 100 }),
    serial_number: Nullable(Type.String({ maxLength: 100 })),
    purchased_on: Nullable(DateOnly),
    proof_of_purchase: Nullable(proofRef),
    warranty_until: Nullable(DateOnly),
    installed_on: Nullable(DateOnly),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
  },
  { $id: 'Asset', additionalProperties: false },
);
registerShared(AssetSchema);
export const AssetPage = Page(AssetSchema, 'AssetPage');
registerShared(AssetPage);

const Category = Type.String({ minLength: 1, maxLength: 100, description: 'Product category; technicians list theirs as skills.' });
const Serial = Type.String({ minLength: 1, maxLength: 100 });
const writable = {
  product_model: Type.String({ minLength: 1, maxLength: 200 }),
  category: Category,
  serial_number: Type.Optional(Nullable(Serial)),
  purchased_on: Type.Optional(Nullable(DateOnly)),
  // Inline (not a $ref) because request bodies are validated without the component registry.
  proof_of_purchase: Type.Optional(Nullable(Type.Object(ProofOfPurchaseSchema.properties, { additionalProperties: false }))),
  warranty_until: Type.Optional(Nullable(DateOnly)),
  installed_on: Type.Optional(Nullable(DateOnly)),
};

export const CreateAsset = Type.Object(writable, { additionalProperties: false });
export type CreateAsset = Static<typeof CreateAsset>;
export const UpdateAsset = Type.Object(
  { ...writable, product_model: Type.Optional(writable.product_model), category: Type.Optional(Category) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAsset = Static<typeof UpdateAsset>;

export const AssetListQuery = Type.Object(
  {
    ...ListQueryBase,
    serial_number: Type.Optional(Serial),
    customer_id: Type.Optional(Uuid),
    category: Type.Optional(Category),
  },
  { additionalProperties: false },
);
export type AssetListQuery = Static<typeof AssetListQuery>;
