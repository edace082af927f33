/**
 * Domain and HTTP errors, mapped once to RFC 9457 problem+json by the error handler.
 * Services throw these; routes never build error responses themselves.
 */
export interface FieldError {
  path: string;
  message: string;
}

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
export const notFound = (what: string, id?: string) =>
  new Problem(404, 'not-found', 'Not found', id ? `${what} ${id} does not exist` : `${what} does not exist`);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new Problem(409, 'conflict', 'Conflict', detail, extra ? { extra } : {});
export const gone = (detail: string) => new Problem(410, 'gone', 'Gone', detail);
export const preconditionFailed = (detail: string) =>
  new Problem(412, 'precondition-failed', 'Precondition failed', detail);
export const unprocessable = (slug: string, detail: string, errors?: FieldError[]) =>
  new Problem(422, slug, 'Rule violated', detail, errors ? { errors } : {});
export const unavailable = (detail: string) =>
  new Problem(503, 'unavailable', 'Service unavailable', detail, { headers: { 'retry-after': '5' } });

/** The row a change was asked for exists and is at the version its If-Match names (when given). */
export function assertVersion<T extends { version: number }>(kind: string, id: string, current: T | undefined, expected: number | undefined): asserts current is T {
  if (!current) throw notFound(kind, id);
  if (expected !== undefined && current.version !== expected) {
    throw preconditionFailed(`${kind} ${id} is at version ${current.version}, not ${expected}; fetch it again and retry.`);
  }
}
