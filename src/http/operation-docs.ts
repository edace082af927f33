import { AUDIT_RESOURCES } from '../db/audit.ts';

/**
 * The words of the OpenAPI document: every operation's summary and description, by
 * operationId, in one place a writer can read through. The roles that may call an operation
 * are not written here: they are added from the route's own `access` (http/openapi.ts), so the
 * document cannot disagree with what the service enforces. test/openapi.test.ts checks every
 * operation has an entry and every entry an operation.
 */
export const OPERATION_DOCS: Record<string, { summary: string; description: string }> = {
  // operations
  'operations.health': {
    summary: 'The process is alive',
    description: 'Answers 200 while the process runs, without touching the database: for a liveness probe. Not rate limited.',
  },
  'operations.ready': {
    summary: 'The database is reachable and migrated',
    description: 'Answers 200 when the database answers and every migration has run, 503 otherwise; it recovers by itself when the database is back. For a readiness probe. Not rate limited.',
  },
  'operations.metrics': {
    summary: 'Prometheus metrics (text format)',
    description: 'Request durations by route pattern and status, job runs, process and heap figures, in the Prometheus text format. Never carries ids, search terms or personal data.',
  },

  // api keys
  'apiKeys.create': {
    summary: 'Create an API key; its secret is in this response only',
    description:
      'Creates a key with one role (technician keys are bound to a technician with technician_id). The secret (`ak_…`) is shown in this response only; only its SHA-256 is stored, so a lost secret means a new key. Refuses an expiry in the past and a technician binding that does not fit the role (422).',
  },
  'apiKeys.list': { summary: 'List API keys (never their secrets)', description: 'Every key with its role, prefix, expiry, revocation and last use, newest first; keyset-paginated.' },
  'apiKeys.get': { summary: 'Get one API key', description: 'The key with its role, prefix, expiry, revocation and last use; never its secret.' },
  'apiKeys.revoke': {
    summary: 'Revoke a key at once; revoking a revoked key returns it unchanged',
    description:
      'Revokes the key on every instance within milliseconds (the revoking instance before it answers). With If-Match, 412 when the key changed since it was read. Refuses to revoke the last working admin key (409): create another admin key first.',
  },

  // customers
  'customers.create': {
    summary: 'Create a customer',
    description:
      'Creates a customer (客户) with name, contact data, region and tier. An external_ref (the CRM\'s id) must be unique: a duplicate gets 409 — use PUT /v1/customers/by-external-ref/{ref} to upsert instead.',
  },
  'customers.list': {
    summary: 'List and search customers',
    description:
      'Newest first, or with updated_since oldest change first for incremental sync. `q` finds customers whose name, phone or email contains every word given, in Chinese or Latin script; filters by status, tier, region and tag.',
  },
  'customers.get': { summary: 'Get one customer', description: 'The customer with its version (also in the ETag).' },
  'customers.update': {
    summary: 'Change some fields of a customer',
    description: 'Changes the fields sent; send If-Match with the ETag to refuse a stale write (412). status cannot be set here. An erased customer cannot be changed (409).',
  },
  'customers.erase': {
    summary: 'Erase a customer\'s personal data on request',
    description:
      'Scrubs name, phone, email, address, tags, churn score and external_ref; keeps the record (status erased), its region, tier, products and tickets for statistics, and rewrites earlier events about it. Erasing again returns the erased record unchanged.',
  },
  'customers.export': {
    summary: 'Export everything held about a customer (data-subject request)',
    description:
      'One JSON document with the customer, its products, every ticket with its SLA clocks and timeline, SLA breaches, surveys (without tokens, which are never stored), visits with their repair records, churn scores, the events about any of these and their audit trail. For access and portability requests; erasure is DELETE /v1/customers/{id}. Sent as an attachment (Content-Disposition).',
  },
  'customers.upsertByExternalRef': {
    summary: 'Create (201) or replace (200) the customer with the CRM\'s id',
    description: 'Replaces the whole record (fields left out return to their defaults) or creates it. Concurrent PUTs of a new ref create one record. An erased customer cannot be replaced (409).',
  },
  'customers.churnRisk': {
    summary: 'A customer\'s churn risk, with its factors and history',
    description: 'The latest churn-risk score (0–100) with each factor\'s contribution, its level, and the scores of earlier scans, newest first.',
  },

  // assets
  'assets.create': {
    summary: 'Register a product the customer owns',
    description:
      'Adds a product (model, serial number, purchase and warranty dates, proof of purchase) to the customer. Dates must agree with each other (422 naming the fields); an erased customer cannot be given products (409).',
  },
  'assets.list': { summary: 'List products', description: 'Every product, or one customer\'s (customer_id), newest first or by updated_since; keyset-paginated.' },
  'assets.get': { summary: 'Get one product', description: 'The product with its warranty dates and version.' },
  'assets.update': { summary: 'Change some fields of a product', description: 'Changes the fields sent, with If-Match for a safe write (412 when stale); the dates must still agree (422).' },

  // technicians
  'technicians.create': {
    summary: 'Create a technician',
    description: 'A technician (技术员) with tier (1 frontline, 2 specialist, 3 technical support), regions, skills (ticket categories) and max_open_tickets; routing picks among them.',
  },
  'technicians.list': { summary: 'List technicians', description: 'Filters by tier, region, skill and active. A technician key sees only itself.' },
  'technicians.get': { summary: 'Get one technician', description: 'The technician with its current open_tickets. A technician key may read only itself (404 otherwise).' },
  'technicians.update': {
    summary: 'Change some fields of a technician',
    description: 'Changes tier, regions, skills, capacity or active, with If-Match (412 when stale). Lowering max_open_tickets below the current load keeps the tickets; routing just stops adding.',
  },
  'technicians.workload': {
    summary: 'A technician\'s open tickets and upcoming visits',
    description: 'How many open tickets the technician holds, by status and by priority, the oldest of them, and the next visits not yet over in schedule order. A technician key may read only its own.',
  },

  // tickets
  'tickets.create': {
    summary: 'Open a ticket for a customer (by id or by CRM id)',
    description:
      'Intake (受理): opens a ticket with type, channel, category, priority and subject for exactly one of customer_id and customer_external_ref, optionally about one of the customer\'s products. The matching SLA policy starts its clocks; route it with POST /v1/tickets/{id}/assign. Refuses an unknown customer, a product of another customer, a future reported_at, a major flag on a non-complaint and a ticket no SLA policy matches (422); an erased customer or a duplicate external_ref (409).',
  },
  'tickets.list': {
    summary: 'List tickets',
    description:
      'Filters by status, priority, type, channel, category, customer, technician, tier, SLA state and dates; newest first, or oldest change first with updated_since. A technician key sees only its own tickets.',
  },
  'tickets.get': { summary: 'Get one ticket', description: 'The ticket with its SLA block (per metric: due_at, state, completed_at, breached_at). A technician key sees only its own (404 otherwise).' },
  'tickets.update': {
    summary: 'Change fields of a ticket (never its status)',
    description:
      'Changes type, priority, category, subject, description, asset, external_ref or the major-complaint flag, with If-Match (412 when stale); the clocks are recomputed when the priority changes. Status changes go through the actions. A closed or cancelled ticket cannot be changed (409).',
  },
  'tickets.addNote': {
    summary: 'Add a note to the ticket\'s timeline',
    description: 'A comment, call, email, SMS or chat note, internal or visible to the customer; the first customer-visible note by staff completes the first-response clock.',
  },
  'tickets.sla': {
    summary: 'The SLA clocks explained',
    description:
      'Per metric: the policy and calendar used, the target, each running and paused segment with its business minutes, time remaining or overdue, and the due date, so a person can check the arithmetic by hand.',
  },
  'tickets.timeline': { summary: 'The ticket\'s timeline, oldest first', description: 'Every note, action, assignment, warranty decision, SLA warning and breach and survey of the ticket, oldest first; keyset-paginated.' },
  'tickets.assign': {
    summary: 'Assign to a technician, or route automatically',
    description:
      'With technician_id: that technician takes the ticket (409 when at capacity or inactive). With `auto: true`: the least loaded active technician of the ticket\'s tier, serving the customer\'s region and skilled in its category, takes it; when nobody fits, 409 with `routing` counting who passed each filter.',
  },
  'tickets.start': { summary: 'The technician starts work', description: 'From assigned to in_progress. A technician key may act only on its own tickets.' },
  'tickets.hold': {
    summary: 'Put on hold, waiting for the customer or for parts',
    description: 'From in_progress to on_hold with a reason (waiting_customer or waiting_parts); the clocks pause when the ticket\'s SLA policy lists that reason in pause_on.',
  },
  'tickets.resume': { summary: 'Resume work after a hold', description: 'From on_hold back to in_progress; a paused clock runs again.' },
  'tickets.escalate': {
    summary: 'Move to the next tier, with a reason',
    description: 'Raises the tier (1 → 2 → 3), releases the current technician and routes the ticket to the new tier. Tier 3 cannot be escalated further (409 with `tier`).',
  },
  'tickets.resolve': {
    summary: 'Resolve with method, summary and the warranty decision',
    description:
      'From in_progress to resolved: records the method (repair, replacement, refund, advice, …), a summary, the warranty decision checked against the product record, and charges. Refuses charges on in-warranty work, a replacement without proof of purchase, a finding against the record without a reason, and a complaint without root cause (422). Queues the satisfaction survey.',
  },
  'tickets.followUp': {
    summary: 'Record the follow-up call (回访)',
    description: 'On a resolved ticket: satisfied closes it, not_satisfied reopens it to in_progress, unreachable records the attempt and leaves it resolved.',
  },
  'tickets.reopen': { summary: 'Reopen a resolved ticket', description: 'From resolved back to in_progress, with a reason; counts as a reopen in reports and churn risk.' },
  'tickets.close': { summary: 'Close a resolved ticket', description: 'From resolved to closed; a closed ticket cannot be changed again.' },
  'tickets.cancel': { summary: 'Cancel an open ticket', description: 'From any open status to cancelled, with a reason; releases the technician.' },

  // sla
  'calendars.create': {
    summary: 'Create a business calendar',
    description: 'Working hours per weekday in a time zone, with holidays and weekend make-up workdays (调休). Refuses spans that overlap or end before they start, unknown time zones and workdays that are not weekends (422).',
  },
  'calendars.list': { summary: 'List business calendars', description: 'Every calendar, newest first; keyset-paginated.' },
  'calendars.get': { summary: 'Get one business calendar', description: 'The calendar with its hours, holidays, workdays and version.' },
  'calendars.update': {
    summary: 'Change a business calendar',
    description: 'Changes hours, holidays or workdays, with If-Match (412 when stale); the clocks of open tickets using it are recomputed in the background (sla-recompute).',
  },
  'slaPolicies.create': {
    summary: 'Create an SLA policy',
    description:
      'Targets in business minutes (first response, resolution, follow-up) per priority, for the tickets its conditions match (type, channel, category, customer tier, region), with a calendar and a rank; the first matching active policy by rank applies. Refuses an unknown calendar (422).',
  },
  'slaPolicies.list': { summary: 'List SLA policies', description: 'Every policy, by rank; keyset-paginated.' },
  'slaPolicies.get': { summary: 'Get one SLA policy', description: 'The policy with its conditions, targets, calendar and version.' },
  'slaPolicies.update': {
    summary: 'Change an SLA policy',
    description: 'Changes targets, conditions, rank or active, with If-Match (412 when stale); open tickets\' clocks are recomputed in the background.',
  },
  'slaBreaches.list': {
    summary: 'List SLA breaches (or warnings)',
    description: 'Breaches (or, with kind=warning, warnings) as the sweep recorded them, newest first; filters by metric, ticket, technician and time. Each is recorded exactly once per ticket and metric.',
  },
  'followUps.list': {
    summary: 'The follow-up worklist (回访)',
    description: 'Resolved tickets whose follow-up call is not made yet, in order of due time (overdue first). A technician key sees only its own.',
  },

  // surveys and churn
  'surveys.create': {
    summary: 'Open a satisfaction survey for a ticket now',
    description: 'For a resolved or closed ticket (409 with current_status otherwise), at most one open per ticket (409). The one-time token and respond_url are in this response only.',
  },
  'surveys.list': { summary: 'List surveys', description: 'Filters by ticket, customer, technician, answered, csat range and dates; newest first.' },
  'surveys.get': { summary: 'Get one survey', description: 'The survey with its answer when given; never its token.' },
  'publicSurveys.get': {
    summary: 'The survey behind a token (for the customer)',
    description: 'For the customer\'s survey page, without an API key: the questions and what the survey is about, without personal data. An answered survey gets 409, an expired one 410, an unknown token 404.',
  },
  'publicSurveys.answer': {
    summary: 'Answer the survey, once',
    description: 'csat 1–5, nps 0–10, dimension scores and a comment. A second answer gets 409, an expired survey 410. A low csat opens a care ticket for service recovery, once.',
  },
  'churn.getModel': { summary: 'The churn model', description: 'The scoring window, each factor\'s weight and the medium and high thresholds.' },
  'churn.putModel': {
    summary: 'Replace the churn model',
    description: 'Applies from the next scan; with If-Match (412 when stale). Refuses thresholds out of order and all-zero weights (422).',
  },

  // parts
  'visits.create': {
    summary: 'Book a field visit on a ticket',
    description:
      'The window agreed with the customer, for one technician: on one of the technician\'s working days, between the start of the first and the end of the last working span of that day in their calendar (a break inside is fine), unless outside_hours: true with a reason (emergency service). A technician without a calendar takes any window. The slot is the window plus the technician\'s travel_buffer_minutes; two slots of one technician never overlap (the database decides between concurrent bookings): 409 with colliding_visit_id. Only on open tickets (409 otherwise). The ticket\'s timeline shows the booking; emits visit.scheduled.',
  },
  'visits.list': {
    summary: 'List field visits',
    description:
      'In schedule order (window_start, then id), or with updated_since oldest change first. Filter by technician_id, ticket_id, customer_id, status, and from/to on window_start (a technician\'s day: technician_id with from and to). Keyset-paginated. A technician key lists its own visits only.',
  },
  'visits.get': { summary: 'Get a field visit', description: 'The visit, its window and slot, and its status; the ETag carries its version. A technician key reads its own visits only (404 otherwise).' },
  'visits.update': {
    summary: 'Reschedule a field visit',
    description:
      'A new window or technician (the booking rules again: working hours, no overlap, 409 naming the colliding visit), or new notes and planned parts. Only while scheduled; with If-Match (412 when stale). A moved start clears reminder_sent_at, so the new time is reminded again. Emits visit.rescheduled when the window or technician moved, else visit.updated.',
  },
  'visits.checkIn': {
    summary: 'Check in on site',
    description: 'The technician has arrived: records checked_in_at. An on-site contact with the customer: the ticket\'s first response when none came before. Emits visit.checked_in.',
  },
  'visits.complete': {
    summary: 'Complete a visit with the customer\'s signed repair record',
    description:
      'In one transaction: the parts used leave stock (a part short of stock refuses the whole completion with 409, nothing written), the repair record (维修记录) is built (work, test result, parts with prices and charges per the warranty, the sign-off) and frozen with the SHA-256 of its canonical JSON; the database refuses any later change to it. The ticket\'s timeline shows it; emits visit.completed. The sign-off is required; its signature is a PNG or JPEG data URL or an SVG path.',
  },
  'visits.cancel': { summary: 'Cancel a visit', description: 'Only while scheduled; frees the slot, with the reason on the ticket\'s timeline. Emits visit.cancelled.' },
  'visits.noShow': {
    summary: 'Record that the customer was not there',
    description: 'Once the window has begun (409 before), while scheduled: frees the slot; the ticket stays open to book again. Emits visit.no_show.',
  },
  'visits.record': {
    summary: 'The signed repair record of a completed visit',
    description: 'The record as frozen at completion, its stored SHA-256, and whether the record as stored now still hashes to it (verifies). 409 while the visit is not completed.',
  },
  'visits.recordPdf': {
    summary: 'The service report the customer signed, as a PDF',
    description:
      'The repair record rendered for the customer: customer, product and serial, work done, test result, parts with prices, charges per the warranty, the signature with signer and time, and the hash, in Chinese and English. 409 while the visit is not completed.',
  },
  'reports.kpis': {
    summary: 'Service KPIs over a period, by group',
    description:
      'Per technician, tier, region, category, type, channel, day or week (Monday first; days and weeks begin in `tz`), and in total: tickets created and resolved, first-response and resolution business minutes (p50, p90, per the ticket\'s SLA calendar, pauses excluded), SLA met %, follow-ups done % (of those due), first-time fix % (resolved with at most one completed visit and never reopened), reopen %, complaints, CSAT average, NPS (% 9–10 minus % 0–6) and the QA score. Each figure counts in the period its event happened: creation, resolution, survey answer, review. With `Accept: text/csv` the same rows as CSV (UTF-8 with a byte-order mark), then a total line. Periods up to 1,100 days; default the last 30.',
  },
  'reports.appraisal': {
    summary: 'A technician\'s appraisal card (考核)',
    description:
      'The technician\'s figures for the period beside the team\'s (active technicians of the same tier sharing a region), the technician\'s place in the team on tickets resolved, resolution SLA met, first-time fix, CSAT and QA score, and the coaching notes of failed quality reviews. A technician key reads its own card only (another\'s is a 404).',
  },
  'qa.createScorecard': {
    summary: 'Create a quality scorecard',
    description: 'Weighted criteria (weights sum to 100; 422 otherwise), the pass score, and how much of each technician\'s weekly work qa-sampling queues. The newest scorecard is current: reviews queued from now on are scored on it; queued ones keep theirs.',
  },
  'qa.listScorecards': { summary: 'List quality scorecards', description: 'Newest first, the current one flagged.' },
  'qa.getScorecard': { summary: 'Get a quality scorecard', description: 'One scorecard, and whether it is the current one.' },
  'qa.listReviews': {
    summary: 'List quality reviews',
    description: 'The review queue (state=pending) or finished reviews (state=done; passed=false is the coaching list), by technician, newest first or by updated_since. qa-sampling fills the queue.',
  },
  'qa.getReview': { summary: 'Get a quality review', description: 'One review, pending or scored.' },
  'qa.scoreReview': {
    summary: 'Score a quality review',
    description:
      'A score 0–5 for every criterion of the review\'s scorecard (422 if one is missing or unknown). The review\'s score is Σ weight × score ÷ 5 (0–100); it passes at the scorecard\'s pass_score. A failed review keeps its coaching note, which the technician\'s appraisal card lists. Scored once: a done review is a 409.',
  },
  'articles.create': { summary: 'Write a knowledge-base article', description: 'A known fault: title, body, product category, symptoms, fix steps, tags. A draft unless status is published.' },
  'articles.list': {
    summary: 'List or search articles',
    description:
      'Newest first, filtered by status, product category or tag; with `q`, every word must occur in the title, symptoms or body (inside words too, Chinese and English alike), ranked by where: title 3, symptoms 2, body 1. Technician keys see published articles only.',
  },
  'articles.get': { summary: 'Get an article', description: 'With how many tickets it solved and when last. A draft is a 404 to a technician key.' },
  'articles.update': { summary: 'Change an article', description: 'Any field, with If-Match; publishing stamps published_at the first time.' },
  'articles.suggestForTicket': {
    summary: 'Articles that may solve a ticket',
    description:
      'Published articles ranked for the ticket: 0.6 × how much of the best-matching symptom the ticket\'s subject and description mention + 0.25 × the same for the title + 0.15 when the product category is the ticket\'s. Terms are English words (stemmed) and pairs of Chinese characters. For tier 1 to answer without escalating. A technician key asks for its own tickets only.',
  },
  'webhooks.create': {
    summary: 'Subscribe a URL to events',
    description:
      'url (https; http only to hosts in WEBHOOK_ALLOW_HTTP_HOSTS; never credentials or a non-public address: 422 webhook-url-refused) and events (types, resource.* patterns, or *). The secret is generated when not given and answered this once (whsec_…); it signs every delivery. The webhook receives the events committed from now on; replay reaches back.',
  },
  'webhooks.list': { summary: 'List webhooks', description: 'Keyset-paginated; active=false lists those switched off (by hand, or disabled after persistent failure).' },
  'webhooks.get': { summary: 'Get a webhook', description: 'Its URL, events, state, rotation and last success; never its secret. The ETag carries its version.' },
  'webhooks.update': {
    summary: 'Change a webhook, or rotate its secret',
    description:
      'url, events, description, active (true switches a disabled webhook on again, from now on). A new secret (given, or generated with rotate_secret: true and answered once) starts a rotation: deliveries carry two v1= signatures, old and new, until previous_secret_expires_in_minutes (default a day). With If-Match (412 when stale).',
  },
  'webhooks.delete': { summary: 'Delete a webhook', description: 'With its deliveries log; nothing more is sent. With If-Match (412 when stale).' },
  'webhooks.deliveries': {
    summary: 'A webhook\'s deliveries log',
    description: 'Newest first: status, attempts, next attempt, last response status and latency, the first kilobyte of the last response, why the last attempt failed. Filter by status, event_type, resource_id; keyset-paginated. Never the secret.',
  },
  'webhooks.delivery': { summary: 'One delivery', description: 'As in the log.' },
  'webhooks.retryDelivery': {
    summary: 'Deliver again',
    description: 'A pending delivery is tried now; a dead one comes back to life with a new 24-hour window; a succeeded one is sent again as a new delivery of the same event (kind retry). 409 while one is in flight.',
  },
  'webhooks.replay': {
    summary: 'Deliver again every event since a point',
    description: 'from: an event position (every matching event after it) or a time (every one that occurred at or after it): queued as new deliveries (kind replay), delivered in event order per resource, for a CRM that lost data. At most 100,000 events per call; to_position says where it stopped.',
  },
  'webhooks.ping': { summary: 'Send a test event', description: 'Queues a ping (type ping, data: the webhook) delivered and logged like any event, to check the URL and the signature.' },
  'parts.create': {
    summary: 'Add a spare part',
    description: 'sku is unique (409 when taken). stock is the opening balance, written to the ledger as an opening movement; afterwards stock changes only through movements.',
  },
  'parts.list': { summary: 'List spare parts', description: 'Filter by category, sku, active, or low_stock=true for the reorder list (stock at or below reorder_level); keyset-paginated.' },
  'parts.get': { summary: 'Get a spare part', description: 'With its stock, reorder level and whether it is low; the ETag carries its version.' },
  'parts.update': {
    summary: 'Change a spare part',
    description: 'Name, category, price, currency, reorder level, active; never stock (use movements). With If-Match (412 when stale). A reorder level raised to or above the stock emits part.low_stock.',
  },
  'parts.recordMovement': {
    summary: 'Receive, adjust or return stock',
    description:
      'One row of the append-only ledger and the stock change, in one transaction: received and returned add units; adjusted corrects the count either way and needs a reason. Stock never goes below zero: a withdrawal larger than the stock is 409 and changes nothing. Falling to or below the reorder level emits part.low_stock once per crossing. Answers the ledger row.',
  },
  'parts.movements': { summary: 'The stock ledger of a part', description: 'Every movement (opening, received, adjusted, returned, consumed) newest first, with the stock after it and who made it; stock is always their sum.' },

  // events, jobs, audit
  'events.list': {
    summary: 'The ordered feed of changes',
    description:
      'Every committed change as an event, in order. Follow next_cursor (never null) to see each event exactly once, even when writers commit out of order; filter with types. data is the resource as its GET returned it after the change.',
  },
  'jobs.list': { summary: 'Scheduled jobs with their last and next runs', description: 'Each job\'s schedule, its last run with counts and duration, and its next run.' },
  'jobs.run': {
    summary: 'Run a job now',
    description: 'Claims the job like a scheduled tick (exactly once across instances) and answers with the finished run; 409 when another instance started it at the same instant.',
  },
  'jobs.runs': { summary: 'Runs of a job, newest first', description: 'Start, finish, outcome and counts of each run; keyset-paginated.' },
  'audit.list': {
    summary: 'Who changed what',
    description: 'Changes to customers, assets, technicians and keys with actor, time, request id and the names of the fields changed (never their values), newest first or by updated_since.',
  },
};

