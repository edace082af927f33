import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes no body as well as an empty object (the document says the body is optional). */
    bodyOptional?: boolean;
  }
}
import fp from 'fastify-plugin';
import { EVENT_SCHEMAS, EVENT_TYPES } from '../db/outbox.ts';
import { RULES } from '../domain/errors.ts';
import type { Access } from './auth.ts';
import { REQUEST_EXAMPLES, SCHEMA_EXAMPLES } from './examples.ts';
import { FIELD_DOCS, OPERATION_DOCS, SCHEMA_DOCS } from './operation-docs.ts';
import { PROBLEM_TYPES } from './problem.ts';
import { sharedSchemas } from './schemas.ts';
import { APP_VERSION } from '../version.ts';

export const API_INFO = {
  title: 'Aftercare API',
  version: APP_VERSION,
  description:
    'Headless after-sales service: customers and their products, tickets, technicians, SLA clocks, surveys. ' +
    'Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 9457 problem+json.',
  license: { name: 'MIT', identifier: 'MIT' },
  contact: { name: 'Aftercare maintainers', url: 'https://aftercare.dev' },
};

const header = (description: string, schema: Record<string, unknown> = { type: 'string', maxLength: 200 }) => ({ description, schema });
const seconds = { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 };
const count = { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000_000 };

/** Request and response headers, named once and referenced by every operation that uses them. */
export const HEADER_COMPONENTS = {
  parameters: {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a retried POST safe: the same key with the same request answers the first response again (with Idempotent-Replayed: true) for 24 hours; ' +
        'with a different request, 422; while the first is still running, 409.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
    },
    IfMatch: {
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'The ETag the change is based on (e.g. "3"); when the resource has moved on, 412 and nothing is changed. `*` or absent: any version.',
      schema: { type: 'string', maxLength: 32 },
    },
  },
  headers: {
    ETag: header('The version of the resource sent, for If-Match (e.g. "3").'),
    Location: header('Where the created resource is.', { type: 'string', format: 'uri-reference', maxLength: 2048 }),
    'Idempotent-Replayed': header('"true" when this is the stored answer to an earlier request with the same Idempotency-Key.', { type: 'string', enum: ['true'] }),
    'Retry-After': header('Seconds to wait before retrying.', seconds),
    'X-RateLimit-Limit': header('Requests allowed per minute for this key (or client address).', count),
    'X-RateLimit-Remaining': header('Requests left in the current minute.', count),
    'X-RateLimit-Reset': header('Seconds until the limit resets.', seconds),
    'WWW-Authenticate': header('How to authenticate: Bearer with an API key.'),
    'Access-Control-Allow-Origin': header('CORS: any origin may call (credentials are never allowed; the key travels in Authorization).', { type: 'string', enum: ['*'] }),
  },
} as const;

type Response = { description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: { $ref?: string } }> };
type Operation = { operationId?: string; summary?: string; description?: string; parameters?: unknown[]; requestBody?: unknown; security?: unknown[]; responses?: Record<string, Response> };
/** What a route's config says about its operation, by operationId (collected as routes are added). */
type RouteFact = { access?: Access; rateLimit?: unknown; bodyOptional?: boolean; createdAt?: string };
type RouteFacts = ReadonlyMap<string, RouteFact>;
const limitedBy = (routes: RouteFacts, id: string | undefined) => routes.get(id ?? '')?.rateLimit !== false;

type Doc = { paths?: Record<string, Record<string, Operation>>; components?: Record<string, unknown> };

const isApi = (path: string) => path.startsWith('/v1/');
const isPublic = (path: string) => path.startsWith('/v1/public/');

