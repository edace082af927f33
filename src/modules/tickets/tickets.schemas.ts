import Type, { type Static, type TSchema } from 'typebox';
import { Currency, ListQueryBase, Nullable, NullableRef, Page, StringEnum, Timestamp, Uuid, ref, registerShared } from '../../http/schemas.ts';
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
export const Actor = Type.Object(
  {
    kind: StringEnum(['api_key', 'system'] as const, { description: 'api_key: a caller with a key; system: a scheduled job (the sweep, survey dispatch).' }),
    id: Nullable(Type.String({ format: 'uuid', maxLength: 36, description: 'The API key\'s id; null for the system.' })),
    role: Type.String({ maxLength: 32, description: 'The key\'s role (admin, manager, agent, technician, analyst, integration), or system.' }),
  },
  { $id: 'Actor', additionalProperties: false, description: 'Who did it.' },
);
registerShared(Actor);

export const RESOLUTION_METHODS = ['remote_advice', 'repair', 'replacement', 'software_update', 'refund', 'no_fault_found'] as const;
export const ResolutionMethod = StringEnum(RESOLUTION_METHODS, {
  description: 'remote_advice: solved by phone or chat; repair: fixed; replacement: product swapped (needs proof of purchase); software_update: firmware or app update; refund: money back; no_fault_found: nothing wrong found.',
});
export const WARRANTY_FINDINGS = ['in_warranty', 'out_of_warranty', 'misuse'] as const;
export const WarrantyFinding = StringEnum(WARRANTY_FINDINGS, {
  description: 'in_warranty: covered, free; out_of_warranty: expired or not covered, chargeable; misuse: damage by misuse, chargeable whatever the dates.',
});
export const FOLLOW_UP_OUTCOMES = ['satisfied', 'not_satisfied', 'unreachable'] as const;
export const FollowUpOutcome = StringEnum(FOLLOW_UP_OUTCOMES, {
  description: 'satisfied: closes the ticket; not_satisfied: reopens it to in_progress; unreachable: recorded, the ticket stays resolved.',
});
const Amount = Type.Integer({ format: 'int64', minimum: 0, maximum: 100_000_000_000, description: 'In minor units (cents, fen).' });

/** A line of charges, as sent with a resolution and as kept on the ticket. */
export const chargeItemFields = {
  kind: StringEnum(['labour', 'parts', 'visit', 'other'] as const, { description: 'labour: work time; parts: spare parts; visit: the call-out fee; other.' }),
  description: Type.String({ minLength: 1, maxLength: 500, description: 'What was charged, e.g. 更换加热管 / heating element.' }),
  amount: Type.Integer({ format: 'int32', minimum: 0, maximum: 1_000_000_000, description: 'In minor units (cents, fen).' }),
};
export const ChargeItem = Type.Object(chargeItemFields, { $id: 'ChargeItem', additionalProperties: false, description: 'One line of what the customer pays.' });
registerShared(ChargeItem);

export const Resolution = Type.Object(
  {
    method: ResolutionMethod,
    summary: Type.String({ maxLength: 5000, description: 'What was done, for the customer and the next technician.' }),
    root_cause: Nullable(Type.String({ maxLength: 2000, description: 'Why it happened; required for complaints.' })),
    charges: Nullable(
      Type.Object(
        {
          currency: Currency,
          items: Type.Array(ref(ChargeItem), { maxItems: 100 }),
          total: Amount,
        },
        { additionalProperties: false, description: 'What the customer pays, with the total of its items.' },
      ),
    ),
    article_ids: Type.Optional(Type.Array(Uuid, { maxItems: 20, description: 'The knowledge-base articles that solved it (absent on resolutions recorded before articles existed).' })),
  },
  { $id: 'Resolution', additionalProperties: false, description: 'How the ticket was resolved.' },
);
registerShared(Resolution);

export const WarrantyDecision = Type.Object(
  {
    result: WarrantyFinding,
    chargeable: Type.Boolean({ description: 'Whether the customer may be charged: false exactly when in_warranty.' }),
    overridden: Type.Boolean({ description: 'The finding contradicts the product record, with warranty_override_reason.' }),
    reasons: Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 20, description: 'How the decision was reached, step by step, for a person to check.' }),
  },
  { $id: 'WarrantyDecision', additionalProperties: false, description: 'The warranty decision (保修判定) made at resolution, checked against the product record.' },
);
registerShared(WarrantyDecision);

export const FollowUpRecord = Type.Object(
  {
    outcome: FollowUpOutcome,
    note: Nullable(Type.String({ maxLength: 2000, description: 'What the customer said.' })),
    at: Timestamp,
    by: ref(Actor),
  },
  { $id: 'FollowUpRecord', additionalProperties: false, description: 'The last follow-up call (回访) and what came of it.' },
);
registerShared(FollowUpRecord);