/**
 * What each field means, by name: one field name means one thing across the API, so the
 * glossary gives every property and parameter that says nothing itself its description
 * (`Schema.field` or `operationId.field` for a name that means something else there). A
 * schema's own description always wins. test/openapi.test.ts checks none is left without.
 */
export const FIELD_DOCS: Record<string, string> = {
  sku: 'Stock-keeping unit: the part number, unique.',
  stock: 'Units in stock; changes only through movements, never below zero.',
  reorder_level: 'At or below this stock the part is low: it is on the reorder list and part.low_stock is emitted when stock falls to it.',
  stock_after: 'The part\'s stock after this movement.',
  tz: 'IANA timezone in which days and weeks (Monday first) begin. Default: the timezone of the default business calendar.',
  'reports.kpis.group_by': 'What rows are grouped by. Default technician.',
  // identity and bookkeeping
  version: 'Increases by one with every change; the ETag is this number, for If-Match.',
  data: 'The items of this page.',
  next_cursor: 'Pass as cursor to get the next page; null on the last page.',
  cursor: 'A next_cursor from the previous page of the same list.',
  limit: 'Items per page.',
  position: 'Order among SLA policies: the active policy with the lowest position that matches applies.',
  number: 'The ticket\'s human reference, e.g. SR-2026-000123.',
  ticket_number: 'The ticket\'s human reference, e.g. SR-2026-000123.',
  request_id: 'The X-Request-Id of the request that made the change.',
  name: 'A name people read.',
  'Customer.name': 'The customer\'s name (姓名 or company name); "erased" after erasure.',
  'customers.create.name': 'The customer\'s name (姓名 or company name).',
  'customers.update.name': 'The customer\'s name (姓名 or company name).',
  'customers.upsertByExternalRef.name': 'The customer\'s name (姓名 or company name).',
  'Technician.name': 'The technician\'s name.',
  'technicians.create.name': 'The technician\'s name.',
  'technicians.update.name': 'The technician\'s name.',
  'ApiKey.name': 'What the key is for, e.g. "Salesforce sync".',
  'ApiKeyCreated.name': 'What the key is for, e.g. "Salesforce sync".',
  'apiKeys.create.name': 'What the key is for, e.g. "Salesforce sync".',
  'Job.name': 'The job: sla-sweep, sla-recompute, churn-scan, survey-dispatch, follow-up-reminders, housekeeping.',
  role: 'The API key\'s role.',
  actor: 'Who did it.',
  resource: 'What was changed: its kind and id.',
  // customers and products
  kind: 'Which kind it is.',
  'Customer.kind': 'person: a consumer; company: a business customer.',
  'customers.create.kind': 'person: a consumer; company: a business customer.',
  'customers.update.kind': 'person: a consumer; company: a business customer.',
  'customers.upsertByExternalRef.kind': 'person: a consumer; company: a business customer.',
  'ProofOfPurchase.kind': 'The document: an invoice (发票), a receipt or an online order.',
  'assets.create.kind': 'The document: an invoice (发票), a receipt or an online order.',
  'assets.update.kind': 'The document: an invoice (发票), a receipt or an online order.',
  'SlaBreach.kind': 'breach: the due time passed; warning: the warning line (warn_at_percent of the target) passed.',
  'TicketSla.kind': 'running: the clock counted this span; paused: it stood still (see reason).',
  'tickets.addNote.kind': 'How the contact happened: an internal comment, a phone call, an email, an SMS, a chat.',
  'tickets.resolve.kind': 'labour: work time; parts: spare parts; visit: the call-out fee; other.',
  'AuditEntry.kind': 'api_key: a caller with a key; system: a scheduled job.',
  phone: 'A phone number, digits with an optional leading + and spaces, dashes, dots or brackets.',
  email: 'An email address.',
  address: 'The postal address, for visits.',
  region: 'The service region (服务区域), matched against technicians\' regions when routing.',
  regions: 'The regions this technician serves.',
  tags: 'Free labels for the CRM\'s own use.',
  tier: 'Support tier: 1 frontline, 2 specialist, 3 technical support.',
  'Customer.tier': 'Customer tier: vip, key (重点) or standard; SLA policies can match on it.',
  'customers.create.tier': 'Customer tier: vip, key (重点) or standard; SLA policies can match on it.',
  'customers.update.tier': 'Customer tier: vip, key (重点) or standard; SLA policies can match on it.',
  'customers.upsertByExternalRef.tier': 'Customer tier: vip, key (重点) or standard; SLA policies can match on it.',
  'customers.list.tier': 'Only customers of this tier.',
  'tickets.list.tier': 'Only tickets at this support tier.',
  external_ref: 'The CRM\'s own id for it: unique, so a retried create cannot make a second one.',
  status: 'Where it stands.',
  'Customer.status': 'active, at_risk or lost (kept by the churn scan), or erased.',
  'customers.list.status': 'Only customers in this lifecycle status.',
  'Ticket.status': 'Where the ticket stands in its workflow: new, assigned, in_progress, on_hold, resolved, closed or cancelled. Changed only by the actions.',
  'tickets.list.status': 'Only tickets in this status.',
  'Workload.status': 'The ticket\'s status.',
  'Survey.status': 'open: waiting for the customer; answered; expired: not answered in time.',
  'surveys.list.status': 'Only surveys in this status.',
  'PublicSurvey.status': 'open: waiting for the customer; answered; expired: not answered in time.',
  'PublicSurveyAnswered.status': 'The survey is now answered.',
  'JobRun.status': 'running, succeeded or failed.',
  product_model: 'The product model, e.g. Oven X200 蒸烤箱.',
  serial_number: 'The product\'s serial number (序列号).',
  category: 'The product category (e.g. oven, fridge, sofa); technicians list the categories they handle as skills.',
  proof_of_purchase: 'The purchase record that proves warranty: needed for a replacement.',
  reference: 'The number on the document (invoice or order number).',
  churn_risk: 'The latest churn-risk score, level and factors; null before the first scan.',
  lifecycle_status: 'active, at_risk (churn risk high), lost (no contact for lost_after_days) or erased.',
  // technicians
  skills: 'The product categories this technician can handle; routing matches the ticket\'s category.',
  max_open_tickets: 'How many open tickets (assigned, in progress, on hold) the technician may hold; routing never goes above it.',
  open_tickets: 'Open tickets the technician holds now.',
  active: 'Inactive ones are kept but never chosen.',
  'technicians.list.active': 'Only active (true) or inactive (false) technicians.',
  'slaPolicies.list.active': 'Only active (true) or inactive (false) policies.',
  calendar_id: 'The business calendar whose working hours count.',
  travel_buffer_minutes: 'Minutes kept free after each of the technician\'s visits for travel (default 0); the no-overlap rule includes them.',
  // visits
  outside_hours: 'Whether the visit lies outside the technician\'s working hours (emergency service), with a reason.',
  outside_hours_reason: 'Why the visit is outside working hours.',
  notes: 'Free text for the technician: access, parking, what the customer said.',
  cancel_reason: 'Why the visit was called off.',
  quantity: 'Units of the part.',
  visit: 'The visit: its window, whether outside hours, check-in and completion.',
  ticket: 'The ticket the visit served.',
  customer: 'The customer, as on the day of the visit.',
  product: 'The customer\'s product on the ticket; null when the ticket names none.',
  technician: 'The technician who did the work.',
  work_summary: 'The work done.',
  test_passed: 'Whether the test after the repair passed.',
  test_notes: 'How it was tested.',
  parts_used: 'The parts used on the visit: they leave stock when it is completed.',
  signed_by: 'Who signed the repair record for the customer.',
  // webhooks
  url: 'Where the events are POSTed.',
  events: 'The event types delivered: types (ticket.created), resource.* patterns (ticket.*), or * for all.',
  disabled_reason: 'Why the service switched the webhook off.',
  event_type: 'The type of the event delivered (ping for a test event).',
  'webhooks.deliveries.event_type': 'Only deliveries of this event type.',
  event_position: 'The event\'s position in the feed (0 for a ping).',
  attempts: 'How many times it was POSTed.',
  last_latency_ms: 'How long the last attempt took, in milliseconds.',
  deliveries: 'How many deliveries the replay queued.',
  parts: 'The parts used, with prices and what the customer pays for each.',
  result: 'in_warranty, out_of_warranty or misuse.',
  warranty_until: 'The last day of the warranty (YYYY-MM-DD); null when unknown.',
  by_status: 'Open tickets by status.',
  by_priority: 'Open tickets by priority.',
  assigned: 'How many are assigned, not started.',
  in_progress: 'How many are being worked on.',
  on_hold: 'How many are on hold.',
  urgent: 'How many are urgent.',
  high: 'How many are high priority.',
  normal: 'How many are normal priority.',
  low: 'How many are low priority.',
  'ChurnModel.high': 'Score from which the level is high (a retention care ticket opens on entering it).',
  'churn.putModel.high': 'Score from which the level is high (a retention care ticket opens on entering it).',
  // tickets
  type: 'Which kind it is.',
  'Ticket.type': 'The kind of request: inquiry, repair, installation, maintenance, replacement, return, complaint, or care (opened by the service itself for recovery or retention).',
  'tickets.create.type': 'The kind of request: inquiry, repair, installation, maintenance, replacement, return or complaint.',
  'tickets.update.type': 'The kind of request: inquiry, repair, installation, maintenance, replacement, return or complaint.',
  'tickets.list.type': 'Only tickets of this type.',
  'AuditEntry.type': `The kind of resource: ${AUDIT_RESOURCES.join(', ')}.`,
  'TicketEvent.type': 'What happened to the ticket.',
  'SurveyEvent.type': 'What happened to the survey.',
  'CustomerEvent.type': 'What happened to the customer.',
  'PublicSurvey.type': 'The ticket\'s type.',
  channel: 'Where the request came in: phone, email, web, app, chat or on_site.',
  priority: 'urgent, high, normal or low; sets the SLA targets.',
  'tickets.list.priority': 'Only tickets of this priority.',
  subject: 'A one-line summary of the problem.',
  description: 'The problem as the customer described it.',
  'tickets.resolve.description': 'What was charged, e.g. 更换加热管 / heating element.',
  complaint_major: 'A major complaint (重大投诉): routed to managers, with its own event.',
  hold_reason: 'Why the ticket is on hold: waiting_customer or waiting_parts; null unless on hold.',
  reopen_count: 'How often the ticket was reopened after a resolution.',
  assignment: 'Who holds the ticket and why; null while unassigned.',
  resolution: 'How the ticket was resolved; null until then.',
  warranty_decision: 'The warranty decision made at resolution; null until then.',
  follow_up: 'The last follow-up call; null until one is recorded.',
  method: 'How it was resolved: remote_advice, repair, replacement, software_update, refund or no_fault_found.',
  summary: 'What was done, for the customer and the next technician.',
  warranty: 'The technician\'s finding (in_warranty, out_of_warranty, misuse); absent: decided from the product record.',
  warranty_override_reason: 'Why the finding contradicts the product record; required when it does.',
  charges: 'What the customer pays (nothing for in-warranty work).',
  currency: 'ISO 4217 currency code, e.g. CNY.',
  items: 'The lines charged.',
  chargeable: 'Whether the customer may be charged: false exactly when in_warranty.',
  overridden: 'The finding contradicts the product record, with a reason.',
  reasons: 'How the decision was reached, step by step.',
  note: 'A note for the timeline.',
  body: 'The note itself.',
  visibility: 'internal: staff only; customer: seen by the customer (the first one by staff is the first response).',
  reason: 'Why; recorded on the timeline.',
  'tickets.hold.reason': 'What the ticket waits for: the customer, or parts.',
  auto: 'true: route by region, skill, tier and load instead of naming a technician.',
  outcome: 'satisfied closes the ticket; not_satisfied reopens it; unreachable records the attempt.',
  action: 'What the entry records.',
  entry: 'The kind of timeline entry.',
  state: 'The clock\'s state: running, paused, met, warning or breached.',
  'FollowUp.state': 'running, warning (past the warning line) or breached (overdue).',
  // SLA
  hours: 'Working spans per weekday, in the calendar\'s time zone; an empty day is a day off.',
  holidays: 'Dates off (法定节假日), whatever their weekday.',
  timezone: 'The IANA time zone the hours are in, e.g. Asia/Shanghai.',
  targets: 'Targets in business minutes per metric.',
  first_response: 'First response (响应): from report to the first customer-visible contact.',
  periodic_update: 'Periodic update: the longest the customer may wait between customer-visible updates.',
  warn_at_percent: 'At what share of the target a warning is recorded.',
  pause_on: 'Hold reasons that stop the clocks.',
  on_breach: 'What the sweep does when the resolution clock breaches.',
  escalate: 'Escalate to the next tier on breach.',
  raise_priority: 'Raise the priority one step on breach.',
  types: 'Only tickets of these types (absent: any).',
  priorities: 'Only tickets of these priorities (absent: any).',
  channels: 'Only tickets from these channels (absent: any).',
  customer_tiers: 'Only tickets of customers in these tiers (absent: any).',
  metric: 'The SLA metric: first_response, resolution, follow_up or periodic_update.',
  metrics: 'Each metric\'s clock, explained; null when the metric does not run for this ticket.',
  target_minutes: 'The target in business minutes.',
  segments: 'The spans the clock ran or stood still, in order.',
  business_minutes: 'The working minutes in this span, by the calendar.',
  policy: 'The SLA policy that applies.',
  calendar: 'The business calendar the clock counts in.',
  // surveys and churn
  csat: 'Overall satisfaction, 1 (very dissatisfied) to 5 (very satisfied).',
  nps: 'How likely to recommend us, 0–10.',
  dimensions: 'Scores 1–5 for speed, professionalism, attitude and resolution.',
  comment: 'The customer\'s words.',
  trigger: 'What sent it: resolved (after the ticket was resolved) or manual.',
  'JobRun.trigger': 'What started the run: the schedule, or a person (POST /v1/jobs/{name}/run).',
  questions: 'The questions to show, in order.',
  text: 'The question as shown.',
  required: 'Whether it must be answered.',
  min: 'The lowest answer.',
  max: 'The highest answer.',
  score: 'The churn-risk score, 0 (no risk) to 100.',
  level: 'low, medium or high, by the model\'s thresholds.',
  factors: 'What made the score, factor by factor.',
  factor: 'The signal.',
  value: 'The signal\'s raw value over the window.',
  normalized: 'The value scaled to 0–1.',
  weight: 'The factor\'s weight in the model.',
  rule: 'How the value is scaled, in words.',
  window_days: 'How many days of history the scan looks at.',
  thresholds: 'Score thresholds of the levels, and when a customer counts as lost.',
  weights: 'Each factor\'s weight; 0 leaves it out.',
  satisfaction: 'Weight of low average satisfaction.',
  satisfaction_trend: 'Weight of satisfaction falling.',
  low_scores: 'Weight of answers with csat ≤ 2.',
  complaints: 'Weight of complaints.',
  sla_breaches: 'Weight of SLA breaches the customer suffered.',
  reopened: 'Weight of reopened tickets.',
  repeat_faults: 'Weight of repeat faults on the same product.',
  silence: 'Weight of time since the last contact.',
  open_ticket_age: 'Weight of the age of open tickets.',
  // jobs
  job: 'The job that ran.',
  error: 'Why the run failed; null when it did not.',
  duration_ms: 'How long it ran, in milliseconds; null while running.',
  last_run: 'The latest run; null before the first.',
  // list filters
  'param:active': 'Only active (true) or inactive (false) ones.',
  'param:answered': 'Only answered (true) or unanswered (false) surveys.',
  'param:churn_risk_level': 'Only customers at this churn-risk level.',
  'param:metric': 'Only this SLA metric.',
  'param:region': 'Only those of this region.',
  'param:revoked': 'Only revoked (true) or working (false) keys.',
  'param:serial_number': 'Only the product with this serial number.',
  'param:skill': 'Only technicians with this skill (product category).',
  'param:token': 'The survey token from the customer\'s link.',
};

