import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifySchemaCompiler, preValidationHookHandler } from 'fastify';
import { badRequest } from './problem.ts';
import type { TSchema } from 'typebox';

const INTEGER = /^-?\d{1,15}$/;

/**
 * TypeBox's compiler: bodies are checked as sent (no coercion, unknown fields refused);
 * query strings and path parameters are converted from text first. The conversion would
 * truncate "limit=1.5" to 1, so integer parameters must be written as integers.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const inner = TypeBoxValidatorCompiler(route);
  if (route.httpPart !== 'querystring' && route.httpPart !== 'params') return inner;
  const properties = ((route.schema as { properties?: Record<string, { type?: string }> }).properties ?? {}) as Record<
    string,
    { type?: string }
  >;
  const integers = Object.entries(properties)
    .filter(([, s]) => s.type === 'integer')
    .map(([name]) => name);
  if (integers.length === 0) return inner;
  return (value: unknown) => {
    const input = (value ?? {}) as Record<string, unknown>;
    const bad = integers.filter((name) => typeof input[name] === 'string' && !INTEGER.test(input[name] as string));
    if (bad.length) {
      return {
        error: bad.map((name) => ({
          keyword: 'type',
          instancePath: `/${name}`,
          schemaPath: `#/properties/${name}/type`,
          params: { type: 'integer' },
          message: 'must be integer',
        })),
      } as never;
    }
    return (inner as (v: unknown) => unknown)(value) as never;
  };
};

/** How deep a JSON body may nest; no request of this API needs more than a few levels. */
export const MAX_JSON_DEPTH = 32;

/** Whether JSON text nests deeper than `max`: one pass over the text, before anything parses or walks it. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* backslash: skip the escaped character */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/**
 * JSON bodies are parsed by fastify's own parser (with its prototype-poisoning guards), after a
 * refusal of bodies nested deeper than MAX_JSON_DEPTH: a few kilobytes of brackets would
 * otherwise overflow the stack of whatever walks the body (validation, fingerprinting).
 */
export function boundJsonDepth(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      return done(badRequest(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`, [{ path: '/body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]), undefined);
    }
    return parse(request, body as string, done);
  });
}

/** For operations that take no body: none at all (curl -X POST) is the same as an empty object. */
export const emptyBodyIsObject: preValidationHookHandler = async (request) => {
  if (request.body === undefined || request.body === null) request.body = {};
};

/**
 * A route without a body schema (DELETE) takes no body: none, or an empty object, like the
 * bodiless actions; anything else is a 400 rather than silently ignored.
 */
export function refuseUnexpectedBodies(app: FastifyInstance): void {
  const refuse: preValidationHookHandler = async (request) => {
    const body = request.body as unknown;
    if (body === undefined || body === null) return;
    if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
    throw badRequest('This operation takes no body.', [{ path: '/body', message: 'must be absent or an empty object' }]);
  };
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    if (route.schema?.body || !methods.some((m) => m === 'DELETE' || m === 'POST' || m === 'PUT' || m === 'PATCH')) return;
    route.preValidation = [...([] as preValidationHookHandler[]).concat(route.preValidation ?? []), refuse];
  });
}
