import Type, { type Static } from 'typebox';
import { ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, registerShared } from '../../http/schemas.ts';

const Pattern = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^(\\*|[a-z_]+\\.(\\*|[a-z_]+))$',
  description: 'An event type (ticket.created), every type of a resource (ticket.*), or every event (*).',
});
const Events = Type.Array(Pattern, { minItems: 1, maxItems: 50, uniqueItems: true, description: 'Which events are delivered: types, resource.* patterns, or *.' });
const Url = Type.String({ minLength: 8, maxLength: 2000, format: 'uri', description: 'Where events are POSTed: https (http only to hosts the operator allowed), resolving to public addresses.' });
const Description = Type.String({ minLength: 1, maxLength: 500 });
const Secret = Type.String({ minLength: 24, maxLength: 200, pattern: '^\\S{24,200}$', description: 'The signing secret; left out, one is generated (whsec_…) and shown once.' });
const Int = (max: number) => Type.Integer({ format: 'int32', minimum: 0, maximum: max });

const webhookFields = {
  id: Uuid,
  url: Type.String({ maxLength: 2000 }),
  events: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 }),
  description: Nullable(Type.String({ maxLength: 500 })),
  active: Type.Boolean({ description: 'Whether events are delivered; false after persistent failure (disabled_at says when) or when switched off.' }),
  previous_secret_expires_at: Nullable({ ...Timestamp, description: 'During a secret rotation: until when the previous secret still signs too (two v1= values).' }),
  disabled_at: Nullable({ ...Timestamp, description: 'When the service switched the webhook off because its deliveries kept dying.' }),
  disabled_reason: Nullable(Type.String({ maxLength: 500 })),
  last_success_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
  version: Int(2_147_483_647),
};

export const WebhookSchema = Type.Object(webhookFields, { $id: 'Webhook', additionalProperties: false });
registerShared(WebhookSchema);
export const WebhookPage = Page(WebhookSchema, 'WebhookPage');
registerShared(WebhookPage);
export const WebhookWithSecretSchema = Type.Object(
  { ...webhookFields, secret: Type.String({ maxLength: 200, description: 'The signing secret, shown this once (on create, and on a rotation that generated it).' }) },
  { $id: 'WebhookWithSecret', additionalProperties: false },
);
registerShared(WebhookWithSecretSchema);
export const WebhookUpdatedSchema = Type.Object(
  { ...webhookFields, secret: Type.Optional(Type.String({ maxLength: 200, description: 'The new signing secret, shown this once: only when rotate_secret generated it.' })) },
  { $id: 'WebhookUpdated', additionalProperties: false },
);
registerShared(WebhookUpdatedSchema);

export const CreateWebhook = Type.Object(
  { url: Url, events: Events, secret: Type.Optional(Secret), description: Type.Optional(Description), active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type CreateWebhook = Static<typeof CreateWebhook>;

export const UpdateWebhook = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Nullable(Description)),
    active: Type.Optional(Type.Boolean({ description: 'true switches a disabled webhook on again.' })),
    secret: Type.Optional({ ...Secret, description: 'A new signing secret (a rotation: the previous one keeps signing until previous_secret_expires_in_minutes).' }),
    rotate_secret: Type.Optional(Type.Boolean({ description: 'true: generate a new secret (answered once in secret); the previous one keeps signing for a while.' })),
    previous_secret_expires_in_minutes: Type.Optional(Type.Integer({ format: 'int32', minimum: 0, maximum: 10_080, description: 'How long the previous secret keeps signing after a rotation (default 1440, a day; 0 ends it now).' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWebhook = Static<typeof UpdateWebhook>;

export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'dead'] as const;

export const DeliverySchema = Type.Object(
  {
    id: Uuid,
    webhook_id: Uuid,
    event_id: Nullable(Uuid),
    event_type: Type.String({ maxLength: 64 }),
    event_position: Type.Integer({ format: 'int64', minimum: 0, maximum: 9_007_199_254_740_991 }),
    resource: Type.Object({ type: Type.String({ maxLength: 32 }), id: Uuid }, { additionalProperties: false, description: 'What the event is about (the webhook itself for a ping).' }),
    kind: StringEnum(['event', 'replay', 'ping', 'retry'] as const, { description: 'event: from the outbox; replay: POST /replay; ping: POST /ping; retry: a succeeded delivery sent again.' }),
    status: StringEnum(DELIVERY_STATUSES, { description: 'pending (waiting for its next attempt), delivering (in flight), succeeded (a 2xx within 10 s), dead (failed for 24 hours).' }),
    attempts: Int(1_000_000),
    next_attempt_at: Nullable({ ...Timestamp, description: 'When it is tried next; null once succeeded or dead.' }),
    give_up_at: { ...Timestamp, description: 'After this a failed attempt makes it dead.' },
    last_attempt_at: Nullable(Timestamp),
    last_status: Nullable(Type.Integer({ format: 'int32', minimum: 100, maximum: 599, description: 'The HTTP status of the last attempt; null when it got no answer.' })),
    last_latency_ms: Nullable(Int(1_000_000)),
    last_error: Nullable(Type.String({ maxLength: 500, description: 'Why the last attempt failed, when it got no answer (timeout, refused, reset).' })),
    response_excerpt: Nullable(Type.String({ maxLength: 1024, description: 'The first kilobyte of the last response body.' })),
    delivered_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'WebhookDelivery', additionalProperties: false },
);
registerShared(DeliverySchema);
export const DeliveryPage = Page(DeliverySchema, 'WebhookDeliveryPage');
registerShared(DeliveryPage);

export const DeliveryListQuery = Type.Object(
  {
    limit: ListQueryBase.limit,
    cursor: ListQueryBase.cursor,
    status: Type.Optional(StringEnum(DELIVERY_STATUSES)),
    event_type: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z_]+\\.[a-z_]+$' })),
    resource_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;

export const DeliveryParams = Type.Object({ id: Uuid, delivery_id: Uuid }, { additionalProperties: false });

export const ReplayBody = Type.Object(
  {
    from: Type.Union([Type.Integer({ format: 'int64', minimum: 0, maximum: 9_007_199_254_740_991 }), Type.String({ format: 'date-time', maxLength: 40 })], {
      description: 'An event position (every event after it) or a time (every event that occurred at or after it).',
    }),
  },
  { additionalProperties: false },
);
export type ReplayBody = Static<typeof ReplayBody>;

export const ReplaySchema = Type.Object(
  {
    webhook_id: Uuid,
    deliveries: Int(1_000_000),
    from_position: Type.Integer({ format: 'int64', minimum: 0, maximum: 9_007_199_254_740_991, description: 'The events replayed are those after this position.' }),
    to_position: Type.Integer({ format: 'int64', minimum: 0, maximum: 9_007_199_254_740_991, description: '… up to and including this one.' }),
  },
  { $id: 'WebhookReplay', additionalProperties: false },
);
registerShared(ReplaySchema);

export const WebhookListQuery = Type.Object({ ...ListQueryBase, active: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export type WebhookListQuery = Static<typeof WebhookListQuery>;
