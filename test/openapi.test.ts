import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { OPERATION_DOCS } from '../src/http/operation-docs.ts';
import { withWebhooks } from '../src/http/openapi.ts';
import { EVENT_TYPES } from '../src/db/outbox.ts';
import { PROBLEM_BASE, PROBLEM_TYPES } from '../src/http/problem.ts';

let t: TestApp;
let doc: Record<string, unknown> & { paths: Record<string, Record<string, { operationId?: string; responses?: object; tags?: string[] }>> };
beforeAll(async () => {
  t = await createTestApp();
  doc = (await t.request({ method: 'GET', url: '/openapi.json', key: null })).json();
});
afterAll(async () => t.close());

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is the committed openapi/openapi.json', async () => {
    const committed = JSON.parse(await readFile(new URL('../openapi/openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(doc);
  });

  it('gives every operation a unique operationId, tags and responses', () => {
    const ids: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
        expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
        ids.push(op.operationId!);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares the headers: Idempotency-Key, If-Match, ETag, Location, replay, retry, rate limits, authentication', () => {
    type Op = { operationId?: string; parameters?: { $ref?: string }[]; responses: Record<string, { headers?: Record<string, { $ref: string }> }> };
    const components = doc.components as { parameters: Record<string, { name: string }>; headers: Record<string, unknown> };
    expect(components.parameters.IdempotencyKey!.name).toBe('Idempotency-Key');
    expect(components.parameters.IfMatch!.name).toBe('If-Match');
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, raw] of Object.entries(ops)) {
        const op = raw as unknown as Op;
        const params = (op.parameters ?? []).map((p) => p.$ref);
        const where = `${method} ${path}`;
        if (method === 'post' && path.startsWith('/v1/') && !path.startsWith('/v1/public/')) expect(params, where).toContain('#/components/parameters/IdempotencyKey');
        if (op.responses['412']) expect(params, where).toContain('#/components/parameters/IfMatch');
        else expect(params, where).not.toContain('#/components/parameters/IfMatch');
        if (op.responses['201'] && op.operationId !== 'tickets.addNote') expect(op.responses['201'].headers?.Location?.$ref, where).toBe('#/components/headers/Location');
        if (op.responses['401']) expect(op.responses['401'].headers?.['WWW-Authenticate']?.$ref, where).toBe('#/components/headers/WWW-Authenticate');
        // A refused key is counted against the client's address: 401 carries the limiter's headers too.
        if (op.responses['401']) expect(Object.keys(op.responses['401'].headers ?? {}), where).toContain('X-RateLimit-Limit');
        if (op.responses['429']) expect(op.responses['429'].headers?.['Retry-After']?.$ref, where).toBe('#/components/headers/Retry-After');
      }
    }
    const ticketGet = (doc.paths['/v1/tickets/{id}']!.get as unknown as Op).responses['200']!.headers!;
    expect(Object.keys(ticketGet)).toEqual(expect.arrayContaining(['ETag', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']));
    // A list page is not a versioned resource: no ETag.
    expect(Object.keys((doc.paths['/v1/tickets']!.get as unknown as Op).responses['200']!.headers!)).not.toContain('ETag');
  });

  it('declares every tag an operation uses, each with a description', () => {
    const declared = (doc.tags as { name: string; description?: string }[]).map((t) => t.name);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) for (const tag of op.tags ?? []) expect(declared, `${method} ${path}: ${tag}`).toContain(tag);
    }
    for (const t of doc.tags as { name: string; description?: string }[]) expect(t.description, t.name).toBeTruthy();
    expect((doc.info as { license?: { name: string } }).license?.name).toBe('MIT');
  });

  it('declares every error as the problem+json it is, wherever it can answer', () => {
    type Op = { requestBody?: unknown; security?: unknown[]; responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, raw] of Object.entries(ops)) {
        const op = raw as unknown as Op;
        const where = `${method} ${path}`;
        const codes = Object.keys(op.responses);
        for (const code of codes.filter((c) => /^[45]/.test(c))) {
          expect(Object.keys(op.responses[code]!.content ?? {}), `${where} ${code}`).toEqual(['application/problem+json']);
          expect(op.responses[code]!.content!['application/problem+json']!.schema.$ref).toBe('#/components/schemas/Problem');
        }
        expect(codes, where).toContain('500');
        if (path.startsWith('/v1/')) expect(codes, where).toEqual(expect.arrayContaining(['400', '429', '503']));
        if (op.security?.length !== 0) expect(codes, where).toEqual(expect.arrayContaining(['401', '403']));
        if (op.requestBody) expect(codes, where).toEqual(expect.arrayContaining(['413', '415']));
      }
    }
    const problem = (doc.components as { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> }).schemas.Problem!;
    expect(problem.properties.type!.enum).toEqual(Object.keys(PROBLEM_TYPES).map((slug) => PROBLEM_BASE + slug));
    expect(Object.keys(problem.properties)).toEqual(expect.arrayContaining(['errors', 'current_status', 'allowed_actions', 'routing']));
  });

  it('describes every operation and says who may call it, from the words in operation-docs.ts', () => {
    const ids: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, raw] of Object.entries(ops)) {
        const op = raw as { operationId: string; summary?: string; description?: string; security?: unknown[] };
        ids.push(op.operationId);
        expect(op.summary, `${method} ${path}`).toBe(OPERATION_DOCS[op.operationId]?.summary);
        expect(op.description, `${method} ${path}`).toMatch(op.security?.length === 0 ? /\*\*Who may call:\*\* Anyone: no API key\.$/ : /\*\*Who may call:\*\* API key roles: [a-z, ]+\.$/);
      }
    }
    // No words for an operation that does not exist.
    expect(Object.keys(OPERATION_DOCS).sort()).toEqual(ids.sort());
    const erase = doc.paths['/v1/customers/{id}']!.delete as { description: string };
    expect(erase.description).toContain('API key roles: admin, manager, integration.');
  });

  it('says what every property and parameter means', () => {
    const missing: string[] = [];
    const walk = (schema: unknown, where: string): void => {
      if (!schema || typeof schema !== 'object') return;
      const s = schema as Record<string, unknown>;
      for (const [name, prop] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown> | boolean>)) {
        if (typeof prop !== 'object') continue;
        if (prop.description === undefined && prop.$ref === undefined) missing.push(`${where}.${name}`);
        walk(prop, `${where}.${name}`);
      }
      for (const key of ['items', 'oneOf', 'anyOf', 'allOf']) [s[key]].flat().forEach((inner) => walk(inner, where));
    };
    for (const [name, schema] of Object.entries((doc.components as { schemas: Record<string, { description?: string }> }).schemas)) {
      if (!schema.description) missing.push(name);
      walk(schema, name);
    }
    for (const ops of Object.values(doc.paths)) {
      for (const raw of Object.values(ops)) {
        const op = raw as { operationId: string; requestBody?: { content: Record<string, { schema: unknown }> }; parameters?: { name?: string; description?: string }[] };
        walk(op.requestBody?.content['application/json']?.schema, op.operationId);
        for (const p of op.parameters ?? []) if (p.name && !p.description) missing.push(`${op.operationId} ?${p.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('shows an example, true to its schema, on every request body and every response', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ ...doc, $id: 'doc' });
    const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
    const schemas = (doc.components as { schemas: Record<string, { examples?: unknown[] }> }).schemas;
    const wrong: string[] = [];
    for (const [name, schema] of Object.entries(schemas)) {
      const validate = ajv.getSchema(`doc#/${pointer('components', 'schemas', name)}`)!;
      for (const example of schema.examples ?? []) if (!validate(example)) wrong.push(`${name}: ${ajv.errorsText(validate.errors)}`);
    }
    const without: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, raw] of Object.entries(ops)) {
        const op = raw as { operationId: string; requestBody?: { content: Record<string, { example?: unknown }> }; responses: Record<string, { content?: Record<string, { example?: unknown; schema?: { $ref?: string } }> }> };
        const media = op.requestBody?.content['application/json'];
        if (media) {
          if (media.example === undefined) without.push(`${op.operationId} body`);
          else {
            const validate = ajv.getSchema(`doc#/${pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema')}`)!;
            if (!validate(media.example)) wrong.push(`${op.operationId} body: ${ajv.errorsText(validate.errors)}`);
          }
        }
        for (const [status, response] of Object.entries(op.responses)) {
          const media = response.content?.['application/json'];
          if (!status.startsWith('2') || !media?.schema) continue;
          const named = media.schema.$ref?.split('/').at(-1);
          if (!(named ? schemas[named]!.examples?.length : media.example !== undefined)) without.push(`${op.operationId} ${status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(without).toEqual([]);
  });

  it('declares webhooks, one per event type with its payload and signature', () => {
    const webhooks = (doc as unknown as { webhooks: Record<string, { post: { parameters: { name: string }[]; requestBody: { content: Record<string, { schema: { $ref: string } }> } } }> }).webhooks;
    expect(Object.keys(webhooks).sort()).toEqual(Object.values(EVENT_TYPES).flat().sort());
    const breached = webhooks['ticket.sla_breached']!.post;
    expect(breached.requestBody.content['application/json']!.schema.$ref).toBe('#/components/schemas/TicketEvent');
    expect(breached.parameters.map((p) => p.name)).toEqual(['Aftercare-Event-Id', 'Aftercare-Event-Type', 'Aftercare-Delivery-Id', 'Aftercare-Signature']);
    expect(webhooks['survey.answered']!.post.requestBody.content['application/json']!.schema.$ref).toBe('#/components/schemas/SurveyEvent');
    expect(webhooks['visit.completed']!.post.requestBody.content['application/json']!.schema.$ref).toBe('#/components/schemas/VisitEvent');
    // Without the routes (a build without webhooks) the document declares none.
    expect((withWebhooks({ paths: {} }) as { webhooks?: unknown }).webhooks).toBeUndefined();
  });

  it('names its entities as components instead of inlining them', () => {
    const names = Object.keys((doc.components as { schemas: object }).schemas);
    for (const n of ['Customer', 'CustomerPage', 'Asset', 'ApiKey', 'ApiKeyCreated', 'Problem', 'AuditEntry']) expect(names).toContain(n);
    expect(JSON.stringify(doc)).not.toContain('def-');
  });
});
