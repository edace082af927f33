/**
 * The errors services throw, in the domain's words: what went wrong, never which HTTP status
 * it is. http/problem.ts turns each into RFC 9457 problem+json (one mapping for the whole API).
 */
export interface FieldError {
  path: string;
  message: string;
}

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
  readonly slug: string;
  declare readonly errors?: FieldError[];
  constructor(slug: string, detail: string, errors?: FieldError[]) {
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
export const ruleViolated = (slug: string, detail: string, errors?: FieldError[]) => new RuleViolated(slug, detail, errors);

/**
 * The one If-Match check: the row a change was asked for exists and is at the version its
 * If-Match names (when given). Callers that write with `where version = expected` instead
 * (one statement, no lock) throw StaleVersion themselves when nothing was written.
 */
export function assertVersion<T extends { version: number }>(kind: string, id: string, current: T | undefined, expected: number | undefined): asserts current is T {
  if (!current) throw new NotFound(kind, id);
  if (expected !== undefined && current.version !== expected) throw new StaleVersion(kind, id, current.version, expected);
}
