import type { FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Runs helmet once against a recording response and returns the headers it would set.
 * The headers never depend on the request, so applying the recorded set costs one
 * assignment per request instead of re-parsing the policy every time.
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as never, res as never, () => undefined);
  return headers;
}

// A JSON API: nothing may frame, run or embed its responses, and nothing may cache them
// (they carry personal data). Browser-document headers that mean nothing for JSON are off.
const api: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  frameguard: { action: 'deny' },
};

/** The headers a browser script may read from a cross-origin response. */
export const EXPOSED_HEADERS = ['ETag', 'Location', 'Idempotent-Replayed', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-Request-Id'];
// CORS on every answer: constant, so it is part of the one recorded header set.
const CORS_HEADERS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED_HEADERS.join(', ') };

const API_HEADERS = { ...helmetHeaders(api), 'cache-control': 'no-store', ...CORS_HEADERS };
// The reference page at /docs loads its own scripts and styles.
const DOCS_HEADERS = { ...helmetHeaders({ ...api, contentSecurityPolicy: false }), ...CORS_HEADERS };

/** The headers every answer carries, for the answers sent outside the request lifecycle (framework and client errors). */
export const securityHeadersFor = (url: string): Record<string, string> => (url.startsWith('/docs') ? DOCS_HEADERS : API_HEADERS);

export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    // CORS as GitHub's API does it: any origin may call, because nothing rides on cookies.
    // A key travels only in the Authorization header a script sets itself, and credentials
    // are never allowed, so another site gains nothing it could not do with a key it holds.
    // The survey pages a company builds call the public survey routes from the customer's browser.
    // Every answer carries the constant CORS headers above; @fastify/cors answers the
    // preflights, registered in a context of its own so its hook runs for OPTIONS only.
    await app.register(async (preflight) => preflight.register(cors, {
      origin: '*',
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Request-Id'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 86_400,
    }));
    app.addHook('onRequest', async (request, reply) => {
      reply.headers(securityHeadersFor(request.url));
    });
  },
  { name: 'security-headers' },
);
