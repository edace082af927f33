import Type, { type Static } from 'typebox';
import { StringEnum, Uuid } from '../../http/schemas.ts';
import { Currency } from '../../http/schemas.ts';
import { FollowUpOutcome, ResolutionMethod, WarrantyFinding, chargeItemFields } from './tickets.schemas.ts';

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
    method: ResolutionMethod,
    summary: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' }),
    warranty: Type.Optional(WarrantyFinding),
    warranty_override_reason: Type.Optional(Reason),
    root_cause: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Required for complaints.' })),
    charges: Type.Optional(
      Type.Object(
        {
          currency: Currency,
          items: Type.Array(Type.Object(chargeItemFields, { additionalProperties: false }), { maxItems: 100 }),
        },
        { additionalProperties: false },
      ),
    ),
    charge_visit_parts: Type.Optional(
      Type.Boolean({
        description:
          'true: add a parts item for every part used on the ticket\'s completed visits (from their signed repair records), at unit price × quantity when the decision is chargeable, at 0 when it is in warranty; in the currency of charges, or the parts\' own when charges are left out.',
      }),
    ),
    article_ids: Type.Optional(
      Type.Array(Uuid, {
        maxItems: 20,
        uniqueItems: true,
        description: 'Knowledge-base articles that solved it: each counts the ticket once (solved_count), however often it is resolved.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ResolveBody = Static<typeof ResolveBody>;
export const FollowUpBody = Type.Object(
  { outcome: FollowUpOutcome, note: Note },
  { additionalProperties: false },
);
export type FollowUpBody = Static<typeof FollowUpBody>;
