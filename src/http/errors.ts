import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, NotFound, type FieldError } from '../domain/errors.ts';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { Problem, badRequest, fromDomain, unavailable } from './problem.ts';
import { securityHeadersFor } from './security-headers.ts';

interface ValidationIssue {
  instancePath?: string;
  schemaPath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const PART: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

/** TypeBox reports every branch of a failed union; keep one readable line per field. */
export function fieldErrors(context: string | undefined, issues: ValidationIssue[]): FieldError[] {
  const prefix = '/' + (PART[context ?? 'body'] ?? context ?? 'body');
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const schemaPath = issue.schemaPath ?? '';
    if (/\/anyOf\/\d+/.test(schemaPath.replace(/^#/, '') + '/') && !schemaPath.endsWith('anyOf')) {
      if (issue.keyword !== 'anyOf') continue;
    }
    let path = prefix + (issue.instancePath ?? '');
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'boolean' && schemaPath.endsWith('additionalProperties')) {
      message = 'is not a known field';
    } else if (issue.keyword === 'additionalProperties') {
      const names = (issue.params?.additionalProperties as string[] | undefined) ?? [];
      for (const name of names) {
        const p = `${path}/${name}`;
        if (!seen.has(p)) out.push({ path: p, message: 'is not a known field' });
        seen.add(p);
      }
      continue;
    } else if (issue.keyword === 'required') {
      const missing = (issue.params?.requiredProperties as string[] | undefined) ?? [];
      for (const name of missing) {
        const p = `${path}/${name}`;
        if (!seen.has(p)) out.push({ path: p, message: 'is required' });
        seen.add(p);
      }
      continue;
    } else if (issue.keyword === 'enum' && Array.isArray(issue.params?.allowedValues)) {
      message = `must be one of: ${(issue.params.allowedValues as unknown[]).join(', ')}`;
    } else if (issue.keyword === 'anyOf') {
      message = 'does not match any allowed form';
    }
    if (path.endsWith('/')) path = path.slice(0, -1);
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, message });
  }
  return out;
}

const PG_BAD_INPUT = new Set(['22P02', '22P05', '22007', '22008', '22003', '22001', '22021', '22023', '2201W', '2201X', '54000']);
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const NET_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH']);

export function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (!e) return false;
  if (e.code && (PG_UNAVAILABLE.has(e.code) || NET_DOWN.has(e.code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not currently accepting connections|the database system is (starting up|shutting down)/.test(
    e.message ?? '',
  );
}

/** Maps anything thrown to a problem; unknown errors become a 500 whose details stay in the log. */
export function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  if (err instanceof DomainError) return fromDomain(err);
  const e = err as FastifyError & { validation?: ValidationIssue[]; validationContext?: string; code?: string };
  if (e?.validation) {
    const errors = fieldErrors(e.validationContext, e.validation);
    return badRequest(`The request is invalid: ${errors.map((x) => `${x.path} ${x.message}`).join('; ')}`, errors);
  }
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new Problem('too-large', 'The request body is over 1 MiB.');
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new Problem('unsupported-media-type', 'Send application/json.');
  if (e?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return badRequest('The JSON body is empty.');
  if (e?.code && PG_BAD_INPUT.has(e.code)) return badRequest('A value in the request is out of range or malformed.');
  if (e?.code === '40001' || e?.code === '40P01') {
    return new Problem('concurrent-change', 'A concurrent change got in the way; retry the request.', { headers: { 'retry-after': '1' } });
  }
  if (isDatabaseDown(err)) return unavailable('The database is unreachable; retry shortly.');
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 429) {
      return new Problem('rate-limited', e.message || 'Rate limit exceeded.');
    }
    return new Problem(e.statusCode === 404 ? 'not-found' : 'bad-request', e.message || 'Bad request', { status: e.statusCode });
  }
  return new Problem('internal', 'Something went wrong on our side; the request id identifies it in our logs.');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  if (problem.headers) for (const [k, v] of Object.entries(problem.headers)) reply.header(k, v);
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(problem.body(request.url.split('?')[0]));
}

export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err, request, reply) => {
      const problem = toProblem(err);
      if (problem.status >= 500) {
        // Log the error itself (never the request body): the id ties it to the client's report.
        request.log.error({ err: { message: (err as Error)?.message, code: (err as { code?: string })?.code, stack: (err as Error)?.stack } }, 'request failed');
      }
      return sendProblem(request, reply, problem);
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(request, reply, fromDomain(new NotFound(`Route ${request.method} ${request.url.split('?')[0]}`))),
    );
  },
  { name: 'errors' },
);

/**
 * Errors fastify answers before a route is found (fastify's `frameworkErrors`): a malformed
 * %-escape in the path, a path parameter over the router's limit. problem+json with the
 * request id and the usual headers, like every other answer.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem =
    err.code === 'FST_ERR_BAD_URL'
      ? new Problem('bad-request', 'The URL has a malformed %-escape.')
      : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new Problem('uri-too-long', 'A path parameter is longer than 300 characters.')
        : toProblem(err);
  reply.headers(securityHeadersFor(request.url ?? '/')).header('x-request-id', request.id);
  return sendProblem(request, reply, problem);
}

const CLIENT_ERRORS: Record<string, ProblemArgs> = {
  ERR_HTTP_REQUEST_TIMEOUT: ['request-timeout', 'The request did not arrive in time.'],
  HPE_HEADER_OVERFLOW: ['headers-too-large', 'The request line and headers are over 16 KiB.'],
  HPE_INVALID_URL: [
    'bad-request',
    'The URL holds characters that must be percent-encoded (such as UTF-8 text in a query on a kept-alive connection): encode them, e.g. q=%E5%BC%A0%E4%BC%9F for q=张伟, or curl -G --data-urlencode "q=张伟".',
  ],
};
type ProblemArgs = ConstructorParameters<typeof Problem>;

/**
 * Requests Node's HTTP parser refuses before fastify sees them (headers over the limit, a
 * timeout, a malformed request line): answered on the socket as problem+json with the usual
 * headers and a request id, instead of Node's bare JSON.
 */
export function clientErrorHandler(this: { log?: { info(obj: object, msg: string): void } } | undefined, err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const args = CLIENT_ERRORS[err.code ?? ''] ?? (['bad-request', 'The request could not be parsed as HTTP.'] as ProblemArgs);
  const problem = new Problem(...args);
  const body = JSON.stringify(problem.body());
  const requestId = randomUUID();
  // Logged like a request: its id, status and the parser's code, never the bytes it refused.
  this?.log?.info({ reqId: requestId, res: { statusCode: problem.status }, code: err.code }, 'request refused by the HTTP parser');
  const headers = { ...securityHeadersFor('/'), 'content-type': 'application/problem+json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': requestId, connection: 'close' };
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${problem.status} ${problem.title}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
