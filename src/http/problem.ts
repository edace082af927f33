import type { Conflict, DomainError, FieldError, InvalidInput, RuleViolated } from '../domain/errors.ts';

/**
 * RFC 9457 problem+json. Services throw domain errors (domain/errors.ts), mapped here once
 * by fromDomain; the HTTP layer's own refusals (401, 429, 503, ...) are built here directly.
 */
export type { FieldError };

export const PROBLEM_BASE = 'https://aftercare.dev/problems/';

export class Problem extends Error {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly extra?: Record<string, unknown>;

  constructor(
    status: number,
    slug: string,
    title: string,
    detail: string,
    opts: { errors?: FieldError[]; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.detail = detail;
    if (opts.errors) this.errors = opts.errors;
    if (opts.headers) this.headers = opts.headers;
    if (opts.extra) this.extra = opts.extra;
  }

  body(instance?: string): Record<string, unknown> {
    return {
      type: PROBLEM_BASE + this.slug,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new Problem(400, 'validation', 'Invalid request', detail, errors ? { errors } : {});
export const unauthorized = (detail: string) =>
  new Problem(401, 'unauthorized', 'Unauthorized', detail, { headers: { 'www-authenticate': 'Bearer realm="aftercare"' } });
export const forbidden = (detail: string) => new Problem(403, 'forbidden', 'Forbidden', detail);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new Problem(409, 'conflict', 'Conflict', detail, extra ? { extra } : {});
export const unavailable = (detail: string) =>
  new Problem(503, 'unavailable', 'Service unavailable', detail, { headers: { 'retry-after': '5' } });

/** The one mapping from the domain's errors to problem+json: status, type URI and body. */
export function fromDomain(err: DomainError): Problem {
  switch (err.kind) {
    case 'invalid-input':
      return badRequest(err.message, (err as InvalidInput).errors);
    case 'forbidden':
      return forbidden(err.message);
    case 'not-found':
      return new Problem(404, 'not-found', 'Not found', err.message);
    case 'conflict':
      return conflict(err.message, (err as Conflict).extra);
    case 'gone':
      return new Problem(410, 'gone', 'Gone', err.message);
    case 'stale-version':
      return new Problem(412, 'precondition-failed', 'Precondition failed', err.message);
    case 'rule-violated': {
      const r = err as RuleViolated;
      return new Problem(422, r.slug, 'Rule violated', r.message, r.errors ? { errors: r.errors } : {});
    }
  }
}
