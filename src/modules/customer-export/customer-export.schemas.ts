import Type from 'typebox';
import { Timestamp, Uuid, ref, registerShared } from '../../http/schemas.ts';
import { AssetSchema } from '../assets/assets.schemas.ts';
import { AuditEntrySchema } from '../audit/audit.schemas.ts';
import { ChurnRiskSchema, CustomerSchema } from '../customers/customers.schemas.ts';
import { EventSchema } from '../events/events.schemas.ts';
import { SlaBreachSchema } from '../sla/sla-breaches.schemas.ts';
import { SurveySchema } from '../surveys/surveys.schemas.ts';
import { TicketSchema, TimelineEntrySchema } from '../tickets/tickets.schemas.ts';
import { VisitSchema } from '../visits/visits.schemas.ts';

const many = <T extends Parameters<typeof ref>[0]>(schema: T, description: string) => Type.Array(ref(schema), { maxItems: 1_000_000, description });

export const CustomerExportSchema = Type.Object(
  {
    exported_at: Timestamp,
    customer: ref(CustomerSchema),
    assets: many(AssetSchema, 'The customer\'s registered products.'),
    tickets: many(TicketSchema, 'Every ticket of the customer, oldest first, as GET /v1/tickets/{id} shows it (with its SLA clocks).'),
    timelines: Type.Array(
      Type.Object(
        { ticket_id: Uuid, entries: many(TimelineEntrySchema, 'The ticket\'s timeline, oldest first.') },
        { additionalProperties: false, description: 'One ticket\'s timeline.' },
      ),
      { maxItems: 1_000_000, description: 'The timeline of each ticket (notes, calls, status changes, assignments, SLA records).' },
    ),
    sla_breaches: many(SlaBreachSchema, 'SLA breaches and warnings recorded on the customer\'s tickets.'),
    surveys: many(SurveySchema, 'Satisfaction surveys and their answers (tokens are never kept, so never exported).'),
    visits: many(VisitSchema, 'On-site visits, with their repair records.'),
    churn_scores: many(ChurnRiskSchema, 'Every churn-risk score the scan computed, newest first.'),
    events: many(EventSchema, 'The events about the customer and its products, tickets, surveys and visits, in feed order.'),
    audit: many(AuditEntrySchema, 'The audit trail of changes to the customer and its records (who changed which fields, when).'),
  },
  {
    $id: 'CustomerExport',
    additionalProperties: false,
    description: 'Everything the service holds about one customer, for a data-subject request (access or portability).',
  },
);
registerShared(CustomerExportSchema);
