import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';
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
