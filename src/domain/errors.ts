/**
 * The errors services throw, in the domain's words: what went wrong, never which HTTP status
 * it is. http/problem.ts turns each into RFC 9457 problem+json (one mapping for the whole API).
 */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * Every business rule a request can break (422), by name, with what it means and what to do.
 * The name is the last part of the problem's `type`; the README and the OpenAPI document list
 * them from here.
 */
export const RULES = {
  'asset-dates': 'The product\'s dates contradict each other (bought in the future, warranty ending before purchase). Fix the dates named in errors[].',
  'asset-not-owned': 'The asset_id belongs to another customer. Send one of this customer\'s products, or none.',
  'assign-target': 'An assignment needs exactly one of technician_id and auto: true.',
  'calendar-invalid': 'The business calendar cannot be used as sent (a span ending before it starts, overlapping spans, an unknown time zone, no working hours on any weekday, a year without working time, or too little working time for a policy that uses it). errors[] names each field and why.',
  'calendar-not-found': 'The policy names a calendar that does not exist. Create it first or use another calendar_id.',
  'churn-thresholds': 'The churn thresholds are out of order: medium must be below high.',
  'churn-weights': 'Every churn weight is zero, so no customer could ever score. Give at least one factor a weight.',
  'complaint-root-cause': 'A complaint is resolved only with its root cause. Send root_cause with the resolution.',
  'customer-not-found': 'The ticket names a customer that does not exist. Create or upsert the customer first.',
  'customer-required': 'A ticket needs exactly one of customer_id and customer_external_ref.',
  'expiry-in-past': 'expires_at of the API key is not in the future.',
  'in-warranty-is-free': 'Work covered by the warranty is not charged: in_warranty with charges above zero. Drop the charges or change the decision.',
  'major-needs-complaint': 'Only a complaint can be marked major (complaint_major). Change the type to complaint or drop the flag.',
  'outside-hours-reason': 'outside_hours: true needs a reason (a weekend or holiday emergency, say). Send reason with it.',
  'part-not-found': 'A part named in planned_parts or parts_used does not exist. Check part_id against GET /v1/parts.',
  'parts-currency-mixed': 'Parts priced in different currencies cannot be totalled: the parts used on one visit, or (resolve with charge_visit_parts) the parts of the ticket\'s visits and the charges. Record the parts of one currency per visit, or send the charges in the parts\' currency.',
  'article-not-found': 'An article named in article_ids does not exist. Check the ids against GET /v1/articles.',
  'no-sla-policy': 'No active SLA policy matches the ticket, so its clocks cannot start. Add a catch-all policy (one without conditions).',
  'qa-scorecard-criteria': 'A scorecard\'s criteria need distinct keys and weights that sum to 100. Fix the keys or weights.',
  'qa-review-scores': 'A review scores every criterion of its scorecard, and no other, each 0–5. Check the keys against GET /v1/qa/scorecards/{scorecard_id}.',
  'replacement-needs-proof': 'A replacement needs a proof of purchase on the product. Record the proof on the asset first, or resolve with another method.',
  'sla-target-unreachable': 'A target is more working time than the policy\'s calendar offers in its leanest year, so the clock could never fall due. Lower the target or give the calendar more working time.',
  'reported-too-long-ago': 'reported_at lies more than 365 days back: an SLA clock cannot be started for a request that old. Send a later time (or record the old case elsewhere).',
  'reported-in-future': 'reported_at lies in the future. Send the time the customer reported the problem, or leave it out for now.',
  'signature-invalid': 'signoff.signature is neither a PNG or JPEG image as a base64 data URL nor an SVG path (M, L, C, Q, Z… commands), or is larger than 100,000 characters.',
  'signed-at-invalid': 'signoff.signed_at lies in the future or before the technician checked in. Send the time the customer signed.',
  'technician-inactive': 'The technician is inactive and takes no visits. Book an active technician.',
  'technician-binding': 'A technician key needs technician_id, and only a technician key may have one.',
  'technician-not-found': 'The technician named does not exist. Check technician_id.',
  'visit-outside-hours': 'The window does not fall within one working day of the technician\'s calendar (from the start of its first to the end of its last working span; a break inside is fine). Pick another time, or send outside_hours: true with a reason for emergency service.',
  'visit-window': 'The window is not bookable: window_end must come after window_start, the window must not have ended already, and it lasts at most 24 hours.',
  'webhook-event-unknown': 'An events pattern matches no event type. Use an event type (ticket.created), a resource with .* (ticket.*), or *.',
  'webhook-secret': 'A secret rotation is a new secret or rotate_secret: true (not both), and previous_secret_expires_in_minutes only goes with one of them.',
  'webhook-url-refused': 'The webhook URL is not one the service will call: it must be https (http only to hosts in WEBHOOK_ALLOW_HTTP_HOSTS), carry no credentials, and reach only public addresses (not private, loopback, link-local or metadata ones, unless WEBHOOK_ALLOW_PRIVATE=true).',
  'warranty-contradiction': 'The warranty finding contradicts the product record (in_warranty after warranty_until, or out_of_warranty within it). Give warranty_override_reason, or drop the finding to decide from the record.',
} as const;
export type RuleSlug = keyof typeof RULES;

