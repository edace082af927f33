import fc from 'fast-check';
import type { Call } from './service.ts';

/**
 * Requests generated from the committed OpenAPI document, as fast-check arbitraries: valid
 * ones from each operation's parameter and body schemas (ids named by field filled with real
 * ones most of the time), and hostile ones made by breaking a valid one in one place.
 *
 * Written here because no maintained library turns a JSON Schema into fast-check arbitraries
 * (the candidates on npm, json-schema-fast-check and @traversable/json-schema-test, are 0.0.x
 * pre-releases); it covers exactly the keywords the document uses, and refuses any other so a
 * new keyword cannot be silently ignored.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Schema = { [k: string]: unknown } | boolean;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  operationId: string;
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
  /** The request example the document shows. */
  example?: unknown;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  secured: boolean;
}

interface Doc {
  paths: Record<string, Record<string, { operationId: string; parameters?: unknown[]; requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> }; responses: Operation['responses']; security?: unknown[] }>>;
  components: { schemas: Record<string, Schema>; parameters: Record<string, Parameter>; responses?: Record<string, unknown> };
  security?: unknown[];
}

/** Real values the generators use for fields and parameters of these names. */
export interface Known {
  /** By field or parameter name: customer_id, technician_id, … */
  byName: Record<string, readonly string[]>;
  /** Path parameters by operation id and name. */
  path(op: Operation, name: string): readonly string[];
  /** A cursor this list really gave out, when one did. */
  cursor(op: Operation): string | undefined;
}

const HANDLED = new Set([
  '$ref', 'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'anyOf', 'oneOf', 'items', 'minItems', 'maxItems',
  'uniqueItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'format', 'minProperties', 'maxProperties', 'description', 'example',
  'examples', 'default', 'title', 'discriminator', 'x-exactly-one', 'not',
]);

export function operationsOf(doc: Doc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []).map((p) => {
        const ref = (p as { $ref?: string }).$ref;
        return (ref ? doc.components.parameters[ref.split('/').at(-1)!] : p) as Parameter;
      });
      ops.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters,
        ...(op.requestBody ? { body: op.requestBody.content['application/json']!.schema, example: op.requestBody.content['application/json']!.example } : {}),
        responses: op.responses,
        secured: (op.security ?? doc.security ?? []).some((s) => Object.keys(s as object).length > 0),
      });
    }
  }
  return ops;
}

export class Generators {
  readonly #doc: Doc;
  readonly #known: Known;

  constructor(doc: Doc, known: Known) {
    this.#doc = doc;
    this.#known = known;
  }

  resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; typeof s === 'object' && typeof s.$ref === 'string'; i++) {
      if (i > 20) throw new Error(`unresolvable $ref ${String(s.$ref)}`);
      s = this.#doc.components.schemas[(s.$ref as string).split('/').at(-1)!]!;
    }
    return s;
  }

  /** Values valid for the schema (a field's name picks real ids where the world has them). */
  valid(schema: Schema, name?: string, depth = 0): fc.Arbitrary<Json> {
    const s = this.resolve(schema);
    if (s === true) return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
    if (s === false) throw new Error('a false schema has no values');
    for (const k of Object.keys(s)) if (!HANDLED.has(k)) throw new Error(`the generator does not know the keyword ${k}`);
    const known = name ? this.#known.byName[name] : undefined;
    if (known?.length && (s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string')))) {
      return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: this.valid({ ...s }, undefined, depth) });
    }
    if ('const' in s) return fc.constant(s.const as Json);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as Json[]));
    const branches = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
    if (branches && s.properties) {
      // An object with alternatives beside its properties (exactly one of two fields): each
      // alternative is the object's properties and required fields with the branch's on top.
      const { oneOf: _o, anyOf: _a, ...base } = s;
      return fc.oneof(
        ...branches.map((b) => {
          const branch = this.resolve(b) as Record<string, unknown>;
          return this.valid(
            {
              ...base,
              properties: { ...(base.properties as object), ...(branch.properties as object) },
              required: [...new Set([...((base.required as string[]) ?? []), ...((branch.required as string[]) ?? [])])],
            },
            name,
            depth + 1,
          );
        }),
      );
    }
    if (branches) return fc.oneof(...branches.map((b) => this.valid(b, name, depth + 1)));
    if (Array.isArray(s.type)) return fc.oneof(...(s.type as string[]).map((t) => this.valid({ ...s, type: t }, name, depth)));
    switch (s.type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer': {
        const min = Math.max(Number(s.minimum ?? -(2 ** 31)), Number.MIN_SAFE_INTEGER);
        const max = Math.min(Number(s.maximum ?? 2 ** 31 - 1), Number.MAX_SAFE_INTEGER);
        return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
      }
      case 'number':
        return fc.double({ min: Number(s.minimum ?? -1e9), max: Number(s.maximum ?? 1e9), noNaN: true, noDefaultInfinity: true });
      case 'string':
        return this.#string(s);
      case 'array': {
        const items = this.valid((s.items as Schema) ?? true, name, depth + 1);
        const constraints = { minLength: Number(s.minItems ?? 0), maxLength: Math.min(Number(s.maxItems ?? 4), Math.max(4, Number(s.minItems ?? 0))) };
        return (s.uniqueItems ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) }) : fc.array(items, constraints)) as fc.Arbitrary<Json>;
      }
      case 'object':
      case undefined: {
        if (depth > 12) return fc.constant({});
        const props = (s.properties ?? {}) as Record<string, Schema>;
        const required = (s.required ?? []) as string[];
        const record = fc.record(
          // A property whose schema is false must be absent (one side of an exactly-one rule).
          Object.fromEntries(Object.entries(props).filter(([, v]) => v !== false).map(([k, v]) => [k, this.valid(v, k, depth + 1)])),
          { requiredKeys: required },
        ) as fc.Arbitrary<Record<string, Json>>;
        if (s.additionalProperties && typeof s.additionalProperties === 'object' && Object.keys(props).length === 0) {
          return fc.dictionary(fc.stringMatching(/^[a-z_]{1,20}$/), this.valid(s.additionalProperties as Schema, undefined, depth + 1), {
            minKeys: Number(s.minProperties ?? 0),
            maxKeys: Math.min(4, Number(s.maxProperties ?? 4)),
          }) as fc.Arbitrary<Json>;
        }
        return record;
      }
      default:
        throw new Error(`the generator does not know the type ${String(s.type)}`);
    }
  }

  #string(s: Record<string, unknown>): fc.Arbitrary<Json> {
    const minLength = Number(s.minLength ?? 0);
    const maxLength = Number(s.maxLength ?? 200);
    const fits = (v: string) => [...v].length >= minLength && [...v].length <= maxLength;
    switch (s.format) {
      case 'uuid':
        return fc.uuid();
      case 'date-time':
        return fc.date({ min: new Date('2025-06-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
      case 'date':
        return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      case 'email':
        return fc.emailAddress().filter(fits);
      case 'uri':
        return fc.webUrl({ validSchemes: ['https'], withQueryParameters: true }).filter(fits);
      case undefined:
        break;
      default:
        throw new Error(`the generator does not know the format ${String(s.format)}`);
    }
    if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
    // Any text: Latin, CJK, emoji and combining marks, never a NUL (which Postgres cannot store).
    return fc
      .string({ unit: 'grapheme', minLength, maxLength: Math.min(maxLength, 40) })
      .map((v) => v.replaceAll('\u0000', ''))
      .filter(fits);
  }

  /** A whole valid request for the operation. */
  request(op: Operation): fc.Arbitrary<Call & { kind: string }> {
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const query = op.parameters.filter((p) => p.in === 'query');
    const path = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, fc.constantFrom(...this.#known.path(op, p.name))])));
    const cursor = this.#known.cursor(op);
    const q = fc.record(
      Object.fromEntries(
        query.map((p) => [p.name, p.name === 'cursor' || p.name === 'after' ? (cursor ? fc.constant(cursor) : fc.constant(undefined)) : this.valid(p.schema, p.name)]),
      ),
      { requiredKeys: query.filter((p) => p.required).map((p) => p.name) },
    );
    // The document's own example, with the world's ids in it, gets past the business rules
    // more often than a body drawn from the schema alone.
    const generated = op.body ? this.valid(op.body).map((b) => b as unknown) : fc.constant(undefined);
    const body = op.example !== undefined ? fc.oneof({ weight: 1, arbitrary: fc.constant(this.#withKnownIds(op.example)) }, { weight: 2, arbitrary: generated }) : generated;
    const headers = op.method === 'POST' ? fc.option(fc.uuid().map((u) => ({ 'idempotency-key': u })), { nil: undefined }) : fc.constant(undefined);
    return fc.tuple(path, q, body, headers).map(([p, qs, b, h]) => ({
      kind: 'valid',
      method: op.method,
      path: fill(op.path, p as Record<string, string>) + queryString(qs as Record<string, Json | undefined>),
      ...(b !== undefined ? { body: b } : {}),
      ...(h ? { headers: h } : {}),
    }));
  }

  #withKnownIds(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.#withKnownIds(v));
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, typeof v === 'string' && this.#known.byName[k]?.length ? this.#known.byName[k]![0] : this.#withKnownIds(v)]),
    );
  }

  /** A valid request broken in one place. */
  hostile(op: Operation): fc.Arbitrary<Call & { kind: string }> {
    const base = this.request(op);
    const mutations: fc.Arbitrary<Call & { kind: string }>[] = [
      fc.tuple(base, HOSTILE_QUERY(op)).map(([c, extra]) => ({ ...c, kind: 'query', path: c.path + (c.path.includes('?') ? '&' : '?') + extra })),
      fc.tuple(base, HOSTILE_HEADERS).map(([c, h]) => ({ ...c, kind: 'header', headers: { ...c.headers, ...h } })),
      fc.tuple(base, HOSTILE_RAW_BODY).map(([c, raw]) => ({ ...c, kind: 'raw body', body: raw.body, headers: { ...c.headers, 'content-type': raw.type } })),
      fc.tuple(base, HOSTILE_JSON).map(([c, value]) => ({ ...c, kind: 'json body', body: value })),
    ];
    if (op.path.includes('{')) mutations.push(fc.tuple(base, HOSTILE_PATH).map(([c, bad]) => ({ ...c, kind: 'path', path: replacePathParam(op, c.path, bad) })));
    if (op.body) {
      const props = Object.keys(((this.resolve(op.body) as Record<string, unknown>).properties ?? {}) as object);
      const required = ((this.resolve(op.body) as Record<string, unknown>).required ?? []) as string[];
      if (props.length) {
        mutations.push(
          fc.tuple(base, fc.constantFrom(...props), HOSTILE_VALUE).map(([c, field, value]) => ({ ...c, kind: `field ${field}`, body: { ...(asObject(c.body)), [field]: value } })),
        );
      }
      if (required.length) {
        mutations.push(
          fc.tuple(base, fc.constantFrom(...required)).map(([c, field]) => {
            const { [field]: _dropped, ...rest } = asObject(c.body);
            return { ...c, kind: `missing ${field}`, body: rest };
          }),
        );
      }
      mutations.push(base.map((c) => ({ ...c, kind: 'unknown field', body: { ...asObject(c.body), zz_not_a_field: 1 } })));
    }
    return fc.oneof(...mutations);
  }
}

function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(params[name]!));
}

function replacePathParam(op: Operation, path: string, bad: string): string {
  const [pathPart, query = ''] = path.split(/\?(.*)/s, 2) as [string, string?];
  const templ = op.path.split('/');
  const parts = pathPart.split('/');
  parts[templ.findIndex((seg) => seg.startsWith('{'))] = bad;
  return parts.join('/') + (query ? `?${query}` : '');
}

function queryString(q: Record<string, Json | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null) sp.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const forgedCursor = (shape: object) => Buffer.from(JSON.stringify(shape)).toString('base64url');

/** Values of the wrong kind, size or text for any field. */
export const HOSTILE_VALUE: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, true, false, 0, -1, -(2 ** 63), 2 ** 53 + 1, 1e308, -1e308, 1.5, '', ' ', 'x'.repeat(100_000), '\u0000', 'before\u0000after',
    '中文字符测试：冰箱不制冷', '😀🔥🧊'.repeat(40), '\ud800', 'e\u0301'.repeat(50), 'not-a-uuid', '00000000-0000-0000-0000-00000000000g',
    "' or 1=1 --", '"; drop table tickets; --', '<script>alert(1)</script>', '../../etc/passwd', '${jndi:ldap://x}', '%00', '\\u0000',
    [], [null], {}, { $ne: 1 }, { __proto__: { admin: true } }, JSON.parse('{"__proto__": {"polluted": true}}'), '9'.repeat(400),
    '2026-02-30', '2026-13-01T25:61:00Z', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00Z', 'NaN', 'Infinity',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Whole JSON bodies of the wrong shape or depth. */
const HOSTILE_JSON: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, [], 'text', 0, true, [{}], { a: { b: { c: { d: null } } } }),
  fc.integer({ min: 30, max: 5_000 }).map((n) => JSON.parse(deep(Math.min(n, 3_000)))),
  fc.jsonValue({ maxDepth: 4 }),
);

