import Type from 'typebox';
import { Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

export const FollowUpSchema = Type.Object(
  {
    ticket_id: Uuid,
    number: Type.String({ maxLength: 32 }),
    customer_id: Uuid,
    technician_id: Nullable(Uuid),
    resolved_at: Nullable(Timestamp),
    due_at: Timestamp,
    state: StringEnum(['running', 'warning', 'breached'] as const),
    announced_at: Nullable(Timestamp),
  },
  { $id: 'FollowUp', additionalProperties: false },
);
registerShared(FollowUpSchema);
export const FollowUpPage = Page(FollowUpSchema, 'FollowUpPage');
registerShared(FollowUpPage);
export const FollowUpQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ format: 'int32', minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    due_before: Type.Optional(Timestamp),
    technician_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
