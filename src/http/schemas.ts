import Type, { type Static, type TSchema, type TUnsafe } from 'typebox';

/**
 * Shared primitives and named components. Entities are registered with `$id` through
 * `addSchema` and referenced with `ref()`, so the OpenAPI document names them once
 * (components/schemas/Customer) instead of inlining the same object on every route.
 */
export const Uuid = Type.String({ format: 'uuid', description: 'A UUID (v7, time-ordered).' });
export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 timestamp, UTC.' });
export const DateOnly = Type.String({ format: 'date', description: 'A calendar date, YYYY-MM-DD.' });
export const Phone = Type.String({ minLength: 3, maxLength: 40, pattern: '^\\+?[0-9][0-9 ().-]*$' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
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

/** A string enum rendered as `{ type: string, enum: [...] }`, which SDK generators turn into enums. */
export function StringEnum<const T extends readonly string[]>(values: T, opts: Record<string, unknown> = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts });
}

/** A typed `$ref` to a registered component. */
export function ref<T extends TSchema & { $id?: string }>(schema: T): TUnsafe<Static<T>> {
  if (!schema.$id) throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>({ $ref: `${schema.$id}#` });
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI naming the kind of problem.' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), {
        description: 'For validation problems: each offending field as a JSON pointer into the request.',
      }),
    ),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details.' },
);

export const ListQueryBase = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'Opaque; from next_cursor.' })),
  updated_since: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Only items updated at or after this instant, oldest change first (incremental sync).',
    }),
  ),
};

export function Page<T extends TSchema & { $id?: string }>(item: T, id: string) {
  return Type.Object(
    { data: Type.Array(ref(item)), next_cursor: Nullable(Type.String()) },
    { $id: id, additionalProperties: false },
  );
}

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** Error responses every authenticated route can give. */
export const problemResponses = (...codes: number[]) =>
  Object.fromEntries([400, 401, 403, 429, ...codes].map((c) => [c, ref(ProblemSchema)]));

export const sharedSchemas: (TSchema & { $id: string })[] = [ProblemSchema as unknown as TSchema & { $id: string }];
export function registerShared(schema: TSchema & { $id?: string }): void {
  if (!schema.$id) throw new Error('shared schemas need an $id');
  if (!sharedSchemas.some((s) => s.$id === schema.$id)) sharedSchemas.push(schema as TSchema & { $id: string });
}
