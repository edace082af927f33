import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import client from 'prom-client';
import type { Db } from '../db/types.ts';
import { isMigrated } from '../db/migrator.ts';
import { ROLES } from './auth.ts';
import { unavailable } from './problem.ts';
import { ref, ProblemSchema } from './schemas.ts';
import Type from 'typebox';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: client.Registry;
  }
}

const Status = Type.Object({ status: Type.String({ maxLength: 32, description: 'Always "ok" with a 200.' }) }, { additionalProperties: false, examples: [{ status: 'ok' }] });

/** /healthz, /readyz and /metrics. Health probes are public and not rate limited. */
export const observabilityPlugin = fp(
  async (app: FastifyInstance, opts: { db: Db; /** Metrics modules keep (webhook deliveries), served with these. */ metrics?: client.Metric[] }) => {
    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry });
    const duration = new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    const dbUp = new client.Gauge({ name: 'aftercare_database_up', help: '1 when the last readiness probe reached the database', registers: [registry] });
    for (const metric of opts.metrics ?? []) registry.registerMetric(metric);
    app.decorate('metrics', registry);

    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, never the raw URL: ids and search terms stay out of label values.
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });

    const ops = { tags: ['operations'], security: [] };
    app.get(
      '/healthz',
      { config: { access: 'public', rateLimit: false }, schema: { ...ops, operationId: 'operations.health', response: { 200: Status } } },
      async () => ({ status: 'ok' }),
    );

    let migrated = false;
    app.get(
      '/readyz',
      {
        config: { access: 'public', rateLimit: false },
        schema: {
          ...ops,
          operationId: 'operations.ready',
          response: { 200: Status, 503: ref(ProblemSchema) },
        },
      },
      async () => {
        try {
          await sql`select 1`.execute(opts.db);
          // Once migrated, a schema cannot become un-migrated while this code runs.
          if (!migrated) migrated = await isMigrated(opts.db as never);
        } catch {
          dbUp.set(0);
          throw unavailable('The database is unreachable.');
        }
        dbUp.set(1);
        if (!migrated) throw unavailable('The database schema is not migrated yet.');
        return { status: 'ready' };
      },
    );

    app.get(
      '/metrics',
      {
        config: { access: [...ROLES.managers, 'analyst'] },
        schema: { tags: ['operations'], operationId: 'operations.metrics', produces: ['text/plain'] },
      },
      async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
    );
  },
  { name: 'observability' },
);
