import Type from 'typebox';
import { ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

const Metric = StringEnum(['first_response', 'resolution', 'follow_up', 'periodic_update'] as const);
const Kind = StringEnum(['breach', 'warning'] as const);

export const SlaBreachSchema = Type.Object(
  {
    id: Uuid,
    ticket_id: Uuid,
    metric: Metric,
    kind: Kind,
    at: Type.String({ format: 'date-time', maxLength: 40, description: 'When the clock crossed the line: its due time (breach) or warning time.' }),
    recorded_at: Type.String({ format: 'date-time', maxLength: 40, description: 'When the sweep recorded it; recorded_at − at is the latency.' }),
    policy_id: Uuid,
    target_minutes: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
    customer_id: Uuid,
    technician_id: Nullable(Uuid),
    priority: Type.String({ maxLength: 32, description: 'The ticket priority when it breached.' }),
    tier: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647, description: 'The ticket tier when it breached.' }),
    actions: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20, description: 'What on_breach did, e.g. "raise_priority:normal->high", "escalate:1->2", "assigned:<technician id>".' }),
  },
  { $id: 'SlaBreach', additionalProperties: false },
);
registerShared(SlaBreachSchema);
export const SlaBreachPage = Page(SlaBreachSchema, 'SlaBreachPage');
registerShared(SlaBreachPage);

export const SlaBreachListQuery = Type.Object(
  {
    ...ListQueryBase,
    kind: Type.Optional(StringEnum(['breach', 'warning'] as const, { description: 'Default breach.' })),
    metric: Type.Optional(Metric),
    ticket_id: Type.Optional(Uuid),
    customer_id: Type.Optional(Uuid),
    technician_id: Type.Optional(Uuid),
    policy_id: Type.Optional(Uuid),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