/** What each named schema is, for the schemas that do not say it themselves; a page is described by rule. */
export const SCHEMA_DOCS: Record<string, string> = {
  SuggestedArticles: 'Published articles for a ticket, best first (one ranked list, not paged).',
  ApiKey: 'An API key: its role, binding, expiry and last use. Never its secret.',
  ApiKeyCreated: 'A new API key with its secret, shown in this response only.',
  ProofOfPurchase: 'The purchase document on record for a product (invoice, receipt or order).',
  Asset: 'A product the customer owns (客户产品), with its warranty dates.',
  AuditEntry: 'One change to a customer, product, technician, calendar, policy, churn model or key: who, when, which fields (never their values).',
  ChurnModel: 'How the churn scan scores customers: the window, each factor\'s weight, the level thresholds.',
  CustomerChurnRisk: 'A customer\'s latest churn-risk score with its factors, and the scores before it.',
  ChurnRisk: 'A churn-risk score with the factors that made it.',
  Customer: 'A customer (客户): a person or company the service works for, kept in step with the CRM by external_ref.',
  Survey: 'A satisfaction survey (满意度调查) of a ticket, and its answer once given.',
  PublicSurvey: 'What the customer\'s survey page shows: the questions and the service they are about, without personal data.',
  PublicSurveyAnswered: 'The survey is answered; thank the customer.',
  Technician: 'A technician (技术员): tier, regions, skills and how many open tickets they may hold.',
  Workload: 'A technician\'s open tickets, counted by status and priority, with the oldest ones.',
  Ticket: 'A ticket (工单): one request of a customer from intake to close, with its assignment, resolution, warranty decision, follow-up and SLA clocks.',
  TicketSla: 'The SLA clocks of a ticket explained: policy, calendar, and per metric each running and paused span with its business minutes.',
  FollowUp: 'A resolved ticket whose follow-up call (回访) is still to be made.',
  Calendar: 'A business calendar: working hours per weekday in a time zone, holidays and make-up workdays (调休).',
  SlaPolicy: 'An SLA policy: the targets that apply to the tickets it matches, counted in its calendar\'s working time.',
  SlaBreach: 'An SLA breach or warning as the sweep recorded it, once per ticket and metric.',
  Part: 'A spare part (备件): its number, price, stock and reorder level.',
  Visit: 'A field visit (上门服务): a technician\'s window at the customer\'s, booked on a ticket, and where it stands.',
  Webhook: 'A subscription: the URL Aftercare POSTs the events to, which events, and its state. The signing secret is never shown after it was made.',
  WebhookWithSecret: 'A webhook just made, with its signing secret, shown this once.',
  WebhookUpdated: 'A webhook after a change; with the new secret when rotate_secret generated one.',
  WebhookDelivery: 'One POST of one event to one webhook (retried until a 2xx or 24 hours), and what came of it.',
  WebhookReplay: 'What a replay queued: deliveries of the events after from_position up to to_position.',
  VisitRecord: 'The repair record of a completed visit as stored, its SHA-256, and whether it still verifies.',
  PartMovement: 'One row of a part\'s stock ledger: units in or out, why, the stock after it, and who moved them.',
  JobRun: 'One run of a scheduled job: when, where, how long, what it did.',
  Job: 'A scheduled job with its schedule, last run and next run.',
  JobList: 'Every scheduled job.',
  EventPage: 'Events in feed order (by position); keep next_cursor and ask again for what came after.',
  TimelinePage: 'A ticket\'s timeline entries, oldest first; follow next_cursor for more.',
};