export const Assignment = Type.Object(
  {
    technician_id: Uuid,
    reason: Type.String({ maxLength: 2000, description: 'Why this technician: the routing rule that chose them, or who assigned by hand.' }),
    assigned_at: Timestamp,
    by: ref(Actor),
  },
  { $id: 'Assignment', additionalProperties: false, description: 'Who holds the ticket and why.' },
);
registerShared(Assignment);

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
    assignment: NullableRef(Assignment),
    hold_reason: Nullable(StringEnum(['waiting_customer', 'waiting_parts'] as const)),
    complaint_major: Type.Boolean(),
    linked_ticket_id: Nullable(Uuid),
    first_responded_at: Nullable(Timestamp),
    resolved_at: Nullable(Timestamp),
    closed_at: Nullable(Timestamp),
    cancelled_at: Nullable(Timestamp),
    resolution: NullableRef(Resolution),
    warranty_decision: NullableRef(WarrantyDecision),
    follow_up: NullableRef(FollowUpRecord),
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
    reported_at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'When the customer reported it (RFC 3339); default now. Not in the future, at most 365 days back (422).' })),
    complaint_major: Type.Optional(Type.Boolean({ description: 'Complaints only: routes it to the managers and emits ticket.complaint_major.' })),
  },
  {
    additionalProperties: false,
    // Exactly one of the two: the service refuses both or neither (422 customer-required).
    'x-exactly-one': [{ required: ['customer_id'] }, { required: ['customer_external_ref'] }],
  },
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

const NoteKind = StringEnum(['comment', 'call', 'email', 'sms', 'chat'] as const, { description: 'How the contact happened: an internal comment, a phone call, an email, an SMS, a chat.' });
const Visibility = StringEnum(['internal', 'customer'] as const, { description: 'internal: staff only; customer: seen by the customer (the first one by staff is the first response).' });
const TicketStatusOrPriority = Type.String({ maxLength: 32, description: 'A status (workflow actions) or, for a priority raised by the SLA sweep, a priority.' });
const Tier = Type.Integer({ format: 'int32', minimum: 1, maximum: 3, description: 'Support tier: 1 frontline, 2 specialist, 3 technical support.' });
const Metric = StringEnum(['first_response', 'resolution', 'follow_up', 'periodic_update'] as const);

/** One kind of timeline entry: the fields every entry has, its `entry`, its `action` and its `data`. */
function timelineEntry<const K extends string, A extends TSchema, D extends TSchema>(kind: K, id: string, action: A, data: D, description: string) {
  return Type.Object(
    {
      id: Uuid,
      at: Timestamp,
      entry: Type.Literal(kind),
      action,
      note_kind: Nullable(NoteKind),
      visibility: Nullable(Visibility),
      body: Nullable(Type.String({ maxLength: 20000, description: 'The note, or the note given with an action.' })),
      data,
      actor: ref(Actor),
    },
    { $id: id, additionalProperties: false, description },
  );
}

