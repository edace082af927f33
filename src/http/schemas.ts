import Type, { type Static, type TSchema, type TUnsafe } from 'typebox';
import { ACTION_NAMES, TICKET_STATUSES } from '../domain/ticket-workflow.ts';
import { VISIT_ACTION_NAMES, VISIT_STATUSES } from '../domain/visit-workflow.ts';
import { INSTANCE_MAX_LENGTH, PROBLEM_BASE, PROBLEM_TYPES } from './problem.ts';

/**
 * Shared primitives and named components. Entities are registered with `$id` through
 * `addSchema` and referenced with `ref()`, so the OpenAPI document names them once
 * (components/schemas/Customer) instead of inlining the same object on every route.
 */
export const Uuid = Type.String({ format: 'uuid', maxLength: 36, description: 'A UUID (v7, time-ordered).' });
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40, description: 'RFC 3339 timestamp, UTC.' });
export const DateOnly = Type.String({ format: 'date', maxLength: 10, description: 'A calendar date, YYYY-MM-DD.' });
export const Phone = Type.String({ minLength: 3, maxLength: 40, pattern: '^\\+?[0-9][0-9 ().-]*$' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Currency = Type.String({ minLength: 3, maxLength: 3, pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code, e.g. CNY, EUR.' });
/**
 * `T | null`, written as `type: [T, "null"]` rather than `anyOf`: fast-json-stringify then
 * serializes it directly instead of running a validator per field to pick the branch, and
 * SDK generators read it the same way.
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const s = schema as unknown as Record<string, unknown>;
  if (typeof s.type === 'string' && !('$ref' in s)) {
    const enumValues = Array.isArray(s.enum) ? { enum: [...(s.enum as unknown[]), null] } : {};
    return Type.Unsafe<Static<T> | null>({ ...s, type: [s.type, 'null'], ...enumValues });
  }
  return Type.Unsafe<Static<T> | null>(Type.Union([schema, Type.Null()]));
}

/**
 * `T | null` for a named component, served fast: the server's schema is the component
 * inlined with `type: [object, null]` (fast-json-stringify writes it directly, where an
 * `anyOf` would validate every value against each branch first), marked `x-ref` so the
 * document shows it as `anyOf: [$ref, null]` (withNamedRefs in http/openapi.ts).
 */
export function NullableRef<T extends TSchema & { $id?: string }>(schema: T): TUnsafe<Static<T> | null> {
  const { $id, description: _description, ...inline } = schema as unknown as Record<string, unknown>;
  if (typeof $id !== 'string') throw new Error('NullableRef() needs a schema with an $id');
  return Type.Unsafe<Static<T> | null>({ ...inline, type: ['object', 'null'], 'x-ref': $id });
}

/** A string enum rendered as `{ type: string, enum: [...] }`, which SDK generators turn into enums. */
export function StringEnum<const T extends readonly string[]>(values: T, opts: Record<string, unknown> = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts });
}

/** A typed `$ref` to a registered component. */
export function ref<T extends TSchema & { $id?: string }>(schema: T): TUnsafe<Static<T>> {
  if (!schema.$id) throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>({ $ref: `${schema.$id}#` });
}

const problemTypeList = Object.entries(PROBLEM_TYPES)
  .map(([slug, t]) => `- \`${slug}\` (${t.status}): ${t.description}`)
  .join('\n');

export const ProblemSchema = Type.Object(
  {
    type: StringEnum(
      Object.keys(PROBLEM_TYPES).map((slug) => PROBLEM_BASE + slug),
      { description: `URI naming the kind of problem; match on it, not on title or detail. The kinds:\n${problemTypeList}`, maxLength: 100 },
    ),
    title: Type.String({ maxLength: 100, description: 'A short summary of the kind, the same for every problem of that type.' }),
    status: Type.Integer({ format: 'int32', minimum: 400, maximum: 599, description: 'The HTTP status, repeated.' }),
    detail: Type.String({ maxLength: 2000, description: 'What went wrong in this request, for a person to read.' }),
    instance: Type.Optional(Type.String({ maxLength: INSTANCE_MAX_LENGTH, description: 'The request path the problem is about (left out when longer).' })),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            path: Type.String({ maxLength: 300, description: 'A JSON pointer into the request: /body/email, /query/limit, /path/id, /header/if-match.' }),
            message: Type.String({ maxLength: 500, description: 'What is wrong with it.' }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 1000, description: 'For validation problems and broken rules: each offending field.' },
      ),
    ),
    current_status: Type.Optional(
      StringEnum([...new Set([...TICKET_STATUSES, ...VISIT_STATUSES])], {
        description: 'On a 409 for a workflow action (or a survey of an unfinished ticket): the status of the ticket, or of the visit, now.',
      }),
    ),
    allowed_actions: Type.Optional(
      Type.Array(StringEnum([...new Set([...ACTION_NAMES, ...VISIT_ACTION_NAMES])]), {
        maxItems: ACTION_NAMES.length + VISIT_ACTION_NAMES.length,
        description: 'On a 409 for a workflow action: the actions the ticket (or the visit) allows in its current status.',
      }),
    ),
    colliding_visit_id: Type.Optional({ ...Uuid, description: 'On a 409 for a visit that overlaps another of the same technician (travel buffer included): the visit it collides with.' }),
    tier: Type.Optional(Type.Integer({ format: 'int32', minimum: 1, maximum: 3, description: 'On a 409 for an escalation past tier 3: the ticket\'s tier.' })),
    routing: Type.Optional(
      Type.Object(
        {
          active_at_tier: Type.Integer({ format: 'int32', minimum: 0, maximum: 1_000_000, description: 'Active technicians at the ticket\'s tier.' }),
          in_region: Type.Integer({ format: 'int32', minimum: 0, maximum: 1_000_000, description: '… of those, serving the customer\'s region.' }),
          with_skill: Type.Integer({ format: 'int32', minimum: 0, maximum: 1_000_000, description: '… of those, with the ticket\'s category as a skill.' }),
          with_room: Type.Integer({ format: 'int32', minimum: 0, maximum: 1_000_000, description: '… of those, below their max_open_tickets.' }),
        },
        { additionalProperties: false, description: 'On a 409 when routing finds nobody: how many technicians passed each filter, so you see which one emptied the list.' },
      ),
    ),
  },
  {
    $id: 'Problem',
    additionalProperties: false,
    description: 'RFC 9457 problem details, sent as application/problem+json with every 4xx and 5xx.',
  },
);

