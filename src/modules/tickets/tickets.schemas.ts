import Type, { type Static } from 'typebox';
import { ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';
import { ExternalRef } from '../customers/customers.schemas.ts';

export const TICKET_TYPES = ['inquiry', 'repair', 'installation', 'maintenance', 'replacement', 'return', 'complaint', 'care'] as const;
export const CHANNELS = ['phone', 'email', 'web', 'app', 'chat', 'on_site'] as const;
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const STATUSES = ['new', 'assigned', 'in_progress', 'on_hold', 'resolved', 'closed', 'cancelled'] as const;

export const TicketType = StringEnum(TICKET_TYPES);
export const Channel = StringEnum(CHANNELS);
export const Priority = StringEnum(PRIORITIES);
export const Status = StringEnum(STATUSES);
const Category = Type.String({ minLength: 1, maxLength: 100, description: 'Product category; routing matches technician skills.' });
const Subject = Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' });
const Description = Type.String({ maxLength: 20_000 });

const SlaClock = Nullable(
  Type.Object(
    {
      due_at: Nullable(Timestamp),
      completed_at: Nullable(Timestamp),
      state: StringEnum(['running', 'paused', 'met', 'warning', 'breached'] as const),
      breached_at: Nullable(Timestamp),
    },
    { additionalProperties: false },
  ),
);
const Actor = Type.Object({ kind: StringEnum(['api_key', 'system'] as const), id: Nullable(Uuid), role: Type.String({ maxLength: 32 }) });

export const TicketSchema = Type.Object(
  {
    id: Uuid,
    number: Type.String({ maxLength: 32, description: 'Human reference, e.g. SR-2026-000123.' }),
    customer_id: Uuid,
    asset_id: Nullable(Uuid),
    type: TicketType,
    channel: Channel,
    priority: Priority,
    category: Type.String({ maxLength: 100 }),
    subject: Type.String({ maxLength: 300 }),
    description: Type.String({ maxLength: 20000 }),
    external_ref: Nullable(Type.String({ maxLength: 200 })),
    region: Nullable(Type.String({ maxLength: 100, description: "The customer's region when the ticket was opened." })),
    reported_at: Timestamp,
    status: Status,
    tier: Type.Integer({ format: 'int32', minimum: 1, maximum: 3 }),
    technician_id: Nullable(Uuid),
    assignment: Nullable(
      Type.Object({ technician_id: Uuid, reason: Type.String({ maxLength: 2000 }), assigned_at: Timestamp, by: Actor }, { description: 'Who holds the ticket and why.' }),
    ),
    hold_reason: Nullable(StringEnum(['waiting_customer', 'waiting_parts'] as const)),
    complaint_major: Type.Boolean(),
    linked_ticket_id: Nullable(Uuid),
    first_responded_at: Nullable(Timestamp),
    resolved_at: Nullable(Timestamp),
    closed_at: Nullable(Timestamp),
    cancelled_at: Nullable(Timestamp),
    resolution: Nullable(Type.Record(Type.String(), Type.Unknown())),
    warranty_decision: Nullable(Type.Record(Type.String(), Type.Unknown())),
    follow_up: Nullable(Type.Record(Type.String(), Type.Unknown())),
    reopen_count: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
    sla: Type.Object(
      {
        first_response: SlaClock,
        resolution: SlaClock,
        follow_up: SlaClock,
        periodic_update: SlaClock,
      },
      { additionalProperties: false, description: 'Per metric the due time, completion and state; null when the metric does not run. GET /v1/tickets/{id}/sla explains them.' },
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
  },
  { $id: 'Ticket', additionalProperties: false },
);
registerShared(TicketSchema);
export const TicketPage = Page(TicketSchema, 'TicketPage');
registerShared(TicketPage);

export const CreateTicket = Type.Object(
  {
    customer_id: Type.Optional(Uuid),
    customer_external_ref: Type.Optional(ExternalRef),
    asset_id: Type.Optional(Nullable(Uuid)),
    type: TicketType,
    channel: Channel,
    priority: Type.Optional(Priority),
    category: Category,
    subject: Subject,
    description: Type.Optional(Description),
    external_ref: Type.Optional(Nullable(ExternalRef)),
    reported_at: Type.Optional(Timestamp),
    complaint_major: Type.Optional(Type.Boolean({ description: 'Complaints only: routes it to the managers and emits ticket.complaint_major.' })),
  },
  { additionalProperties: false },
);
export type CreateTicket = Static<typeof CreateTicket>;

export const UpdateTicket = Type.Object(
  {
    type: Type.Optional(TicketType),
    priority: Type.Optional(Priority),
    category: Type.Optional(Category),
    subject: Type.Optional(Subject),
    description: Type.Optional(Description),
    asset_id: Type.Optional(Nullable(Uuid)),
    external_ref: Type.Optional(Nullable(ExternalRef)),
    complaint_major: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTicket = Static<typeof UpdateTicket>;

export const TicketListQuery = Type.Object(
  {
    ...ListQueryBase,
    status: Type.Optional(Status),
    priority: Type.Optional(Priority),
    type: Type.Optional(TicketType),
    customer_id: Type.Optional(Uuid),
    technician_id: Type.Optional(Uuid),
    tier: Type.Optional(Type.Integer({ format: 'int32', minimum: 1, maximum: 3 })),
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    category: Type.Optional(Category),
    complaint_major: Type.Optional(Type.Boolean({ description: 'true: the managers’ queue of open major complaints.' })),
    created_from: Type.Optional(Timestamp),
    created_to: Type.Optional(Timestamp),
    sla_state: Type.Optional(
      StringEnum(['ok', 'warning', 'breached'] as const, {
        description: 'breached: a clock breached (recorded, completed late, or running past due); warning: not breached and a running clock past its warning time; ok: neither.',
      }),
    ),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Full text over subject and description, Chinese or Latin.' })),
  },
  { additionalProperties: false },
);
export type TicketListQuery = Static<typeof TicketListQuery>;

export const TimelineEntrySchema = Type.Object(
  {
    id: Uuid,
    at: Timestamp,
    entry: StringEnum(['note', 'action', 'assignment', 'decision', 'sla', 'visit', 'survey'] as const),
    action: Nullable(Type.String({ maxLength: 100 })),
    note_kind: Nullable(StringEnum(['comment', 'call', 'email', 'sms', 'chat'] as const)),
    visibility: Nullable(StringEnum(['internal', 'customer'] as const)),
    body: Nullable(Type.String({ maxLength: 20000 })),
    data: Type.Record(Type.String(), Type.Unknown()),
    actor: Actor,
  },
  { $id: 'TimelineEntry', additionalProperties: false },
);
registerShared(TimelineEntrySchema);
export const TimelinePage = Type.Object(
  { data: Type.Array(Type.Unsafe({ $ref: 'TimelineEntry#' }), { maxItems: 200 }), next_cursor: Nullable(Type.String({ maxLength: 512 })) },
  { $id: 'TimelinePage', additionalProperties: false },
);
registerShared(TimelinePage);

export const CreateNote = Type.Object(
  {
    kind: StringEnum(['comment', 'call', 'email', 'sms', 'chat'] as const),
    visibility: StringEnum(['internal', 'customer'] as const),
    body: Type.String({ minLength: 1, maxLength: 20_000, pattern: '\\S' }),
  },
  { additionalProperties: false },
);
export type CreateNote = Static<typeof CreateNote>;
export const TimelineQuery = Type.Object({ limit: ListQueryBase.limit, cursor: ListQueryBase.cursor }, { additionalProperties: false });
