import Type, { type Static } from 'typebox';
import { Uuid } from '../../http/schemas.ts';
import { StringEnum } from '../../http/schemas.ts';

const Reason = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' });
const Note = Type.Optional(Type.String({ minLength: 1, maxLength: 2000 }));

export const AssignBody = Type.Object(
  {
    technician_id: Type.Optional(Uuid),
    auto: Type.Optional(Type.Boolean({ description: 'true: route by region, skill, tier and current load.' })),
    reason: Type.Optional(Reason),
  },
  {
    additionalProperties: false,
    // Exactly one of the two: the service refuses both or neither (422 assign-target).
    'x-exactly-one': [{ required: ['technician_id'] }, { required: ['auto'], properties: { auto: { const: true } } }],
  },
);
export type AssignBody = Static<typeof AssignBody>;
export const NoteBody = Type.Object({ note: Note }, { additionalProperties: false });
export type NoteBody = Static<typeof NoteBody>;
export const HoldBody = Type.Object({ reason: StringEnum(['waiting_customer', 'waiting_parts'] as const), note: Note }, { additionalProperties: false });
export type HoldBody = Static<typeof HoldBody>;
export const EscalateBody = Type.Object(
  { reason: Reason, auto: Type.Optional(Type.Boolean({ description: 'Also route it at the new tier.' })) },
  { additionalProperties: false },
);
export type EscalateBody = Static<typeof EscalateBody>;
export const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export type ReasonBody = Static<typeof ReasonBody>;

export const ResolveBody = Type.Object(
  {
    method: StringEnum(['remote_advice', 'repair', 'replacement', 'software_update', 'refund', 'no_fault_found'] as const),
    summary: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' }),
    warranty: Type.Optional(StringEnum(['in_warranty', 'out_of_warranty', 'misuse'] as const)),
    warranty_override_reason: Type.Optional(Reason),
    root_cause: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Required for complaints.' })),
    charges: Type.Optional(
      Type.Object(
        {
          currency: Type.String({ minLength: 3, maxLength: 3, pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code, e.g. CNY, EUR.' }),
          items: Type.Array(
            Type.Object(
              {
                kind: StringEnum(['labour', 'parts', 'visit', 'other'] as const),
                description: Type.String({ minLength: 1, maxLength: 500 }),
                amount: Type.Integer({ format: 'int32', minimum: 0, maximum: 1_000_000_000, description: 'Minor units (cents, fen).' }),
              },
              { additionalProperties: false },
            ),
            { maxItems: 100 },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ResolveBody = Static<typeof ResolveBody>;
export const FollowUpBody = Type.Object(
  { outcome: StringEnum(['satisfied', 'not_satisfied', 'unreachable'] as const), note: Note },
  { additionalProperties: false },
);
export type FollowUpBody = Static<typeof FollowUpBody>;
