import Type, { type Static } from 'typebox';
import { VISIT_STATUSES } from '../../domain/visit-workflow.ts';
import { Currency, ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, ref, registerShared } from '../../http/schemas.ts';

const Int = (max: number, extra: Record<string, unknown> = {}) => Type.Integer({ format: 'int32', minimum: 0, maximum: max, ...extra });
const Money = Type.Integer({ format: 'int64', minimum: 0, maximum: 1_000_000_000_000_000, description: 'Minor units of currency (fen, cents).' });

const PartLine = Type.Object(
  {
    part_id: Uuid,
    quantity: Type.Integer({ format: 'int32', minimum: 1, maximum: 10_000 }),
  },
  { additionalProperties: false },
);
const PartLines = (description: string) => Type.Array(PartLine, { maxItems: 50, description });

export const VisitStatus = StringEnum(VISIT_STATUSES, {
  description: 'scheduled → checked_in → completed, or cancelled / no_show (both free the slot).',
});

export const VisitSchema = Type.Object(
  {
    id: Uuid,
    ticket_id: Uuid,
    customer_id: Uuid,
    technician_id: Uuid,
    status: VisitStatus,
    window_start: Timestamp,
    window_end: Timestamp,
    buffer_minutes: Int(720, { description: 'The technician\'s travel buffer when the visit was booked or last rescheduled: kept free after window_end.' }),
    holds_until: { ...Timestamp, description: 'window_end plus the travel buffer: the technician\'s slot is [window_start, holds_until).' },
    outside_hours: Type.Boolean({ description: 'Booked outside the technician\'s working hours (emergency service), with outside_hours_reason.' }),
    outside_hours_reason: Nullable(Type.String({ maxLength: 500 })),
    planned_parts: PartLines('Parts the technician should bring.'),
    notes: Nullable(Type.String({ maxLength: 2000 })),
    checked_in_at: Nullable(Timestamp),
    completed_at: Nullable(Timestamp),
    cancelled_at: Nullable(Timestamp),
    cancel_reason: Nullable(Type.String({ maxLength: 500 })),
    no_show_at: Nullable(Timestamp),
    reminder_sent_at: Nullable({ ...Timestamp, description: 'When visit.reminder_due was emitted; null until then (a reschedule clears it).' }),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Int(2_147_483_647),
  },
  { $id: 'Visit', additionalProperties: false },
);
registerShared(VisitSchema);
export const VisitPage = Page(VisitSchema, 'VisitPage');
registerShared(VisitPage);

const Reason = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' });
const Window = {
  window_start: { ...Timestamp, description: 'When the technician is expected, as agreed with the customer.' },
  window_end: { ...Timestamp, description: 'The end of the agreed window; after window_start, at most 24 hours later.' },
};
const OutsideHours = {
  outside_hours: Type.Optional(Type.Boolean({ description: 'true: book outside the technician\'s working hours (weekend or holiday emergency service); needs reason.' })),
  reason: Type.Optional({ ...Reason, description: 'Why the visit is outside working hours.' }),
};

export const CreateVisit = Type.Object(
  {
    technician_id: Uuid,
    ...Window,
    ...OutsideHours,
    planned_parts: Type.Optional(PartLines('Parts the technician should bring (not reserved: stock moves when the visit is completed).')),
    notes: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type CreateVisit = Static<typeof CreateVisit>;

export const UpdateVisit = Type.Object(
  {
    technician_id: Type.Optional(Uuid),
    window_start: Type.Optional(Window.window_start),
    window_end: Type.Optional(Window.window_end),
    ...OutsideHours,
    planned_parts: Type.Optional(PartLines('Parts the technician should bring.')),
    notes: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 2000 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateVisit = Static<typeof UpdateVisit>;

export const VisitNoteBody = Type.Object(
  { note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Written on the ticket\'s timeline with the step.' })) },
  { additionalProperties: false },
);
export type VisitNoteBody = Static<typeof VisitNoteBody>;

export const CancelVisitBody = Type.Object({ reason: { ...Reason, description: 'Why the visit is called off.' } }, { additionalProperties: false });
export type CancelVisitBody = Static<typeof CancelVisitBody>;

/** The longest signature accepted (characters of the data URL or SVG path). */
export const SIGNATURE_MAX_LENGTH = 100_000;

const Signoff = Type.Object(
  {
    signed_by: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'The name of the person who signed (the customer or their representative).' }),
    signature: Type.String({
      minLength: 1,
      maxLength: SIGNATURE_MAX_LENGTH,
      description: 'The signature: a PNG or JPEG image as a base64 data URL (data:image/png;base64,…), or an SVG path (the d attribute: M 10 10 L 40 20 …) in a 400 × 150 box.',
    }),
    signed_at: { ...Timestamp, description: 'When the customer signed: not in the future, not before check-in.' },
  },
  { additionalProperties: false, description: 'The customer\'s sign-off (客户签字确认): required.' },
);