/** What a status means, from the problem types that answer with it. */
function problemDescription(status: string): string {
  const kinds = Object.entries(PROBLEM_TYPES)
    .filter(([, t]) => String(t.status) === status)
    .map(([slug]) => slug);
  const rules = kinds.length > 4 ? 'a broken rule named by `type` (see Problem.type), or ' : '';
  const named = kinds.length > 4 ? kinds.filter((k) => !(k in RULES)) : kinds;
  return `Problem${named.length > 1 ? ' types' : ' type'}: ${rules}${named.map((k) => `\`${k}\``).join(', ')}.`;
}

/**
 * The words: each operation's summary and description from operation-docs.ts, and who may
 * call it, read from the route's own `access` so the document says what the service enforces.
 */
export function withWords(doc: Doc, routes: RouteFacts): Doc {
  for (const ops of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(ops)) {
      const words = op.operationId ? OPERATION_DOCS[op.operationId] : undefined;
      if (!words) continue;
      const who = routes.get(op.operationId!)?.access;
      const roles = who === 'public' || who === undefined ? 'Anyone: no API key.' : `API key roles: ${who.join(', ')}.`;
      op.summary = words.summary;
      const body = op.requestBody as { required?: boolean; content?: Record<string, { schema?: { required?: string[]; oneOf?: unknown } }> } | undefined;
      const schema = body?.content?.['application/json']?.schema;
      if (routes.get(op.operationId!)?.bodyOptional && body && !schema?.required?.length && !schema?.oneOf) body.required = false;
      op.description = `${words.description}\n\n**Who may call:** ${roles}`;
    }
  }
  return doc;
}

/** Gives every property of a schema (and of the schemas inside it) without words its words from the glossary. */
function describeFields(schema: unknown, context: string): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Record<string, unknown>;
  for (const [name, prop] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
    if (!prop || typeof prop !== 'object') continue;
    const p = prop as Record<string, unknown>;
    if (p.description === undefined && p.$ref === undefined) {
      const words = FIELD_DOCS[`${context}.${name}`] ?? FIELD_DOCS[name];
      if (words) p.description = words;
    }
    describeFields(p, context);
  }
  for (const key of ['items', 'oneOf', 'anyOf', 'allOf', 'additionalProperties']) {
    const inner = s[key];
    if (Array.isArray(inner)) inner.forEach((i) => describeFields(i, context));
    else describeFields(inner, context);
  }
}

/** The glossary's words (operation-docs.ts FIELD_DOCS) on every property and parameter that has none of its own. */
export function withFieldWords(doc: Doc): Doc {
  for (const [name, schema] of Object.entries((doc.components?.schemas ?? {}) as Record<string, Record<string, unknown>>)) {
    const item = name.endsWith('Page') ? name.slice(0, -'Page'.length) : undefined;
    schema.description ??= SCHEMA_DOCS[name] ?? (item ? `One page of ${item} items, newest first (or oldest change first with updated_since); follow next_cursor for the next.` : undefined);
    describeFields(schema, name);
  }
  for (const ops of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(ops)) {
      const id = op.operationId ?? '';
      const body = (op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.['application/json']?.schema;
      describeFields(body, id);
      for (const param of (op.parameters ?? []) as { name?: string; description?: string; schema?: { description?: string } }[]) {
        if (!param.name || param.description !== undefined || param.schema?.description !== undefined) continue;
        const words = FIELD_DOCS[`${id}.${param.name}`] ?? FIELD_DOCS[`param:${param.name}`] ?? FIELD_DOCS[param.name];
        if (words) param.description = words;
      }
    }
  }
  return doc;
}


/**
 * OpenAPI 3.1 `webhooks`: one entry per event type, with the event it carries (the feed's
 * schema) and the signature headers, so SDK generators and reference pages show what a
 * subscriber receives. Declared only once the service delivers webhooks (a /v1/webhooks
 * route exists): until then the feed (GET /v1/events) is the way to be told.
 */
export function withWebhooks(doc: Doc & { webhooks?: Record<string, unknown>; tags?: { name: string; description: string }[] }): Doc {
  if (!doc.paths?.['/v1/webhooks']) return doc;
  if (!doc.tags?.some((t) => t.name === 'webhooks')) doc.tags = [...(doc.tags ?? []), { name: 'webhooks', description: 'What Aftercare POSTs to a subscribed URL, one entry per event type' }];
  const header = (name: string, description: string, maxLength: number) => ({ name, in: 'header', required: true, description, schema: { type: 'string', maxLength } });
  doc.webhooks = Object.fromEntries(
    (Object.keys(EVENT_TYPES) as (keyof typeof EVENT_TYPES)[]).flatMap((resource) =>
      EVENT_TYPES[resource].map((type) => [
        type,
        {
          post: {
            operationId: `webhooks.${type.replace(/[._](\w)/g, (_, c: string) => c.toUpperCase())}`,
            summary: `${type}`,
            description: `Sent to every webhook subscribed to ${type}: the event as the feed has it, signed with the webhook's secret.`,
            tags: ['webhooks'],
            security: [],
            parameters: [
              header('Aftercare-Event-Id', 'The event id; the same on every retry, so a receiver can drop duplicates.', 36),
              header('Aftercare-Event-Type', 'The event type.', 64),
              header('Aftercare-Delivery-Id', 'This delivery (GET /v1/webhooks/{id}/deliveries/{delivery_id}); a retry of the same event is a new attempt of the same delivery.', 36),
              header('Aftercare-Signature', 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret> (two v1 values during a secret rotation).', 300),
            ],
            requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${EVENT_SCHEMAS[resource]}` } } } },
            responses: { '200': { description: 'Any 2xx within 10 s is success; anything else is retried with backoff.' } },
          },
        },
      ]),
    ),
  );
  return doc;
}

/**
 * Examples from examples.ts: on each component schema that has one (a page's example is one
 * page of its item's), and on each request body by operationId.
 */
export function withExamples(doc: Doc): Doc {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, { examples?: unknown[]; properties?: { data?: { items?: { $ref?: string } } } }>;
  for (const [name, schema] of Object.entries(schemas)) {
    const example = SCHEMA_EXAMPLES[name];
    const item = schema.properties?.data?.items?.$ref?.split('/').at(-1);
    if (example !== undefined) schema.examples = [example];
    else if (item && SCHEMA_EXAMPLES[item] !== undefined && name.endsWith('Page')) schema.examples = [{ data: [SCHEMA_EXAMPLES[item]], next_cursor: null }];
  }
  for (const ops of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(ops)) {
      const media = (op.requestBody as { content?: Record<string, { example?: unknown }> } | undefined)?.content?.['application/json'];
      const example = REQUEST_EXAMPLES[op.operationId ?? ''];
      if (media && example !== undefined) media.example = example;
    }
  }
  return doc;
}

/** A component served inline for speed (NullableRef) is shown as what it is: `anyOf: [$ref, null]`. */
export function withNamedRefs<T>(node: T): T {
  if (Array.isArray(node)) node.forEach(withNamedRefs);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    const name = o['x-ref'];
    if (typeof name === 'string') {
      for (const key of Object.keys(o)) delete o[key];
      o.anyOf = [{ $ref: `#/components/schemas/${name}` }, { type: 'null' }];
      return node;
    }
    Object.values(o).forEach(withNamedRefs);
  }
  return node;
}

