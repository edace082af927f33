import Type from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

export const EventSchema = Type.Object(
  {
    id: Uuid,
    type: Type.String({ description: 'e.g. ticket.created, ticket.status_changed, customer.updated' }),
    position: Type.Integer({ description: 'Increases along the feed; never reused.' }),
    occurred_at: Timestamp,
    actor: Type.Object({ kind: StringEnum(['api_key', 'system'] as const), id: Nullable(Uuid), role: Type.String() }),
    resource: Type.Object({ type: Type.String(), id: Uuid }),
    data: Type.Record(Type.String(), Type.Unknown(), { description: 'The resource as its GET returns it after the change.' }),
  },
  { $id: 'Event', additionalProperties: false },
);
registerShared(EventSchema);

export const EventPage = Type.Object(
  {
    data: Type.Array(Type.Unsafe({ $ref: 'Event#' })),
    next_cursor: Type.String({ description: 'Where to continue; never null, so a poller keeps it even when nothing was new.' }),
  },
  { $id: 'EventPage', additionalProperties: false },
);
registerShared(EventPage);

export const EventsQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A next_cursor from an earlier page; absent: from the start.' })),
    types: Type.Optional(Type.String({ maxLength: 1000, pattern: '^[a-z_]+\\.[a-z_]+(,[a-z_]+\\.[a-z_]+)*$', description: 'Comma-separated event types.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
