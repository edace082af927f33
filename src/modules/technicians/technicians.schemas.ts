import Type, { type Static } from 'typebox';
import { Email, ListQueryBase, Nullable, Page, Phone, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

const Tier = Type.Integer({ format: 'int32', minimum: 1, maximum: 3, description: '1 regional service point, 2 regional service centre, 3 technical support team.' });
const Label = Type.String({ minLength: 1, maxLength: 100 });
const Labels = (description: string) => Type.Array(Label, { maxItems: 100, uniqueItems: true, description });

export const TechnicianSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String({ maxLength: 200 }),
    phone: Nullable(Type.String({ maxLength: 40 })),
    email: Nullable(Type.String({ maxLength: 254 })),
    tier: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
    regions: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 }),
    skills: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100, description: 'Product categories this technician can handle.' }),
    max_open_tickets: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
    open_tickets: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647, description: 'Tickets assigned and not yet resolved, closed or cancelled.' }),
    active: Type.Boolean(),
    calendar_id: Nullable(Uuid),
    travel_buffer_minutes: Type.Integer({ format: 'int32', minimum: 0, maximum: 720 }),
    last_assigned_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
  },
  { $id: 'Technician', additionalProperties: false },
);
registerShared(TechnicianSchema);
export const TechnicianPage = Page(TechnicianSchema, 'TechnicianPage');
registerShared(TechnicianPage);

const writable = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  phone: Type.Optional(Nullable(Phone)),
  email: Type.Optional(Nullable(Email)),
  tier: Tier,
  regions: Type.Optional(Labels('Regions served; routing matches the customer region.')),
  skills: Type.Optional(Labels('Product categories; routing matches the ticket category.')),
  max_open_tickets: Type.Integer({ format: 'int32', minimum: 0, maximum: 10000 }),
  active: Type.Optional(Type.Boolean()),
  calendar_id: Type.Optional(Nullable(Uuid)),
  travel_buffer_minutes: Type.Optional(Type.Integer({ format: 'int32', minimum: 0, maximum: 720 })),
};

export const CreateTechnician = Type.Object(writable, { additionalProperties: false });
export type CreateTechnician = Static<typeof CreateTechnician>;
export const UpdateTechnician = Type.Object(
  { ...writable, name: Type.Optional(writable.name), tier: Type.Optional(Tier), max_open_tickets: Type.Optional(writable.max_open_tickets) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTechnician = Static<typeof UpdateTechnician>;

export const TechnicianListQuery = Type.Object(
  {
    ...ListQueryBase,
    tier: Type.Optional(Tier),
    region: Type.Optional(Label),
    skill: Type.Optional(Label),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TechnicianListQuery = Static<typeof TechnicianListQuery>;

const Counts = (keys: readonly string[]) => Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 })])), { additionalProperties: false });
export const WorkloadSchema = Type.Object(
  {
    technician_id: Uuid,
    open_tickets: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
    max_open_tickets: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
    by_status: Counts(['assigned', 'in_progress', 'on_hold']),
    by_priority: Counts(['urgent', 'high', 'normal', 'low']),
    tickets: Type.Array(
      Type.Object({ id: Uuid, number: Type.String({ maxLength: 32 }), status: Type.String({ maxLength: 32 }), priority: Type.String({ maxLength: 32 }), subject: Type.String({ maxLength: 300 }), reported_at: Timestamp }),
      { maxItems: 50, description: 'The 50 oldest open tickets.' },
    ),
    upcoming_visits: Type.Array(
      Type.Object({
        id: Uuid,
        ticket_id: Uuid,
        status: Type.String({ maxLength: 32, description: 'scheduled or checked_in.' }),
        window_start: Timestamp,
        window_end: Timestamp,
      }, { additionalProperties: false }),
      { maxItems: 50, description: 'The next 50 visits not yet over (scheduled or checked in, window not ended), in schedule order.' },
    ),
  },
  { $id: 'Workload', additionalProperties: false },
);
registerShared(WorkloadSchema);
