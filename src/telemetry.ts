// OpenTelemetry tracing, loaded before anything else (npm start runs node --import
// ./src/telemetry.ts): off, and nothing of it loaded, unless OTEL_EXPORTER_OTLP_ENDPOINT is
// set. Then every request is a trace: the HTTP server span (@opentelemetry/instrumentation-http),
// fastify's routing, hooks and handler (@fastify/otel) and every SQL statement as a child
// (@opentelemetry/instrumentation-pg), exported over OTLP/HTTP to the endpoint. The standard
// OTEL_* variables apply (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER…).
// Personal data stays out: statements carry placeholders, never parameters, and query strings
// (q=, phone numbers) are cut from every URL attribute.
import { register } from 'node:module';

const QUERY_ATTRIBUTES = ['url.full', 'url.query', 'http.url', 'http.target', 'url.path'];

if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  // Patches ESM imports of fastify, pg and node:http (import-in-the-middle).
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { NodeSDK, tracing } = await import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { BatchSpanProcessor } = tracing;
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
  const { FastifyOtelInstrumentation } = await import('@fastify/otel');
  type Span = Parameters<InstanceType<typeof BatchSpanProcessor>['onStart']>[0];

  /** Drops the query string from URL attributes as each span starts, before anything exports it. */
  const withoutQueries = {
    onStart(span: Span) {
      const attributes = (span as unknown as { attributes: Record<string, unknown> }).attributes;
      for (const name of QUERY_ATTRIBUTES) {
        const value = attributes[name];
        if (typeof value !== 'string') continue;
        if (name === 'url.query') span.setAttribute(name, '');
        else if (value.includes('?')) span.setAttribute(name, value.slice(0, value.indexOf('?')));
      }
    },
    onEnd() {},
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'aftercare',
    spanProcessors: [withoutQueries, new BatchSpanProcessor(new OTLPTraceExporter())],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' }),
      new FastifyOtelInstrumentation({ registerOnInitialization: true }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  // Spans still buffered go out when the service stops.
  const flush = () => void sdk.shutdown().catch(() => undefined);
  process.once('SIGTERM', flush);
  process.once('SIGINT', flush);
}
