import Type from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

const Segment = Type.Object(
  {
    kind: StringEnum(['running', 'paused'] as const),
    from: Timestamp,
    to: Nullable(Timestamp),
    business_minutes: Type.Number(),
    reason: Nullable(Type.String({ maxLength: 2000, description: 'Why the clock stood still: the hold reason, or resolved.' })),
  },
  { additionalProperties: false },
);
const MetricClock = Type.Object(
  {
    target_minutes: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
    started_at: Timestamp,
    due_at: Nullable(Timestamp),
    warn_at: Nullable(Timestamp),
    completed_at: Nullable(Timestamp),
    state: StringEnum(['running', 'paused', 'met', 'warning', 'breached'] as const),
    elapsed_minutes: Type.Number({ description: 'Business minutes the clock has run.' }),
    remaining_minutes: Type.Number({ description: 'Negative when overdue.' }),
    segments: Type.Array(Segment, { maxItems: 10000 }),
  },
  { additionalProperties: false },
);
const nullableClock = Type.Union([MetricClock, Type.Null()]);

export const TicketSlaSchema = Type.Object(
  {
    ticket_id: Uuid,
    as_of: Timestamp,
    policy: Type.Object({ id: Uuid, name: Type.String({ maxLength: 200 }), warn_at_percent: Type.Integer({ format: 'int32', minimum: 1, maximum: 99 }), pause_on: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 }) }),
    calendar: Type.Object({ id: Uuid, name: Type.String({ maxLength: 200 }), timezone: Type.String({ maxLength: 64 }) }),
    metrics: Type.Object({
      first_response: nullableClock,
      resolution: nullableClock,
      follow_up: Type.Union([MetricClock, Type.Null()], { description: 'From resolution to the follow-up call; null until resolved.' }),
      periodic_update: Type.Union([MetricClock, Type.Null()], { description: 'Since the last customer-visible update, while open; null when the policy has none.' }),
    }),
  },
  { $id: 'TicketSla', additionalProperties: false },
);
registerShared(TicketSlaSchema);