/**
 * "Exactly one of" rules, which the services check themselves (a 422 naming the rule, clearer
 * than a schema's "must match exactly one"), are marked on the request schema with
 * `x-exactly-one` and appear in the document as the `oneOf` an SDK can enforce.
 */
export function withExactlyOne<T>(node: T): T {
  if (Array.isArray(node)) node.forEach(withExactlyOne);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    const alternatives = o['x-exactly-one'] as { required: string[]; properties?: Record<string, unknown> }[] | undefined;
    if (alternatives) {
      // Each branch names its field with the field's own schema, and forbids the others (a
      // `false` schema), so a generated type is "this one and not that one".
      const props = (o.properties ?? {}) as Record<string, unknown>;
      const names = alternatives.flatMap((a) => a.required);
      o.oneOf = alternatives.map((a) => ({
        type: 'object',
        required: a.required,
        properties: Object.fromEntries(names.map((n) => [n, a.required.includes(n) ? (a.properties?.[n] ?? props[n]) : false])),
      }));
      delete o['x-exactly-one'];
    }
    Object.values(o).forEach(withExactlyOne);
  }
  return node;
}

/**
 * Errors as they are sent: every 4xx and 5xx is application/problem+json with the Problem
 * schema, declared by rule wherever it can answer — 500 everywhere; on /v1, 400, 429 and 503;
 * with a key, 401 and 403; with a body, 413 and 415; on a POST with Idempotency-Key, 409
 * (in flight) and 422 (reused). Route-specific ones (404, 409, 412, 422) come from the routes.
 */