export const CompleteVisitBody = Type.Object(
  {
    work_summary: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S', description: 'The work done.' }),
    test_passed: Type.Boolean({ description: 'Whether the test after the repair passed (the fault is gone).' }),
    test_notes: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'How it was tested.' })),
    parts_used: Type.Optional(PartLines('Parts used: they leave stock in the completion\'s transaction (409 naming the part when one is short; then nothing is written).')),
    signoff: Signoff,
  },
  { additionalProperties: false },
);
export type CompleteVisitBody = Static<typeof CompleteVisitBody>;

export const VisitListQuery = Type.Object(
  {
    ...ListQueryBase,
    technician_id: Type.Optional(Uuid),
    ticket_id: Type.Optional(Uuid),
    customer_id: Type.Optional(Uuid),
    status: Type.Optional(VisitStatus),
    from: Type.Optional({ ...Timestamp, description: 'Only visits whose window starts at or after this instant.' }),
    to: Type.Optional({ ...Timestamp, description: 'Only visits whose window starts before this instant.' }),
  },
  { additionalProperties: false },
);
export type VisitListQuery = Static<typeof VisitListQuery>;

const RecordPart = Type.Object(
  {
    part_id: Uuid,
    sku: Type.String({ maxLength: 100 }),
    name: Type.String({ maxLength: 200 }),
    quantity: Type.Integer({ format: 'int32', minimum: 1, maximum: 10_000 }),
    unit_price: Money,
    currency: Currency,
    amount: { ...Money, description: 'What the customer pays for this line: unit_price × quantity when the repair is chargeable, else 0.' },
  },
  { additionalProperties: false },
);

export const RepairRecordSchema = Type.Object(
  {
    format: Type.Literal('aftercare.repair-record/1', { description: 'The record\'s layout; the hash covers its canonical JSON (RFC 8785).' }),
    visit: Type.Object(
      { id: Uuid, window_start: Timestamp, window_end: Timestamp, outside_hours: Type.Boolean(), checked_in_at: Timestamp, completed_at: Timestamp },
      { additionalProperties: false },
    ),
    ticket: Type.Object(
      {
        id: Uuid,
        number: Type.String({ maxLength: 32 }),
        type: Type.String({ maxLength: 32 }),
        category: Type.String({ maxLength: 100 }),
        subject: Type.String({ maxLength: 300 }),
        reported_at: Timestamp,
      },
      { additionalProperties: false },
    ),
    customer: Type.Object(
      { id: Uuid, name: Type.String({ maxLength: 200 }), address: Nullable(Type.String({ maxLength: 500 })) },
      { additionalProperties: false },
    ),
    product: Nullable(
      Type.Object(
        { asset_id: Uuid, product_model: Type.String({ maxLength: 200 }), serial_number: Nullable(Type.String({ maxLength: 100 })), warranty_until: Nullable(Type.String({ maxLength: 10 })) },
        { additionalProperties: false },
      ),
    ),
    technician: Type.Object({ id: Uuid, name: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
    work_summary: Type.String({ maxLength: 5000 }),
    test_passed: Type.Boolean(),
    test_notes: Nullable(Type.String({ maxLength: 2000 })),
    parts: Type.Array(RecordPart, { maxItems: 50 }),
    warranty: Type.Object(
      {
        result: StringEnum(['in_warranty', 'out_of_warranty', 'misuse'] as const),
        chargeable: Type.Boolean(),
        basis: StringEnum(['ticket_decision', 'product_record'] as const, {
          description: 'ticket_decision: the ticket was already resolved with a warranty decision; product_record: decided from the product\'s warranty_until and the day the ticket was reported.',
        }),
      },
      { additionalProperties: false, description: 'What decides whether the parts are charged.' },
    ),
    charges: Type.Object(
      { currency: Nullable(Currency), parts_total: Money },
      { additionalProperties: false, description: 'The parts charges of this visit (labour and travel are added at resolve).' },
    ),
    signoff: Signoff,
  },
  { $id: 'RepairRecord', additionalProperties: false, description: 'The repair record (维修记录) the customer signed, frozen at completion.' },
);
registerShared(RepairRecordSchema);
export type RepairRecord = Static<typeof RepairRecordSchema>;

export const VisitRecordSchema = Type.Object(
  {
    visit_id: Uuid,
    ticket_id: Uuid,
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$', maxLength: 64, description: 'SHA-256 of the record\'s canonical JSON (RFC 8785), in hex, stored at completion.' }),
    verifies: Type.Boolean({ description: 'Whether the record as stored now still hashes to sha256.' }),
    created_at: Timestamp,
    record: ref(RepairRecordSchema),
  },
  { $id: 'VisitRecord', additionalProperties: false },
);
registerShared(VisitRecordSchema);