export abstract class DomainError extends Error {
  abstract readonly kind: 'invalid-input' | 'forbidden' | 'not-found' | 'conflict' | 'gone' | 'stale-version' | 'rule-violated';
}

/** The request names something malformed (a cursor, an If-Match value) that no schema caught. */
export class InvalidInput extends DomainError {
  readonly kind = 'invalid-input';
  declare readonly errors?: FieldError[];
  constructor(detail: string, errors?: FieldError[]) {
    super(detail);
    if (errors) this.errors = errors;
  }
}

/** The caller may not do this, whatever the state of the data. */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
}

export class NotFound extends DomainError {
  readonly kind = 'not-found';
  constructor(what: string, id?: string) {
    super(id ? `${what} ${id} does not exist` : `${what} does not exist`);
  }
}

/** The change does not fit the current state (a workflow step not allowed now, a duplicate); `extra` says what the state is. */
export class Conflict extends DomainError {
  readonly kind = 'conflict';
  declare readonly extra?: Record<string, unknown>;
  constructor(detail: string, extra?: Record<string, unknown>) {
    super(detail);
    if (extra) this.extra = extra;
  }
}

/** It existed and can no longer be used (an expired survey). */
export class Gone extends DomainError {
  readonly kind = 'gone';
}

/** If-Match named a version the resource is no longer at. The one message for every resource. */
export class StaleVersion extends DomainError {
  readonly kind = 'stale-version';
  constructor(kind: string, id: string, current: number | undefined, expected: number | undefined) {
    super(`${kind} ${id} is at version ${current}, not ${expected}; fetch it again and retry.`);
  }
}

/** A business rule refuses the request; `slug` names the rule, `errors` the fields involved. */
export class RuleViolated extends DomainError {
  readonly kind = 'rule-violated';
  readonly slug: RuleSlug;
  declare readonly errors?: FieldError[];
  constructor(slug: RuleSlug, detail: string, errors?: FieldError[]) {
    super(detail);
    this.slug = slug;
    if (errors) this.errors = errors;
  }
}

export const notFound = (what: string, id?: string) => new NotFound(what, id);
export const conflict = (detail: string, extra?: Record<string, unknown>) => new Conflict(detail, extra);
export const gone = (detail: string) => new Gone(detail);
export const forbidden = (detail: string) => new Forbidden(detail);
export const invalidInput = (detail: string, errors?: FieldError[]) => new InvalidInput(detail, errors);
export const ruleViolated = (slug: RuleSlug, detail: string, errors?: FieldError[]) => new RuleViolated(slug, detail, errors);

/**
 * The one If-Match check: the row a change was asked for exists and is at the version its
 * If-Match names (when given). Callers that write with `where version = expected` instead
 * (one statement, no lock) throw StaleVersion themselves when nothing was written.
 */
export function assertVersion<T extends { version: number }>(kind: string, id: string, current: T | undefined, expected: number | undefined): asserts current is T {
  if (!current) throw new NotFound(kind, id);
  if (expected !== undefined && current.version !== expected) throw new StaleVersion(kind, id, current.version, expected);
}
