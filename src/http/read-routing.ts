import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ReplicaReads } from '../db/replica.ts';
import type { Db } from '../db/types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Where this request's replica-eligible reads go (lists, the event feed, reports): the read
     * replica when one is configured and usable, else the primary. Changes never use it.
     */
    reads: Db;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Writers remembered per instance; beyond this the oldest are forgotten first. */
const MAX_WRITERS = 10_000;

/**
 * Read-your-own-writes on a replica: an API key that made a change reads its lists from the
 * primary for REPLICA_STICKY_SECONDS afterwards (on this instance; behind a load balancer,
 * route a key's requests to one instance or read one resource by id, which always uses the
 * primary). Every other list read goes to the replica while it keeps up.
 */
export const readRoutingPlugin = fp(
  async (app: FastifyInstance, opts: { db: Db; replica?: ReplicaReads; stickySeconds: number }) => {
    app.decorateRequest('reads', null as unknown as Db);
    const { replica } = opts;
    if (!replica) {
      app.addHook('onRequest', async (request) => {
        request.reads = opts.db;
      });
      return;
    }
    const stickyMs = opts.stickySeconds * 1_000;
    const writers = new Map<string, number>();
    app.addHook('preHandler', async (request) => {
      const wrote = request.credentialHash ? writers.get(request.credentialHash) : undefined;
      request.reads = wrote !== undefined && performance.now() - wrote < stickyMs ? opts.db : replica.db;
    });
    app.addHook('onResponse', async (request, reply) => {
      if (SAFE.has(request.method) || reply.statusCode >= 400 || !request.credentialHash || stickyMs === 0) return;
      writers.delete(request.credentialHash);
      writers.set(request.credentialHash, performance.now());
      if (writers.size > MAX_WRITERS) writers.delete(writers.keys().next().value!);
    });
  },
  { name: 'read-routing', dependencies: ['auth'] },
);
