import Type, { type Static } from 'typebox';
import { EVENT_SCHEMAS, EVENT_TYPES } from '../../db/outbox.ts';
import type { Actor } from '../tickets/tickets.schemas.ts';
import { StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

const RESOURCE_SCHEMAS = { ticket: 'Ticket', survey: 'Survey', customer: 'Customer', part: 'Part', visit: 'Visit', webhook: 'Webhook' } as const;

/** The events about one kind of resource: their types, and that resource as `data`. */
function eventOf<R extends keyof typeof EVENT_TYPES>(resource: R, description: string) {
  return Type.Object(
    {
      id: Uuid,
      type: StringEnum(EVENT_TYPES[resource], { description: 'What happened.' }),
      position: Type.Integer({ format: 'int64', minimum: 1, maximum: 9_007_199_254_740_991, description: 'Increases along the feed; never reused.' }),
      occurred_at: Timestamp,
      actor: Type.Unsafe<Static<typeof Actor>>({ $ref: 'Actor#' }),
      resource: Type.Object(
        { type: Type.Literal(resource), id: Uuid },
        { additionalProperties: false, description: 'What the event is about.' },
      ),
      data: Type.Unsafe<Record<string, unknown>>({ $ref: `${RESOURCE_SCHEMAS[resource]}#`, description: 'The resource as its GET returned it after the change.' }),
    },
    { $id: EVENT_SCHEMAS[resource], additionalProperties: false, description },
  );
}
export const TicketEvent = eventOf('ticket', 'A change to a ticket; data is the ticket after it.');
export const SurveyEvent = eventOf('survey', 'A survey sent or answered; data is the survey after it.');
export const CustomerEvent = eventOf('customer', 'A customer created, changed (erasure included) or whose churn risk level changed; data is the customer after it.');
export const PartEvent = eventOf('part', 'A spare part whose stock fell to or below its reorder level (once per crossing); data is the part after the change.');
export const VisitEvent = eventOf(
  'visit',
  'A field visit booked, rescheduled (window or technician moved), updated (notes or planned parts), checked in, completed, cancelled, missed (no_show), or coming up (reminder_due, once, VISIT_REMINDER_LEAD_MINUTES before the window); data is the visit after it.',
);
export const WebhookEvent = eventOf('webhook', 'A webhook switched off because its deliveries kept dying (one failed for its whole retry window with nothing succeeding since); data is the webhook after it.');
const EVENTS = [TicketEvent, SurveyEvent, CustomerEvent, PartEvent, VisitEvent, WebhookEvent];
for (const e of EVENTS) registerShared(e);

/** An event of the feed: one of the kinds above, told apart by `type`. */
export const EventSchema = Type.Unsafe<Static<typeof TicketEvent> | Static<typeof SurveyEvent> | Static<typeof CustomerEvent> | Static<typeof PartEvent> | Static<typeof VisitEvent> | Static<typeof WebhookEvent>>({
  $id: 'Event',
  description: 'One change, as the feed (and webhooks) carry it: `type` says what happened and so which resource `data` is.',
  oneOf: EVENTS.map((e) => ({ $ref: `${(e as { $id?: string }).$id}#` })),
  discriminator: {
    propertyName: 'type',
    mapping: Object.fromEntries(
      (Object.keys(EVENT_TYPES) as (keyof typeof EVENT_TYPES)[]).flatMap((r) => EVENT_TYPES[r].map((t) => [t, `#/components/schemas/${EVENT_SCHEMAS[r]}`])),
    ),
  },
});
registerShared(EventSchema as never);

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
    after: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A next_cursor from an earlier page of the feed (signed: any other value is a 400); absent: from the start.' })),
    types: Type.Optional(Type.String({ maxLength: 1000, pattern: '^[a-z_]+\\.[a-z_]+(,[a-z_]+\\.[a-z_]+)*$', description: 'Comma-separated event types.' })),
    limit: Type.Optional(Type.Integer({ format: 'int32', minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