export const TimelineNoteEntry = timelineEntry('note', 'TimelineNoteEntry', Type.Null(), Type.Object({}, { additionalProperties: false }), 'A note (备注): a comment, call, email, SMS or chat, internal or for the customer.');
export const TimelineActionEntry = timelineEntry(
  'action',
  'TimelineActionEntry',
  StringEnum(['created', 'updated', 'start', 'hold', 'resume', 'escalate', 'resolve', 'follow-up', 'reopen', 'close', 'cancel'] as const, { description: 'What was done: created, updated, or the workflow action taken.' }),
  Type.Object(
    {
      from: Type.Optional(TicketStatusOrPriority),
      to: Type.Optional(TicketStatusOrPriority),
      channel: Type.Optional(Channel),
      priority: Type.Optional(Priority),
      tier: Type.Optional(Tier),
      care: Type.Optional(StringEnum(['service_recovery', 'retention'] as const, { description: 'A care ticket: service recovery after a low survey score, or retention for a churn risk.' })),
      linked_ticket_id: Type.Optional(Nullable(Uuid)),
      fields: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50, description: 'The fields an update changed (names only).' })),
      reason: Type.Optional(Type.String({ maxLength: 2000, description: 'The reason given (hold reason, escalation, reopen, cancel, priority raised).' })),
      method: Type.Optional(ResolutionMethod),
      outcome: Type.Optional(FollowUpOutcome),
      from_tier: Type.Optional(Tier),
      to_tier: Type.Optional(Tier),
    },
    { additionalProperties: false, description: 'created: channel, priority, tier (and care, linked_ticket_id); updated: fields (from, to, reason when the sweep raised the priority); a workflow action: from and to status, plus hold reason, escalation tiers and reason, resolution method or follow-up outcome.' },
  ),
  'A ticket was created, updated, or moved by a workflow action.',
);
export const TimelineAssignmentEntry = timelineEntry(
  'assignment',
  'TimelineAssignmentEntry',
  StringEnum(['assigned', 'unassigned'] as const, { description: 'assigned: a technician took it; unassigned: routing found nobody.' }),
  Type.Object(
    {
      technician_id: Type.Optional(Uuid),
      previous_technician_id: Type.Optional(Nullable(Uuid)),
      reason: Type.String({ maxLength: 2000, description: 'Why this technician, or why nobody fits.' }),
      tier: Tier,
    },
    { additionalProperties: false },
  ),
  'Who took the ticket and why, or why routing found nobody.',
);
export const TimelineDecisionEntry = timelineEntry(
  'decision',
  'TimelineDecisionEntry',
  Type.Literal('warranty'),
  Type.Object(
    { ...WarrantyDecision.properties, charges_total: Amount, currency: Nullable(Currency) },
    { additionalProperties: false },
  ),
  'The warranty decision made at resolution, with the total charged.',
);
export const TimelineSlaEntry = timelineEntry(
  'sla',
  'TimelineSlaEntry',
  StringEnum(['warning', 'breached', 'follow_up_due'] as const, { description: 'warning: a clock crossed its warning line; breached: its due time; follow_up_due: the follow-up call is due.' }),
  Type.Object(
    {
      metric: Metric,
      due_at: Type.Optional(Timestamp),
      warn_at: Type.Optional(Timestamp),
      target_minutes: Type.Optional(Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647, description: 'The target in business minutes.' })),
      policy_id: Type.Optional(Uuid),
    },
    { additionalProperties: false },
  ),
  'An SLA warning or breach recorded by the sweep, or a follow-up falling due.',
);
export const TimelineSurveyEntry = timelineEntry(
  'survey',
  'TimelineSurveyEntry',
  StringEnum(['sent', 'answered'] as const),
  Type.Object(
    {
      survey_id: Uuid,
      trigger: Type.Optional(StringEnum(['resolved', 'manual'] as const)),
      expires_at: Type.Optional(Timestamp),
      csat: Type.Optional(Nullable(Type.Integer({ format: 'int32', minimum: 1, maximum: 5 }))),
      nps: Type.Optional(Nullable(Type.Integer({ format: 'int32', minimum: 0, maximum: 10 }))),
      recovery_ticket_id: Type.Optional(Nullable(Uuid)),
    },
    { additionalProperties: false },
  ),
  'A satisfaction survey sent for the ticket, or its answer.',
);
export const TimelineVisitEntry = timelineEntry(
  'visit',
  'TimelineVisitEntry',
  StringEnum(['scheduled', 'rescheduled', 'checked_in', 'completed', 'cancelled', 'no_show'] as const, { description: 'The visit\'s step.' }),
  Type.Object(
    {
      visit_id: Uuid,
      technician_id: Uuid,
      window_start: Type.Optional(Timestamp),
      window_end: Type.Optional(Timestamp),
      outside_hours: Type.Optional(Type.Boolean()),
      reason: Type.Optional(Nullable(Type.String({ maxLength: 500, description: 'Why outside working hours (scheduled, rescheduled), or why cancelled.' }))),
      previous: Type.Optional(
        Type.Object({ technician_id: Uuid, window_start: Timestamp, window_end: Timestamp }, { additionalProperties: false, description: 'Where a rescheduled visit was before.' }),
      ),
      test_passed: Type.Optional(Type.Boolean()),
      parts_used: Type.Optional(
        Type.Array(Type.Object({ part_id: Uuid, sku: Type.String({ maxLength: 100 }), quantity: Type.Integer({ format: 'int32', minimum: 1, maximum: 10_000 }) }, { additionalProperties: false }), {
          maxItems: 50,
        }),
      ),
      signed_by: Type.Optional(Type.String({ maxLength: 200 })),
      record_sha256: Type.Optional(Type.String({ maxLength: 64, description: 'The SHA-256 of the signed repair record (GET /v1/visits/{id}/record).' })),
    },
    { additionalProperties: false, description: 'scheduled and rescheduled: the window (and where it was before); completed: the test result, the parts used, who signed and the record\'s hash.' },
  ),
  'A field visit booked, moved, checked in, completed with the signed repair record, cancelled or missed (no_show); the body holds the note or the work summary.',
);
const TIMELINE_ENTRIES = [TimelineNoteEntry, TimelineActionEntry, TimelineAssignmentEntry, TimelineDecisionEntry, TimelineSlaEntry, TimelineSurveyEntry, TimelineVisitEntry];
for (const e of TIMELINE_ENTRIES) registerShared(e);

/** A timeline entry: one of the kinds above, told apart by `entry`. */
export const TimelineEntrySchema = Type.Unsafe<Static<(typeof TIMELINE_ENTRIES)[number]>>({
  $id: 'TimelineEntry',
  description: 'One entry of a ticket\'s timeline; `entry` says which kind, and so what `action` and `data` hold.',
  oneOf: TIMELINE_ENTRIES.map((e) => ({ $ref: `${(e as { $id?: string }).$id}#` })),
  discriminator: {
    propertyName: 'entry',
    mapping: Object.fromEntries(TIMELINE_ENTRIES.map((e) => [e.properties.entry.const, `#/components/schemas/${(e as { $id?: string }).$id}`])),
  },
});
registerShared(TimelineEntrySchema as never);
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
