import type { Clock } from '../../clock.ts';
import { sequenceEvents } from '../../db/outbox.ts';
import type { Db } from '../../db/types.ts';
import { notFound } from '../../domain/errors.ts';
import { present as presentAsset } from '../assets/assets.service.ts';
import { presentAuditEntry } from '../audit/audit.service.ts';
import { present as presentCustomer } from '../customers/customers.service.ts';
import { presentEvent } from '../events/events.service.ts';
import { presentBreach } from '../sla/sla-breaches.service.ts';
import { present as presentSurvey } from '../surveys/surveys.service.ts';
import { presentTimeline, ticketViews } from '../tickets/ticket.view.ts';
import { present as presentVisit } from '../visits/visits.service.ts';
import * as repo from './customer-export.repository.ts';

/**
 * GET /v1/customers/{id}/export: everything the service holds about a customer, for a
 * data-subject request: the customer, its products, tickets with their timelines and clocks,
 * SLA breaches, surveys (never their tokens), visits, churn scores, the events about any of
 * them and the audit trail of each. Erased customers export what erasure left.
 */
export async function exportCustomer(deps: { db: Db; clock: Clock }, id: string) {
  const now = deps.clock.now();
  // Number what has committed, as the feed does, so the export's events are the feed's.
  await sequenceEvents(deps.db);
  const customer = await repo.customerRow(deps.db, id);
  if (!customer) throw notFound('customer', id);
  const [assets, ticketIds, surveys, visits, breaches, scores] = await Promise.all([
    repo.assetsOf(deps.db, id),
    repo.ticketIdsOf(deps.db, id),
    repo.surveysOf(deps.db, id),
    repo.visitsOf(deps.db, id),
    repo.breachesOf(deps.db, id),
    repo.churnScoresOf(deps.db, id),
  ]);
  const [tickets, timeline] = await Promise.all([ticketViews(deps.db, ticketIds, now), repo.timelineOf(deps.db, ticketIds)]);
  const ids = [id, ...assets.map((a) => a.id), ...ticketIds, ...surveys.map((s) => s.id), ...visits.map((v) => v.id)];
  const [events, audit] = await Promise.all([
    repo.eventsOf(deps.db, ids),
    repo.auditOf(deps.db, { types: ['customer', 'asset', 'ticket', 'survey', 'visit'], ids }),
  ]);
  const timelines = new Map<string, ReturnType<typeof presentTimeline>[]>(ticketIds.map((t) => [t, []]));
  for (const entry of timeline) timelines.get(entry.ticket_id)!.push(presentTimeline(entry));
  return {
    exported_at: now.toISOString(),
    customer: presentCustomer(customer),
    assets: assets.map(presentAsset),
    // Oldest first (ids are time-ordered), as the timelines.
    tickets: tickets.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    timelines: [...timelines].map(([ticket_id, entries]) => ({ ticket_id, entries })),
    sla_breaches: breaches.map(presentBreach),
    surveys: surveys.map((s) => presentSurvey(s)),
    visits: visits.map(presentVisit),
    churn_scores: scores.map((s) => ({ score: s.score, level: s.level, factors: s.factors as never, scored_at: s.scored_at.toISOString() })),
    // Stored events were checked against their schemas when written.
    events: events.map(presentEvent) as never[],
    audit: audit.map(presentAuditEntry),
  };
}