/** Bodies that are not JSON, or are not what their Content-Type says. */
const HOSTILE_RAW_BODY: fc.Arbitrary<{ body: string; type: string }> = fc.oneof(
  fc.constantFrom(
    { body: '{"a":', type: 'application/json' },
    { body: '{"a":1,}', type: 'application/json' },
    { body: "{'a': 1}", type: 'application/json' },
    { body: '\u0000', type: 'application/json' },
    { body: '{"name":"\\ud800"}', type: 'application/json' },
    { body: '{"name":"\\u0000"}', type: 'application/json' },
    { body: deep(4_000), type: 'application/json' },
    { body: `{"a":${deep(40)}}`, type: 'application/json' },
    { body: '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}', type: 'application/json' },
    { body: 'name=x&phone=1', type: 'application/x-www-form-urlencoded' },
    { body: '<ticket/>', type: 'application/xml' },
    { body: 'hello', type: 'text/plain' },
    { body: '{"name":"x"}', type: 'application/json; charset=latin1' },
    { body: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--', type: 'multipart/form-data; boundary=b' },
    { body: `{"name":"${'x'.repeat(1_100_000)}"}`, type: 'application/json' },
  ),
  fc.string({ unit: 'binary', maxLength: 200 }).map((body) => ({ body, type: 'application/json' })),
);

/** A path segment that is no id: bad UUIDs, bad escapes, traversal, over-long, control bytes. */
const HOSTILE_PATH: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'not-a-uuid', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '%zz', '%', '%E0%A4%A', '%00', '%C0%AF',
    '..%2F..%2Fetc%2Fpasswd', '%27%20or%201%3D1--', 'null', 'undefined', '-1', '0', encodeURIComponent('中文'), encodeURIComponent('😀'),
    'x'.repeat(301), 'a'.repeat(5_000), 'a'.repeat(20_000), '%F0%9F%98%80'.repeat(100), '__proto__', 'constructor',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).map((s) => encodeURIComponent(s)),
);

