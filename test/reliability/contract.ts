import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { operationsOf, type Operation } from './arbitraries.ts';
import type { Answer, Call } from './service.ts';

/**
 * What every answer must be, by the committed OpenAPI document: never a 5xx, a status the
 * operation documents, a body valid against the documented schema for that status and media
 * type (ajv), every error problem+json, and no stack trace or SQL anywhere in a body.
 */

export const doc = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../openapi/openapi.json'), 'utf8'));
export const operations: Operation[] = operationsOf(doc);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'doc', components: doc.components });
const validators = new Map<string, ValidateFunction>();

function validatorFor(op: Operation, status: string, type: string): ValidateFunction | undefined {
  const key = `${op.operationId} ${status} ${type}`;
  if (!validators.has(key)) {
    const schema = op.responses[status]?.content?.[type]?.schema;
    if (!schema) return undefined;
    validators.set(key, ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'))));
  }
  return validators.get(key);
}

// What leaks from a server that fails badly: stack frames, source paths, SQL and driver messages.
const LEAKS = [
  /\n\s+at [^\n]+:\d+:\d+/,
  /\bat (async )?[\w.<>]+ \((file:|node:|\/)[^)]*\)/,
  /node:internal/,
  /\/src\/[\w/-]+\.ts/,
  /\b(select|insert into|update|delete from)\b[^"]{0,80}\b(from|where|set|values)\b/i,
  /syntax error at or near/i,
  /violates (foreign key|unique|check|not-null) constraint/i,
  /relation "[^"]+" does not exist/i,
  /invalid input syntax for type/i,
  /\bpg_[a-z_]+\(/,
  /FST_[A-Z_]+/,
];

export function leakIn(text: string): RegExp | undefined {
  return LEAKS.find((re) => re.test(text));
}

/** Everything wrong with one answer, or an empty list. */
export function violations(op: Operation, call: Call, a: Answer): string[] {
  const out: string[] = [];
  const status = String(a.status);
  if (a.status >= 500) out.push(`answered ${a.status}`);
  const declared = op.responses[status];
  if (!declared) out.push(`status ${status} is not documented for ${op.operationId} (documented: ${Object.keys(op.responses).join(', ')})`);
  const type = String(a.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (a.status >= 400 && type !== 'application/problem+json') out.push(`an error sent as ${type || 'no content type'}`);
  if (!a.headers['x-request-id']) out.push('no X-Request-Id');
  if (declared?.content) {
    if (!declared.content[type]) {
      out.push(`sent ${type || 'no content type'}, documented ${Object.keys(declared.content).join(', ')}`);
    } else if (type.endsWith('json')) {
      const validate = validatorFor(op, status, type)!;
      if (a.json === undefined) out.push('a body that is not JSON');
      else if (!validate(a.json)) out.push(`body not as documented: ${ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 600)}`);
    }
  }
  const leak = leakIn(a.text);
  if (leak) out.push(`the body leaks internals (${leak.source})`);
  return out.map((v) => `${call.method} ${call.path.slice(0, 200)} → ${a.status}: ${v}\n  body: ${a.text.slice(0, 300)}`);
}
