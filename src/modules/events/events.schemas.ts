import Type from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

export const EventSchema = Type.Object(
  {
    id: Uuid,
    type: Type.String({ maxLength: 100, description: 'e.g. ticket.created, ticket.status_changed, customer.updated' }),
    position: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647, description: 'Increases along the feed; never reused.' }),
    occurred_at: Timestamp,
    actor: Type.Object({ kind: StringEnum(['api_key', 'system'] as const), id: Nullable(Uuid), role: Type.String({ maxLength: 32 }) }),
    resource: Type.Object({ type: Type.String({ maxLength: 100 }), id: Uuid }),
    data: Type.Record(Type.String(), Type.Unknown(), { description: 'The resource as its GET returns it after the change.' }),
  },
  { $id: 'Event', additionalProperties: false },
);
registerShared(EventSchema);

export const EventPage = Type.Object(
  {
    data: Type.Array(Type.Unsafe({ $ref: 'Event#' }), { maxItems: 1000 }),
    next_cursor: Type.String({ maxLength: 512, description: 'Where to continue; never null, so a poller keeps it even when nothing was new.' }),
  },
  { $id: 'EventPage', additionalProperties: false },
);
registerShared(EventPage);

export const EventsQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A next_cursor from an earlier page; absent: from the start.' })),
    types: Type.Optional(Type.String({ maxLength: 1000, pattern: '^[a-z_]+\\.[a-z_]+(,[a-z_]+\\.[a-z_]+)*$', description: 'Comma-separated event types.' })),
    limit: Type.Optional(Type.Integer({ format: 'int32', minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