export function withProblems(doc: Doc, routes: RouteFacts): Doc {
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      const responses = (op.responses ??= {});
      const add = (...codes: number[]) => codes.forEach((c) => (responses[String(c)] ??= {}));
      // Answered before any route is chosen, so by every operation: a request that cannot be
      // read (400) or whose URL and headers are over the limit (431); a path parameter over
      // the router's limit (414) wherever there is one.
      add(400, 431, 500);
      if (path.includes('{')) add(414);
      if (isApi(path)) add(503);
      if (limitedBy(routes, op.operationId)) add(429);
      if (path === '/readyz') add(503);
      // Without `security: []` an operation needs a key (the document's default).
      if (!op.security || op.security.length > 0) add(401, 403);
      // A body is read before the route runs: DELETE, which takes none, can meet these too.
      if (op.requestBody || method === 'delete') add(413, 415);
      if (method === 'post' && isApi(path) && !isPublic(path)) add(409, 422);
      for (const [status, r] of Object.entries(responses)) {
        if (/^[45]/.test(status)) responses[status] = { ...r, description: problemDescription(status), content: problem };
        else if (r.description === 'Default Response') {
          const named = Object.values(r.content ?? {})[0]?.schema?.$ref?.split('/').at(-1);
          r.description = `${status === '201' ? 'Created' : 'OK'}${named ? `: the ${named}` : ''}.`;
        }
      }
      op.responses = Object.fromEntries(Object.entries(responses).sort(([x], [y]) => x.localeCompare(y)));
    }
  }
  return doc;
}

/**
 * Adds the headers to the generated document, by rule (one place, not on every route): every
 * authenticated POST takes Idempotency-Key; every operation that can answer 412 takes If-Match;
 * a response carrying a versioned resource has an ETag, a 201 a Location; 401 says how to
 * authenticate, 429 when to retry; every /v1 response carries the rate limiter's headers (a
 * refused key is counted against the client's address); every response the CORS header.
 */
/** Statuses sent before a route (and its rate limiter) has run. */
const ANSWERED_BEFORE_ROUTING = new Set(['414', '431']);

export function withHeaders(doc: Doc, routes: RouteFacts): Doc {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, { properties?: Record<string, unknown> }>;
  const versioned = (r: Response) => {
    const refName = r.content?.['application/json']?.schema?.$ref?.split('/').at(-1);
    return refName !== undefined && schemas[refName]?.properties?.version !== undefined;
  };
  const h = (name: keyof typeof HEADER_COMPONENTS.headers) => ({ $ref: `#/components/headers/${name}` });
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      const responses = op.responses ?? {};
      const params: unknown[] = [];
      if (method === 'post' && isApi(path) && !isPublic(path)) params.push({ $ref: '#/components/parameters/IdempotencyKey' });
      if (responses['412']) params.push({ $ref: '#/components/parameters/IfMatch' });
      if (params.length) op.parameters = [...(op.parameters ?? []), ...params];
      for (const [status, r] of Object.entries(responses)) {
        const headers: Record<string, unknown> = { ...r.headers };
        if (status.startsWith('2') && versioned(r)) headers.ETag = h('ETag');
        if (status === '201' && routes.get(op.operationId ?? '')?.createdAt) headers.Location = h('Location');
        if (status.startsWith('2') && method === 'post' && isApi(path) && !isPublic(path)) headers['Idempotent-Replayed'] = h('Idempotent-Replayed');
        if (status === '401') headers['WWW-Authenticate'] = h('WWW-Authenticate');
        if (status === '429' || status === '503') headers['Retry-After'] = h('Retry-After');
        if (limitedBy(routes, op.operationId) && !status.startsWith('5') && !ANSWERED_BEFORE_ROUTING.has(status)) {
          headers['X-RateLimit-Limit'] = h('X-RateLimit-Limit');
          headers['X-RateLimit-Remaining'] = h('X-RateLimit-Remaining');
          headers['X-RateLimit-Reset'] = h('X-RateLimit-Reset');
        }
        headers['Access-Control-Allow-Origin'] = h('Access-Control-Allow-Origin');
        r.headers = headers;
      }
    }
  }
  doc.components = { ...doc.components, parameters: HEADER_COMPONENTS.parameters, headers: HEADER_COMPONENTS.headers };
  return doc;
}

