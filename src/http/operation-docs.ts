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
      'Revokes the key on every instance within milliseconds (the revoking instance before it answers). Refuses to revoke the last working admin key (409): create another admin key first.',
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
    summary: 'A technician\'s open tickets by status and priority',
    description: 'How many open tickets the technician holds, by status and by priority, and the oldest of them. A technician key may read only its own.',
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
