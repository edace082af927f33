/*
 * The life of a repair ticket through the TypeScript SDK generated from openapi/openapi.json
 * (@hey-api/openapi-ts, fetch client), as an integrator writes it: every request and answer
 * typed by the document, no cast, no raw Response, no untyped header bag. sdk.test.ts
 * generates the SDK, compiles this file with strict tsc, then runs it against a live server.
 */
import { createClient, createConfig } from './.generated/client/index.ts';
import {
  assetsCreate,
  customersCreate,
  eventsList,
  publicSurveysAnswer,
  publicSurveysGet,
  surveysCreate,
  techniciansCreate,
  ticketsAddNote,
  ticketsAssign,
  ticketsCreate,
  ticketsFollowUp,
  ticketsGet,
  ticketsHold,
  ticketsList,
  ticketsResolve,
  ticketsResume,
  ticketsSla,
  ticketsStart,
  ticketsTimeline,
  ticketsUpdate,
  type Problem,
  type Ticket,
  type TimelineEntry,
} from './.generated/index.ts';

export interface RoundTripReport {
  ticket: Ticket;
  technicianId: string;
  assignedTo: string | null;
  timeline: TimelineEntry[];
  warrantyResult: string | null;
  chargesTotal: number | null;
  slaMetrics: string[];
  listedIds: string[];
  listPages: number;
  feedTypes: string[];
  feedTicketStatuses: string[];
  surveyQuestions: number;
  answeredAt: string;
  replayedSameTicket: boolean;
  stale: Problem | undefined;
}

export async function roundTrip(baseUrl: string, apiKey: string, run: string): Promise<RoundTripReport> {
  const client = createClient(createConfig({ baseUrl, auth: apiKey }));
  // Every call below throws on an error answer, so its data is typed as the success body.
  const api = { client, throwOnError: true } as const;
  const customerFacing = { client: createClient(createConfig({ baseUrl })), throwOnError: true } as const;

  // A customer (客户) of the south region with the oven they bought, and a technician there.
  const { data: customer } = await customersCreate({ ...api, body: { name: `张伟 ${run}`, phone: '+86 138 0013 8000', region: 'south', tier: 'vip' } });
  const { data: asset } = await assetsCreate({
    ...api,
    path: { id: customer.id },
    body: { product_model: 'Oven X200 蒸烤箱', category: 'oven', serial_number: `X200-${run}`, purchased_on: '2026-01-10', warranty_until: '2028-01-10' },
  });
  const { data: technician } = await techniciansCreate({ ...api, body: { name: `Li Na ${run}`, tier: 1, regions: ['south'], skills: ['oven'], max_open_tickets: 10 } });

  // Intake (受理), then routing by region, skill and load.
  const { data: created } = await ticketsCreate({
    ...api,
    headers: { 'Idempotency-Key': `create-${run}` },
    body: { customer_id: customer.id, asset_id: asset.id, type: 'repair', channel: 'phone', category: 'oven', subject: '烤箱不加热 / oven does not heat', priority: 'high' },
  });
  // A retry with the same Idempotency-Key answers the same ticket again.
  const { data: replayed } = await ticketsCreate({
    ...api,
    headers: { 'Idempotency-Key': `create-${run}` },
    body: { customer_id: customer.id, asset_id: asset.id, type: 'repair', channel: 'phone', category: 'oven', subject: '烤箱不加热 / oven does not heat', priority: 'high' },
  });
  const { data: assigned } = await ticketsAssign({ ...api, path: { id: created.id }, body: { auto: true } });
  await ticketsStart({ ...api, path: { id: created.id } });
  await ticketsAddNote({ ...api, path: { id: created.id }, body: { kind: 'call', visibility: 'customer', body: '已联系客户，预约明天上门 / visit booked for tomorrow' } });
  await ticketsHold({ ...api, path: { id: created.id }, body: { reason: 'waiting_parts', note: 'Heating element ordered' } });
  await ticketsResume({ ...api, path: { id: created.id } });

  // A change based on a version the ticket has moved past is refused, and changes nothing.
  const stale = await ticketsUpdate({ client, path: { id: created.id }, headers: { 'If-Match': `"${created.version}"` }, body: { priority: 'urgent' } });

  const { data: resolved } = await ticketsResolve({
    ...api,
    path: { id: created.id },
    body: {
      method: 'repair',
      summary: '更换加热管 / replaced the heating element',
      warranty: 'out_of_warranty',
      warranty_override_reason: 'Water damage found inside the door seal',
      charges: { currency: 'CNY', items: [{ kind: 'parts', description: '加热管 heating element', amount: 12000 }, { kind: 'labour', description: 'Labour', amount: 8000 }] },
    },
  });

  // The customer answers the survey through the public routes, with the token only.
  const { data: survey } = await surveysCreate({ ...api, path: { id: created.id } });
  const token = survey.token ?? '';
  const { data: questions } = await publicSurveysGet({ ...customerFacing, path: { token } });
  const { data: answer } = await publicSurveysAnswer({ ...customerFacing, path: { token }, body: { csat: 5, nps: 9, dimensions: { speed: 4, attitude: 5 }, comment: '师傅很专业 / very professional' } });

  // Follow-up (回访): satisfied closes the ticket.
  const { data: closed } = await ticketsFollowUp({ ...api, path: { id: created.id }, body: { outcome: 'satisfied', note: 'Oven works again' } });

  const { data: timeline } = await ticketsTimeline({ ...api, path: { id: created.id } });
  const { data: sla } = await ticketsSla({ ...api, path: { id: created.id } });
  const { data: fetched } = await ticketsGet({ ...api, path: { id: closed.id } });

  // A filtered list, followed over its pages.
  for (let i = 0; i < 5; i++) {
    await ticketsCreate({ ...api, body: { customer_id: customer.id, type: 'maintenance', channel: 'app', category: `filter-${run}`, subject: `保养 maintenance ${i}` } });
  }
  const listedIds: string[] = [];
  let cursor: string | undefined;
  let listPages = 0;
  do {
    const { data: page } = await ticketsList({ ...api, query: { category: `filter-${run}`, limit: 2, ...(cursor ? { cursor } : {}) } });
    listPages++;
    listedIds.push(...page.data.map((t) => t.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);

  // The event feed: each event's data is typed by its type.
  const feedTypes: string[] = [];
  const feedTicketStatuses: string[] = [];
  let after: string | undefined;
  for (;;) {
    const { data: page } = await eventsList({ ...api, query: { limit: 1000, ...(after ? { after } : {}) } });
    for (const event of page.data) {
      if (event.resource.id !== created.id && event.resource.id !== survey.id) continue;
      feedTypes.push(event.type);
      if (event.type === 'ticket.created' || event.type === 'ticket.status_changed' || event.type === 'ticket.resolved' || event.type === 'ticket.closed') {
        feedTicketStatuses.push(event.data.status);
      }
    }
    if (page.data.length === 0) break;
    after = page.next_cursor;
  }

  return {
    ticket: fetched,
    technicianId: technician.id,
    assignedTo: assigned.technician_id,
    timeline: timeline.data,
    warrantyResult: resolved.warranty_decision?.result ?? null,
    chargesTotal: resolved.resolution?.charges?.total ?? null,
    slaMetrics: Object.keys(sla.metrics),
    listedIds,
    listPages,
    feedTypes,
    feedTicketStatuses,
    surveyQuestions: questions.questions.length,
    answeredAt: answer.answered_at,
    replayedSameTicket: replayed.id === created.id,
    stale: stale.error,
  };
}
