import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sharedSchemas } from './schemas.ts';

export const API_INFO = {
  title: 'Aftercare API',
  version: '1.0.0',
  description:
    'Headless after-sales service: customers and their products, tickets, technicians, SLA clocks, surveys. ' +
    'Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 9457 problem+json.',
  license: { name: 'MIT', identifier: 'MIT' },
};

const header = (description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ description, schema });

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
    Location: header('Where the created resource is.', { type: 'string', format: 'uri-reference' }),
    IdempotentReplayed: header('"true" when this is the stored answer to an earlier request with the same Idempotency-Key.', { type: 'string', enum: ['true'] }),
    RetryAfter: header('Seconds to wait before retrying.', { type: 'integer', minimum: 0 }),
    RateLimitLimit: header('Requests allowed per minute for this key (or client address).', { type: 'integer', minimum: 0 }),
    RateLimitRemaining: header('Requests left in the current minute.', { type: 'integer', minimum: 0 }),
    RateLimitReset: header('Seconds until the limit resets.', { type: 'integer', minimum: 0 }),
    WWWAuthenticate: header('How to authenticate: Bearer with an API key.'),
  },
} as const;

type Operation = { parameters?: unknown[]; responses?: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema?: { $ref?: string } }> }> };

/**
 * Adds the headers to the generated document, by rule (one place, not on every route): every
 * authenticated POST takes Idempotency-Key; every operation that can answer 412 takes If-Match;
 * a response carrying a versioned resource has an ETag, a 201 a Location; 401 says how to
 * authenticate, 429 when to retry; every response the limiter has counted carries its headers.
 */
export function withHeaders(doc: { paths?: Record<string, Record<string, Operation>>; components?: Record<string, unknown> }) {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, { properties?: Record<string, unknown> }>;
  const versioned = (r: { content?: Record<string, { schema?: { $ref?: string } }> }) => {
    const refName = r.content?.['application/json']?.schema?.$ref?.split('/').at(-1);
    return refName !== undefined && schemas[refName]?.properties?.version !== undefined;
  };
  const h = (name: keyof typeof HEADER_COMPONENTS.headers) => ({ $ref: `#/components/headers/${name}` });
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      const responses = op.responses ?? {};
      const params: unknown[] = [];
      if (method === 'post' && path.startsWith('/v1/') && !path.startsWith('/v1/public/')) params.push({ $ref: '#/components/parameters/IdempotencyKey' });
      if (responses['412']) params.push({ $ref: '#/components/parameters/IfMatch' });
      if (params.length) op.parameters = [...(op.parameters ?? []), ...params];
      for (const [status, r] of Object.entries(responses)) {
        const headers: Record<string, unknown> = { ...r.headers };
        if (status.startsWith('2') && versioned(r)) headers.ETag = h('ETag');
        if (status === '201') headers.Location = h('Location');
        if (status.startsWith('2') && method === 'post' && !path.startsWith('/v1/public/')) headers['Idempotent-Replayed'] = h('IdempotentReplayed');
        if (status === '401') headers['WWW-Authenticate'] = h('WWWAuthenticate');
        if (status === '429') headers['Retry-After'] = h('RetryAfter');
        // The limiter runs after authentication: a 401 or 403 is answered before it counts.
        if (path.startsWith('/v1/') && status !== '401' && status !== '403') {
          headers['X-RateLimit-Limit'] = h('RateLimitLimit');
          headers['X-RateLimit-Remaining'] = h('RateLimitRemaining');
          headers['X-RateLimit-Reset'] = h('RateLimitReset');
        }
        if (Object.keys(headers).length) r.headers = headers;
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
  async (app: FastifyInstance) => {
    for (const schema of sharedSchemas) app.addSchema(schema);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: API_INFO,
        servers: [{ url: '/' }],
        // In the order a newcomer reads them; every tag a route uses is declared here (test/openapi.test.ts).
        tags: [
          { name: 'customers', description: 'Customers, upserted by CRM id, erasable on request' },
          { name: 'assets', description: 'Products customers own' },
          { name: 'technicians', description: 'Technicians: tier, regions, skills, capacity' },
          { name: 'tickets', description: 'Tickets (工单): intake, workflow actions, timeline' },
          { name: 'sla', description: 'Business calendars, SLA policies, breaches and the follow-up worklist' },
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
      transformObject: (documentObject) => withHeaders(('openapiObject' in documentObject ? documentObject.openapiObject : {}) as never) as never,
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
      },
    });
  },
  { name: 'openapi' },
);