/**
 * The OpenAPI 3.1 document, generated from the route schemas. Shared schemas are added
 * with their `$id` and named after it, so SDKs get `Customer`, not `def-7`.
 */
export const openapiPlugin = fp(
  async (app: FastifyInstance, opts: { publicBaseUrl: string }) => {
    for (const schema of sharedSchemas) app.addSchema(schema);
    // Who may call each operation, whether the limiter counts it, whether it takes no body,
    // where it creates: as the routes declare it (app.ts makes sure each declares its access).
    const routes = new Map<string, RouteFact>();
    app.addHook('onRoute', (route) => {
      const id = (route.schema as { operationId?: string } | undefined)?.operationId;
      if (id) routes.set(id, (route.config ?? {}) as RouteFact);
    });
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: API_INFO,
        // The origin the service is reached at (PUBLIC_BASE_URL); SDKs take it as their default base URL.
        servers: [{ url: opts.publicBaseUrl, description: 'This Aftercare service (production, staging or local: wherever PUBLIC_BASE_URL points)', 'x-internal': false } as never],
        // In the order a newcomer reads them; every tag a route uses is declared here (test/openapi.test.ts).
        tags: [
          { name: 'customers', description: 'Customers, upserted by CRM id, erasable on request' },
          { name: 'assets', description: 'Products customers own' },
          { name: 'technicians', description: 'Technicians: tier, regions, skills, capacity' },
          { name: 'tickets', description: 'Tickets (工单): intake, workflow actions, timeline' },
          { name: 'sla', description: 'Business calendars, SLA policies, breaches and the follow-up worklist' },
          { name: 'visits', description: 'Field visits (上门服务): booking, check-in, completion and the repair record the customer signed' },
          { name: 'parts', description: 'Spare parts (备件) and their stock ledger' },
          { name: 'reports', description: 'Service KPIs (JSON or CSV) and technicians\' appraisal cards (考核)' },
          { name: 'quality', description: 'Quality inspection (质检): scorecards, the sampled review queue and its scores' },
          { name: 'knowledge-base', description: 'The knowledge base (知识库 / 故障库): articles, search, and suggestions for a ticket' },
          { name: 'webhooks', description: 'Webhooks: subscriptions, their deliveries log, retries, replays and pings; and, one entry per event type, what Aftercare POSTs to a subscribed URL' },
          { name: 'surveys', description: 'Satisfaction surveys (满意度调查) sent after resolution, and their answers' },
          { name: 'public', description: 'The survey pages customers answer with their token, without an API key' },
          { name: 'churn', description: 'Churn-risk scores of customers and the model that weighs them' },
          { name: 'events', description: 'The ordered feed of changes (outbox)' },
          { name: 'jobs', description: 'Scheduled jobs and their runs' },
          { name: 'api-keys', description: 'Keys and roles' },
          { name: 'audit', description: 'Who changed what' },
          { name: 'operations', description: 'Health, readiness, metrics' },
        ],
        components: {
          securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key' } },
        },
        security: [{ apiKey: [] }],
      },
      transformObject: (documentObject) =>
        withWebhooks(withHeaders(withProblems(withExamples(withFieldWords(withWords(withExactlyOne(withNamedRefs(('openapiObject' in documentObject ? documentObject.openapiObject : {}) as Doc)), routes))), routes), routes)) as never,
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
      },
    });
  },
  { name: 'openapi' },
);
