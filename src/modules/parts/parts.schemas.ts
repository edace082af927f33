import Type, { type Static } from 'typebox';
import { Currency, ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

const Quantity = Type.Integer({ format: 'int32', minimum: 0, maximum: 1_000_000_000 });
const Price = Type.Integer({ format: 'int64', minimum: 0, maximum: 1_000_000_000_000, description: 'Price of one unit, in minor units of currency (fen, cents).' });

export const PartSchema = Type.Object(
  {
    id: Uuid,
    sku: Type.String({ maxLength: 100 }),
    name: Type.String({ maxLength: 200 }),
    category: Nullable(Type.String({ maxLength: 100 })),
    unit_price: Price,
    currency: Currency,
    stock: Quantity,
    reorder_level: Quantity,
    low_stock: Type.Boolean({ description: 'Whether stock is at or below reorder_level.' }),
    active: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
  },
  { $id: 'Part', additionalProperties: false },
);
registerShared(PartSchema);
export const PartPage = Page(PartSchema, 'PartPage');
registerShared(PartPage);

export const MOVEMENT_KINDS = ['opening', 'received', 'adjusted', 'returned', 'consumed'] as const;

export const PartMovementSchema = Type.Object(
  {
    id: Uuid,
    part_id: Uuid,
    kind: StringEnum(MOVEMENT_KINDS, {
      description: 'opening (the stock a part was created with), received, adjusted (a count corrected, with a reason), returned (back from a customer or a technician), consumed (used by a visit).',
    }),
    quantity: Type.Integer({ format: 'int32', minimum: -1_000_000_000, maximum: 1_000_000_000, description: 'Units in (positive) or out (negative).' }),
    stock_after: Quantity,
    reason: Nullable(Type.String({ maxLength: 500 })),
    occurred_at: Timestamp,
    visit_id: Nullable({ ...Uuid, description: 'The visit that used the part (consumed movements only).' }),
    actor: Type.Object(
      {
        kind: StringEnum(['api_key', 'system'] as const),
        id: Nullable(Uuid),
        role: Nullable(Type.String({ maxLength: 40 })),
      },
      { additionalProperties: false, description: 'Who moved the stock.' },
    ),
  },
  { $id: 'PartMovement', additionalProperties: false },
);
registerShared(PartMovementSchema);
export const PartMovementPage = Page(PartMovementSchema, 'PartMovementPage');
registerShared(PartMovementPage);

const Sku = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\s]+$', description: 'Stock-keeping unit: the part number, unique.' });
const writable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  category: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  unit_price: Price,
  currency: Currency,
  reorder_level: Type.Optional(Quantity),
  active: Type.Optional(Type.Boolean()),
};

export const CreatePart = Type.Object(
  { sku: Sku, ...writable, stock: Type.Optional({ ...Quantity, description: 'The opening balance (written to the ledger as an opening movement); afterwards stock changes only through movements.' }) },
  { additionalProperties: false },
);
export type CreatePart = Static<typeof CreatePart>;

export const UpdatePart = Type.Object(
  { ...writable, name: Type.Optional(writable.name), unit_price: Type.Optional(Price), currency: Type.Optional(Currency) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdatePart = Static<typeof UpdatePart>;

export const CreateMovement = Type.Object(
  {
    kind: StringEnum(['received', 'adjusted', 'returned'] as const, { description: 'received and returned add stock; adjusted corrects it either way, with a reason.' }),
    quantity: Type.Integer({ format: 'int32', minimum: -1_000_000_000, maximum: 1_000_000_000, description: 'Units, never 0: positive for received and returned, either sign for adjusted.' }),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CreateMovement = Static<typeof CreateMovement>;

export const PartListQuery = Type.Object(
  {
    ...ListQueryBase,
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    active: Type.Optional(Type.Boolean()),
    low_stock: Type.Optional(Type.Boolean({ description: 'true: only parts at or below their reorder level (the reorder list).' })),
    sku: Type.Optional(Sku),
  },
  { additionalProperties: false },
);
export type PartListQuery = Static<typeof PartListQuery>;

export const MovementListQuery = Type.Object(
  {
    limit: ListQueryBase.limit,
    cursor: ListQueryBase.cursor,
  },
  { additionalProperties: false },
);
export type MovementListQuery = Static<typeof MovementListQuery>;