export const ListQueryBase = {
  limit: Type.Optional(Type.Integer({ format: 'int32', minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'Opaque; the next_cursor of an earlier page of this same list (signed: any other value is a 400).' })),
  updated_since: Type.Optional(
    Type.String({
      format: 'date-time',
      maxLength: 40,
      description: 'Only items updated at or after this instant, oldest change first (incremental sync).',
    }),
  ),
};

export function Page<T extends TSchema & { $id?: string }>(item: T, id: string) {
  return Type.Object(
    { data: Type.Array(ref(item), { maxItems: 200 }), next_cursor: Nullable(Type.String({ maxLength: 512 })) },
    { $id: id, additionalProperties: false },
  );
}

/** The body of an operation that takes none: nothing, or an empty object; anything else is refused. */
export const NoBody = Type.Object({}, { additionalProperties: false, description: 'No body, or an empty object.' });

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/**
 * The route's own error responses (404, 409, 412, 422 where they can occur). Those every route
 * can give (400, 401, 403, 429, 500, 503, ...) are declared by rule in http/openapi.ts.
 */
export const problemResponses = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ref(ProblemSchema)]));

export const sharedSchemas: (TSchema & { $id: string })[] = [ProblemSchema as unknown as TSchema & { $id: string }];
export function registerShared(schema: TSchema & { $id?: string }): void {
  if (!schema.$id) throw new Error('shared schemas need an $id');
  if (!sharedSchemas.some((s) => s.$id === schema.$id)) sharedSchemas.push(schema as TSchema & { $id: string });
}

/**
 * For a response whose items are a `oneOf` (timeline entries, events): sent as stored with
 * JSON.stringify, since fast-json-stringify would validate every item against each branch to
 * pick one. The document still types every branch, and test/http/response-conformance.test.ts
 * checks real responses against it.
 */
export const asStored = () => (data: unknown) => JSON.stringify(data);
