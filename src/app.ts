import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import scalar from '@scalar/fastify-api-reference';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/types.ts';
import type pg from 'pg';
import { ApiKeyCache } from './http/key-cache.ts';
import { Invalidations } from './db/invalidations.ts';
import { SlaSettingsCache } from './modules/sla/sla-settings.service.ts';
import { authPlugin } from './http/auth.ts';
import { cursorsPlugin } from './http/cursors.ts';
import { percentEncodeRawUrls } from './http/raw-url.ts';
import { clientErrorHandler, errorsPlugin, frameworkErrorHandler } from './http/errors.ts';
import { idempotencyPlugin } from './http/idempotency.ts';
import { observabilityPlugin } from './http/observability.ts';
import { openapiPlugin } from './http/openapi.ts';
import { securityHeadersPlugin } from './http/security-headers.ts';
import { boundJsonDepth, refuseUnexpectedBodies, validatorCompiler } from './http/validation.ts';
import { apiKeyRoutes } from './modules/api-keys/api-keys.routes.ts';
import { assetRoutes } from './modules/assets/assets.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { customerRoutes } from './modules/customers/customers.routes.ts';
import { customerExportRoutes } from './modules/customer-export/customer-export.routes.ts';
import { technicianRoutes } from './modules/technicians/technicians.routes.ts';
import { ticketRoutes } from './modules/tickets/tickets.routes.ts';
import { ticketActionRoutes } from './modules/tickets/tickets.actions.routes.ts';
import { eventRoutes } from './modules/events/events.routes.ts';
import { slaRoutes } from './modules/sla/sla.routes.ts';
import { jobRoutes } from './jobs/jobs.routes.ts';
import { DEFAULT_JOB_SETTINGS, buildJobs, surveySettings, targetPolicy } from './jobs/registry.ts';
import { surveyRoutes } from './modules/surveys/surveys.routes.ts';
import { queueSurvey } from './modules/surveys/surveys.service.ts';
import { churnRoutes } from './modules/churn/churn.routes.ts';
import { partRoutes } from './modules/parts/parts.routes.ts';
import { visitRoutes } from './modules/visits/visits.routes.ts';
import { reportRoutes } from './modules/reports/reports.routes.ts';
import { qaRoutes } from './modules/qa/qa.routes.ts';
import { articleRoutes } from './modules/articles/articles.routes.ts';
import { articlesSolved } from './modules/articles/articles.service.ts';
import { cancelVisitsOfTicket } from './modules/visits/visits.service.ts';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.ts';
import { secretBox, type SecretBox } from './modules/webhooks/webhook-secrets.ts';
import { webhookMetrics } from './modules/webhooks/webhook-metrics.ts';
import type { JobDefinition } from './jobs/scheduler.ts';
import type { ReplicaReads } from './db/replica.ts';
import { readRoutingPlugin } from './http/read-routing.ts';
import { databaseMetrics } from './db/metrics.ts';
import { JOB_METRICS } from './jobs/job-metrics.ts';