/** Query parameters with values of the wrong type or size, forged cursors, repeats and unknown names. */
function HOSTILE_QUERY(op: Operation): fc.Arbitrary<string> {
  const names = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const values = fc.oneof(
    fc.constantFrom(
      'abc', '-1', '0', '1e309', '99999999999999999999', '1.5', '', 'true', 'null', '%zz', '%00', encodeURIComponent('中文😀'), 'a'.repeat(20_000),
      encodeURIComponent(forgedCursor({ s: 'id', id: 'ffffffff-ffff-7fff-bfff-ffffffffffff' })),
      encodeURIComponent(`${forgedCursor({ s: 'id', id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' })}.AAAAAAAAAAAAAAAAAAAAAA`),
      encodeURIComponent(Buffer.from('p:999999999').toString('base64url')),
      encodeURIComponent(forgedCursor({ s: 'updated', t: '1970-01-01T00:00:00Z', id: '00000000-0000-0000-0000-000000000000' })),
    ),
    fc.string({ unit: 'binary', maxLength: 40 }).map((s) => encodeURIComponent(s)),
  );
  const name = names.length ? fc.oneof(fc.constantFrom(...names), fc.constantFrom('zz_unknown', '__proto__', 'limit[]')) : fc.constantFrom('zz_unknown', 'limit');
  return fc.oneof(
    fc.tuple(name, values).map(([n, v]) => `${n}=${v}`),
    fc.tuple(name, values, values).map(([n, a, b]) => `${n}=${a}&${n}=${b}`),
  );
}

/** Headers a client could get wrong: keys, versions, types and sizes. */
const HOSTILE_HEADERS: fc.Arbitrary<Record<string, string>> = fc.constantFrom<Record<string, string>>(
  { 'idempotency-key': 'k'.repeat(256) },
  { 'idempotency-key': ' ' },
  { 'idempotency-key': 'caf\u00e9' },
  { 'if-match': '"not-a-number"' },
  { 'if-match': 'W/"1"' },
  { 'if-match': '"999999999999999999999"' },
  { 'if-match': '"-1"' },
  { 'if-match': 'x'.repeat(40) },
  { 'x-request-id': 'bad id with spaces' },
  { 'x-request-id': 'r'.repeat(65) },
  { authorization: 'Bearer' },
  { authorization: 'Basic YWRtaW46YWRtaW4=' },
  { authorization: `Bearer ${'x'.repeat(600)}` },
  { 'content-type': 'application/json' },
  { accept: 'application/xml' },
  { 'x-padding': 'p'.repeat(17_000) },
);
