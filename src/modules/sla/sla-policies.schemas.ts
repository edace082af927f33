import Type, { type Static } from 'typebox';
import { ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';
import { CHANNELS, PRIORITIES, TICKET_TYPES } from '../tickets/tickets.schemas.ts';

const Minutes = Type.Integer({ format: 'int32', minimum: 1, maximum: 525_600, description: 'Minutes of the policy calendar.' });
const set = <T extends readonly string[]>(values: T) => Type.Array(StringEnum(values), { uniqueItems: true, maxItems: values.length });

export const Match = Type.Object(
  {
    types: Type.Optional(set(TICKET_TYPES)),
    priorities: Type.Optional(set(PRIORITIES)),
    customer_tiers: Type.Optional(set(['vip', 'key', 'standard'] as const)),
    channels: Type.Optional(set(CHANNELS)),
  },
  { additionalProperties: false, description: 'Every list given must contain the ticket’s value; an empty or absent list matches anything.' },
);
export const Targets = Type.Object(
  {
    first_response: Minutes,
    resolution: Minutes,
    follow_up: Minutes,
    periodic_update: Type.Optional(Nullable(Minutes)),
  },
  { additionalProperties: false },
);
const PauseOn = Type.Array(StringEnum(['waiting_customer', 'waiting_parts'] as const), { uniqueItems: true, maxItems: 2 });
const OnBreach = Type.Object(
  { escalate: Type.Optional(Type.Boolean()), raise_priority: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const SlaPolicySchema = Type.Object(
  {
    id: Uuid,
    name: Type.String({ maxLength: 200 }),
    position: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647, description: 'Lower first; the first active policy that matches a ticket applies.' }),
    match: Match,
    targets: Targets,
    calendar_id: Uuid,
    warn_at_percent: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
    pause_on: PauseOn,
    on_breach: OnBreach,
    active: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
  },
  { $id: 'SlaPolicy', additionalProperties: false },
);
registerShared(SlaPolicySchema);
export const SlaPolicyPage = Page(SlaPolicySchema, 'SlaPolicyPage');
registerShared(SlaPolicyPage);

const writable = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  position: Type.Integer({ format: 'int32', minimum: 0, maximum: 1_000_000 }),
  match: Type.Optional(Match),
  targets: Targets,
  calendar_id: Uuid,
  warn_at_percent: Type.Optional(Type.Integer({ format: 'int32', minimum: 1, maximum: 99 })),
  pause_on: Type.Optional(PauseOn),
  on_breach: Type.Optional(OnBreach),
  active: Type.Optional(Type.Boolean()),
};
export const CreateSlaPolicy = Type.Object(writable, { additionalProperties: false });
export type CreateSlaPolicy = Static<typeof CreateSlaPolicy>;
export const UpdateSlaPolicy = Type.Object(
  {
    ...writable,
    name: Type.Optional(writable.name),
    position: Type.Optional(writable.position),
    targets: Type.Optional(Targets),
    calendar_id: Type.Optional(Uuid),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSlaPolicy = Static<typeof UpdateSlaPolicy>;
export const SlaPolicyListQuery = Type.Object({ ...ListQueryBase, active: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export type SlaPolicyListQuery = Static<typeof SlaPolicyListQuery>;
export type SlaPolicy = Static<typeof SlaPolicySchema>;
