import { RULES, type Conflict, type DomainError, type FieldError, type InvalidInput, type RuleSlug, type RuleViolated } from '../domain/errors.ts';

/**
 * RFC 9457 problem+json. Services throw domain errors (domain/errors.ts), mapped here once
 * by fromDomain; the HTTP layer's own refusals (401, 429, 503, ...) are built here directly.
 */
export type { FieldError };

export const PROBLEM_BASE = 'https://aftercare.dev/problems/';

type ProblemType = { status: number; title: string; description: string };

/**
 * Every kind of problem the API answers, by slug (the last part of `type`): its status, title,
 * and what it means and what to do. One owner: the OpenAPI `Problem.type` enum and the
 * README's problem table come from here (test/http/problem-types.test.ts checks the README).
 */
export const PROBLEM_TYPES = {
  validation: { status: 400, title: 'Invalid request', description: 'A field, parameter or header is missing, malformed or unknown. errors[] has one entry per field, with a JSON pointer into the request (/body/email, /query/limit, /path/id). Fix those fields; retrying unchanged fails again.' },
  'bad-request': { status: 400, title: 'Bad request', description: 'The request could not be read at all (malformed JSON, a bad URL encoding). Check the body is JSON and the URL is encoded.' },
  unauthorized: { status: 401, title: 'Unauthorized', description: 'No API key, or one that is unknown, revoked or expired. Send Authorization: Bearer <key> with a working key.' },
  forbidden: { status: 403, title: 'Forbidden', description: 'The key\'s role may not do this; detail names the roles that may. Use a key with one of them.' },
  'not-found': { status: 404, title: 'Not found', description: 'No such resource (or route), or one this key may not see: a technician key sees its own tickets only.' },
  conflict: { status: 409, title: 'Conflict', description: 'The change does not fit the resource\'s current state: a workflow action not allowed now (current_status and allowed_actions say what is), a duplicate external_ref or sku, an erased customer, a technician at capacity, a part without enough stock. Read the resource again and choose another action.' },
  'concurrent-change': { status: 409, title: 'Conflict', description: 'Another change to the same rows got in the way. Nothing was changed: retry after Retry-After seconds.' },
  'idempotency-in-flight': { status: 409, title: 'Request in progress', description: 'A request with this Idempotency-Key is still running. Retry after Retry-After seconds to get its answer.' },
  gone: { status: 410, title: 'Gone', description: 'It existed and can no longer be used (an expired survey link).' },
  'precondition-failed': { status: 412, title: 'Precondition failed', description: 'If-Match names a version the resource is no longer at. Nothing was changed: GET it again and decide with the current version.' },
  'request-timeout': { status: 408, title: 'Request timeout', description: 'The request did not arrive in time. Send it again.' },
  'uri-too-long': { status: 414, title: 'URI too long', description: 'A path parameter is longer than any id or reference this API gives out (300 characters). Check the URL.' },
  'headers-too-large': { status: 431, title: 'Request headers too large', description: 'The request line and headers are over the server\'s limit (16 KiB). Send a shorter URL or fewer headers.' },
  'too-large': { status: 413, title: 'Payload too large', description: 'The request body is over 1 MiB. Send less (lists in pages).' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', description: 'The body is not application/json. Send Content-Type: application/json.' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency-Key reused', description: 'This Idempotency-Key was used with a different request. Use a new key for a new request.' },
  'rate-limited': { status: 429, title: 'Too many requests', description: 'Over the per-minute limit of this key (or client address). Wait Retry-After seconds; X-RateLimit-* headers show the budget.' },
  internal: { status: 500, title: 'Internal error', description: 'Something failed on our side; nothing half-done was kept. Report the X-Request-Id: the details are in the service\'s log.' },
  unavailable: { status: 503, title: 'Service unavailable', description: 'The database is unreachable. Nothing was changed; retry after Retry-After seconds.' },
  ...(Object.fromEntries(Object.entries(RULES).map(([slug, description]) => [slug, { status: 422, title: 'Rule violated', description }])) as Record<
    RuleSlug,
    ProblemType
  >),
} as const satisfies Record<string, ProblemType>;
export type ProblemSlug = keyof typeof PROBLEM_TYPES;

export class Problem extends Error {
  readonly status: number;
  readonly slug: ProblemSlug;
  readonly title: string;
  readonly detail: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly extra?: Record<string, unknown>;

  constructor(
    slug: ProblemSlug,
    detail: string,
    opts: { status?: number; errors?: FieldError[]; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.status = opts.status ?? PROBLEM_TYPES[slug].status;
    this.slug = slug;
    this.title = PROBLEM_TYPES[slug].title;
    this.detail = detail;
    if (opts.errors) this.errors = opts.errors;
    if (opts.headers) this.headers = opts.headers;
    if (opts.extra) this.extra = opts.extra;
  }

  /** `instance` is the request's path; one over INSTANCE_MAX_LENGTH (a 414's) is left out, not echoed back. */
  body(instance?: string): Record<string, unknown> {
    return {
      type: PROBLEM_BASE + this.slug,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance && instance.length <= INSTANCE_MAX_LENGTH ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const INSTANCE_MAX_LENGTH = 2048;

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new Problem('validation', detail, errors ? { errors } : {});
export const unauthorized = (detail: string) =>
  new Problem('unauthorized', detail, { headers: { 'www-authenticate': 'Bearer realm="aftercare"' } });
export const forbidden = (detail: string) => new Problem('forbidden', detail);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new Problem('conflict', detail, extra ? { extra } : {});
export const unavailable = (detail: string) =>
  new Problem('unavailable', detail, { headers: { 'retry-after': '5' } });

/** The one mapping from the domain's errors to problem+json: status, type URI and body. */
export function fromDomain(err: DomainError): Problem {
  switch (err.kind) {
    case 'invalid-input':
      return badRequest(err.message, (err as InvalidInput).errors);
    case 'forbidden':
      return forbidden(err.message);
    case 'not-found':
      return new Problem('not-found', err.message);
    case 'conflict':
      return conflict(err.message, (err as Conflict).extra);
    case 'gone':
      return new Problem('gone', err.message);
    case 'stale-version':
      return new Problem('precondition-failed', err.message);
    case 'rule-violated': {
      const r = err as RuleViolated;
      return new Problem(r.slug, r.message, r.errors ? { errors: r.errors } : {});
    }
  }
}