export interface AppDeps {
  config: Pick<Config, 'LOG_LEVEL' | 'RATE_LIMIT_PER_MINUTE' | 'IDEMPOTENCY_TTL_HOURS'> &
    Partial<
      Pick<
        Config,
        | 'PUBLIC_BASE_URL'
        | 'SURVEY_DELAY_MINUTES'
        | 'SURVEY_TTL_DAYS'
        | 'SURVEY_RECOVERY_CSAT'
        | 'PUBLIC_RATE_LIMIT_PER_MINUTE'
        | 'WEBHOOK_ALLOW_PRIVATE'
        | 'WEBHOOK_ALLOW_HTTP_HOSTS'
        | 'WEBHOOK_ENCRYPTION_KEY'
        | 'REPLICA_STICKY_SECONDS'
      >
    >;
  db: Db;
  /** The pool behind db; given, API keys are cached and invalidated by LISTEN/NOTIFY. */
  pool?: pg.Pool;
  /** A direct connection to the primary for LISTEN, past PgBouncer in transaction mode (default: pool). */
  listenPool?: pg.Pool;
  /** A read replica for lists, the event feed and reports (DATABASE_REPLICA_URL). */
  replica?: ReplicaReads;
  /** The scheduled jobs the jobs API shows and runs (default: all of them). */
  jobs?: JobDefinition[];
  clock: Clock;
  logger?: FastifyServerOptions['logger'];
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Pretty logs on a terminal when pino-pretty is installed (a dev dependency, absent in the image). */
function prettyAvailable(): boolean {
  try {
    import.meta.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** Pino options: request lines carry the route pattern, never the URL, query or headers with personal data. */
export function loggerOptions(level: string): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.phone', '*.email', '*.address', '*.name', '*.token', '*.secret'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; routeOptions?: { url?: string }; id: string }) => ({
        method: req.method,
        route: req.routeOptions?.url ?? 'unmatched',
        id: req.id,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    ...(process.stdout.isTTY && level !== 'silent' && prettyAvailable() ? { transport: { target: 'pino-pretty' } } : {}),
  };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(deps.config.LOG_LEVEL),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1_048_576,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    routerOptions: { maxParamLength: 300 },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  })
    .setValidatorCompiler(validatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>();
  boundJsonDepth(app);
  percentEncodeRawUrls(app.server);
  refuseUnexpectedBodies(app);

  // Every /v1 route must say who may call it: a route without `access` fails at start-up
  // instead of silently becoming public. Routes of infrastructure plugins are public.
  app.addHook('onRoute', (route) => {
    route.config ??= {};
    const config = route.config as { access?: unknown };
    if (route.url.startsWith('/v1/')) {
      if (config.access === undefined) throw new Error(`route ${route.method} ${route.url} declares no access`);
    } else if (config.access === undefined) {
      config.access = 'public';
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorsPlugin);
  await app.register(securityHeadersPlugin);
  await app.register(openapiPlugin, { publicBaseUrl: surveySettings(deps.config).publicBaseUrl });
  await app.register(observabilityPlugin, { db: deps.db, metrics: [...databaseMetrics(deps.db, deps.pool), ...JOB_METRICS, ...webhookMetrics(deps.db), ...(deps.replica?.metrics ?? [])] });
  const invalidations = new Invalidations(deps.listenPool ?? deps.pool, app.log as never);
  const keyCache = new ApiKeyCache(invalidations);
  const slaSettings = new SlaSettingsCache(invalidations);
  await invalidations.start();
  app.addHook('onClose', async () => invalidations.close());
  await app.register(authPlugin, { db: deps.db, clock: deps.clock, cache: keyCache });
  await app.register(readRoutingPlugin, { db: deps.db, ...(deps.replica ? { replica: deps.replica } : {}), stickySeconds: deps.config.REPLICA_STICKY_SECONDS ?? 10 });
  // One limiter for every route, so a client's requests share their budgets across routes:
  // per working API key (by the hash of its secret); a refused key counts against the
  // client's address, so guessing keys is limited too; the public survey routes share one
  // tighter budget per address (PUBLIC_RATE_LIMIT_PER_MINUTE).
  const publicMax = deps.config.PUBLIC_RATE_LIMIT_PER_MINUTE ?? 30;
  await app.register(rateLimit, {
    global: true,
    max: (_request, key) => (key.startsWith('public:') ? publicMax : deps.config.RATE_LIMIT_PER_MINUTE),
    timeWindow: 60_000,
    hook: 'onRequest',
    keyGenerator: (request) =>
      request.routeOptions.config?.access === 'public' && request.url.startsWith('/v1/public/')
        ? `public:${request.ip}`
        : request.actor
          ? request.credentialHash!
          : request.ip,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `Rate limit of ${context.max} requests per minute exceeded; retry in ${Math.ceil(context.ttl / 1000)} s.`,
    }),
  });
  await app.register(cursorsPlugin, { db: deps.db });
  await app.register(idempotencyPlugin, { db: deps.db, clock: deps.clock, ttlHours: deps.config.IDEMPOTENCY_TTL_HOURS });

  await app.register(apiKeyRoutes, { db: deps.db, clock: deps.clock, keyCache });
  await app.register(customerRoutes, { db: deps.db, clock: deps.clock });
  await app.register(customerExportRoutes, { db: deps.db, clock: deps.clock });
  await app.register(assetRoutes, { db: deps.db, clock: deps.clock });
  await app.register(technicianRoutes, { db: deps.db, clock: deps.clock });
  // Tickets change only through their commands; a resolution queues the satisfaction survey, a cancellation calls off the scheduled visits.
  const ticketCommands = { db: deps.db, clock: deps.clock, slaSettings, afterResolve: queueSurvey, afterCancel: cancelVisitsOfTicket, articlesSolved };
  await app.register(ticketRoutes, ticketCommands);
  await app.register(ticketActionRoutes, ticketCommands);
  await app.register(eventRoutes, { db: deps.db });
  await app.register(slaRoutes, { db: deps.db, clock: deps.clock });
  await app.register(jobRoutes, { db: deps.db, clock: deps.clock, jobs: deps.jobs ?? buildJobs({ ...DEFAULT_JOB_SETTINGS, ...deps.config }) });
  await app.register(auditRoutes, { db: deps.db });
  await app.register(churnRoutes, { db: deps.db, clock: deps.clock });
  await app.register(partRoutes, { db: deps.db, clock: deps.clock });
  await app.register(visitRoutes, ticketCommands);
  await app.register(reportRoutes, { db: deps.db, clock: deps.clock });
  await app.register(qaRoutes, { db: deps.db, clock: deps.clock });
  await app.register(articleRoutes, { db: deps.db, clock: deps.clock });
  let box: Promise<SecretBox> | undefined;
  await app.register(webhookRoutes, {
    db: deps.db,
    clock: deps.clock,
    policy: targetPolicy(deps.config),
    box: () => (box ??= secretBox(deps.db, deps.config.WEBHOOK_ENCRYPTION_KEY)),
  });
  await app.register(surveyRoutes, {
    db: deps.db,
    clock: deps.clock,
    surveys: surveySettings(deps.config),
  });

  app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
  // The reference page shows this API only: no AI agent, MCP generator, deploy or developer
  // tools buttons (Scalar offers them on localhost), which lead outside the project.
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: {
      url: '/openapi.json',
      title: 'Aftercare API',
      pageTitle: 'Aftercare API reference',
      agent: { disabled: true },
      mcp: { disabled: true },
      hideClientButton: true,
      showDeveloperTools: 'never',
    },
  });
  return app;
}
