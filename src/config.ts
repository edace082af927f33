import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import cron from 'node-cron';

/**
 * The environment, written once. Every deployment and every test reads its settings through
 * this schema, so a typo in a variable is a clear start-up error instead of a silent default.
 */
export const EnvSchema = Type.Object({
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  /** A streaming replica (hot standby) of DATABASE_URL: list and report reads go there while it answers and keeps up. */
  DATABASE_REPLICA_URL: Type.Optional(Type.String({ minLength: 1 })),
  /** A direct connection to the primary, past PgBouncer in transaction mode: migrations and the LISTEN connection use it. */
  DATABASE_DIRECT_URL: Type.Optional(Type.String({ minLength: 1 })),
  /** A replica further behind than this many seconds serves no reads (the primary does). */
  REPLICA_MAX_LAG_SECONDS: Type.Number({ minimum: 0, maximum: 86_400, default: 30 }),
  /** After a change, the same API key's list reads go to the primary for this many seconds (reads its own writes). */
  REPLICA_STICKY_SECONDS: Type.Number({ minimum: 0, maximum: 3_600, default: 10 }),
  DATA_DIR: Type.String({ default: '.data' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  BOOTSTRAP_API_KEY: Type.Optional(Type.String({ minLength: 24, maxLength: 200 })),
  CRON_ENABLED: Type.Boolean({ default: true }),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  /** Requests per minute per API key (or per IP without one). */
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 6000 }),
  /** Size of the pg pool. */
  DB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  /** Days the event feed keeps an event (0: for ever); an event is kept while a webhook delivery of it is. */
  EVENTS_RETENTION_DAYS: Type.Integer({ minimum: 0, maximum: 36_500, default: 365 }),
  /** Days finished webhook deliveries (succeeded or dead) are kept for their log (0: for ever). */
  WEBHOOK_DELIVERIES_RETENTION_DAYS: Type.Integer({ minimum: 0, maximum: 36_500, default: 30 }),
  /** Days scheduled and manual job runs are kept. */
  JOB_RUNS_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3_650, default: 7 }),
  /** How long Idempotency-Key records are kept, in hours (the contract says at least 24). */
  IDEMPOTENCY_TTL_HOURS: Type.Integer({ minimum: 24, default: 24 }),
  /** When the SLA sweep runs: a node-cron expression, seconds first (every second by default; a tick with nothing due is one read). */
  SLA_SWEEP_SCHEDULE: Type.String({ minLength: 1, default: '* * * * * *' }),
  /** Clocks the SLA sweep handles per transaction. */
  SLA_SWEEP_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
  /** Minutes after resolution before survey-dispatch sends the satisfaction survey. */
  SURVEY_DELAY_MINUTES: Type.Integer({ minimum: 0, maximum: 43_200, default: 60 }),
  /** Days a survey can be answered. */
  SURVEY_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 14 }),
  /** A csat at or below this opens a service-recovery care ticket. */
  SURVEY_RECOVERY_CSAT: Type.Integer({ minimum: 1, maximum: 5, default: 2 }),
  /** Requests per minute per client address on the public survey routes. */
  PUBLIC_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
  /** Minutes before a visit's window that visit-reminders emits visit.reminder_due (the CRM sends the SMS). */
  VISIT_REMINDER_LEAD_MINUTES: Type.Integer({ minimum: 1, maximum: 10_080, default: 1440 }),
  /** Webhook URLs may resolve to private, loopback, link-local and metadata addresses (tests, private networks). */
  WEBHOOK_ALLOW_PRIVATE: Type.Boolean({ default: false }),
  /** Hosts a webhook may reach over plain http (comma-separated); every other webhook URL is https. */
  WEBHOOK_ALLOW_HTTP_HOSTS: Type.String({ default: '' }),
  /** 32 bytes as 64 hex characters: the key webhook secrets are encrypted with; unset: a key kept in the database. */
  WEBHOOK_ENCRYPTION_KEY: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
  /** When the webhook-delivery job runs: a node-cron expression, seconds first. */
  WEBHOOK_DELIVERY_SCHEDULE: Type.String({ minLength: 1, default: '*/2 * * * * *' }),
  /** SLA sweep batches run side by side. */
  SLA_SWEEP_WORKERS: Type.Integer({ minimum: 1, maximum: 8, default: 2 }),
});

export type Env = Static<typeof EnvSchema>;
export type Config = Env & { PUBLIC_BASE_URL: string };

export class ConfigError extends Error {}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(EnvSchema.properties);
  const picked: Record<string, unknown> = {};
  for (const key of known) {
    const raw = source[key];
    if (raw !== undefined && raw !== '') picked[key] = raw;
  }
  const converted = Value.Convert(EnvSchema, Value.Default(EnvSchema, picked));
  if (!Value.Check(EnvSchema, converted)) {
    const problems = [...Value.Errors(EnvSchema, converted)].map(
      (e) => `${e.instancePath.replace(/^\//, '') || 'env'}: ${e.message}`,
    );
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const env = converted as Env;
  for (const name of ['SLA_SWEEP_SCHEDULE', 'WEBHOOK_DELIVERY_SCHEDULE'] as const) {
    if (!cron.validate(env[name])) throw new ConfigError(`invalid configuration: ${name}: "${env[name]}" is not a cron expression`);
  }
  return {
    ...env,
    PUBLIC_BASE_URL: (env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, ''),
  };
}
