import { loadConfig, type Config } from '../config.ts';
import { sweepSla } from './sla-sweep.ts';
import { probeDueClocks } from '../modules/tickets/ticket.sla-commands.ts';
import { dispatchSurveys } from '../modules/surveys/surveys.service.ts';
import { scanChurn } from '../modules/churn/churn.service.ts';
import { remindFollowUps } from './follow-up-reminders.ts';
import { recomputeSla } from './sla-recompute.ts';
import { housekeepingJob } from './housekeeping.ts';
import { remindVisits } from './visit-reminders.ts';
import type { Dispatcher } from 'undici';
import { deliverWebhooks, deliveryAgent } from '../modules/webhooks/webhook-delivery.ts';
import { secretBox, type SecretBox } from '../modules/webhooks/webhook-secrets.ts';
import type { TargetPolicy } from '../modules/webhooks/webhook-target.ts';
import { sampleForReview } from '../modules/qa/qa.service.ts';
import type { JobDefinition } from './scheduler.ts';

/** What the jobs read from the configuration. */
export type JobSettings = Pick<
  Config,
  | 'SLA_SWEEP_SCHEDULE'
  | 'SLA_SWEEP_BATCH_SIZE'
  | 'SLA_SWEEP_WORKERS'
  | 'PUBLIC_BASE_URL'
  | 'SURVEY_DELAY_MINUTES'
  | 'SURVEY_TTL_DAYS'
  | 'SURVEY_RECOVERY_CSAT'
  | 'VISIT_REMINDER_LEAD_MINUTES'
  | 'WEBHOOK_ALLOW_PRIVATE'
  | 'WEBHOOK_ALLOW_HTTP_HOSTS'
  | 'WEBHOOK_ENCRYPTION_KEY'
  | 'WEBHOOK_DELIVERY_SCHEDULE'
  | 'EVENTS_RETENTION_DAYS'
  | 'WEBHOOK_DELIVERIES_RETENTION_DAYS'
  | 'JOB_RUNS_RETENTION_DAYS'
>;

/** The defaults of config.ts, as an empty environment gives them. */
export const DEFAULT_JOB_SETTINGS: JobSettings = loadConfig({});

/** The survey settings from the environment's names, each defaulted. */
export const surveySettings = (s: Partial<Pick<JobSettings, 'PUBLIC_BASE_URL' | 'SURVEY_DELAY_MINUTES' | 'SURVEY_TTL_DAYS' | 'SURVEY_RECOVERY_CSAT'>>) => ({
  publicBaseUrl: s.PUBLIC_BASE_URL ?? DEFAULT_JOB_SETTINGS.PUBLIC_BASE_URL,
  delayMinutes: s.SURVEY_DELAY_MINUTES ?? DEFAULT_JOB_SETTINGS.SURVEY_DELAY_MINUTES,
  ttlDays: s.SURVEY_TTL_DAYS ?? DEFAULT_JOB_SETTINGS.SURVEY_TTL_DAYS,
  recoveryCsat: s.SURVEY_RECOVERY_CSAT ?? DEFAULT_JOB_SETTINGS.SURVEY_RECOVERY_CSAT,
});

/** Sends the surveys of tickets resolved SURVEY_DELAY_MINUTES ago; expires unanswered ones. */
export function surveyDispatchJob(settings: JobSettings): JobDefinition {
  return { name: 'survey-dispatch', schedule: '0 * * * * *', run: (deps) => dispatchSurveys(deps, surveySettings(settings)) };
}

/** Records SLA warnings and breaches within seconds of their time (see sla-sweep.ts). */
export function slaSweepJob(settings: JobSettings): JobDefinition {
  return {
    name: 'sla-sweep',
    schedule: settings.SLA_SWEEP_SCHEDULE,
    run: async (deps) => ({ ...(await sweepSla(deps, { batchSize: settings.SLA_SWEEP_BATCH_SIZE, workers: settings.SLA_SWEEP_WORKERS })) }),
    // One read of the two partial indexes: with nothing due, a tick costs that and no write.
    idle: async ({ db, clock }) => {
      const due = await probeDueClocks(db, clock.now());
      return !due.breach && !due.warning;
    },
  };
}

/** Scores every customer's churn risk, daily at 02:30 (and on demand through the jobs API). */
export const churnScanJob: JobDefinition = { name: 'churn-scan', schedule: '0 30 2 * * *', run: (deps) => scanChurn(deps) };

/** Tells, once, about each follow-up call coming due within a day. */
export const followUpRemindersJob: JobDefinition = { name: 'follow-up-reminders', schedule: '0 */15 * * * *', run: (deps) => remindFollowUps(deps) };

/** Tells, once, about each visit starting within VISIT_REMINDER_LEAD_MINUTES (the CRM texts the customer). */
export function visitRemindersJob(settings: Partial<Pick<JobSettings, 'VISIT_REMINDER_LEAD_MINUTES'>>): JobDefinition {
  const lead = settings.VISIT_REMINDER_LEAD_MINUTES ?? DEFAULT_JOB_SETTINGS.VISIT_REMINDER_LEAD_MINUTES;
  return { name: 'visit-reminders', schedule: '0 */5 * * * *', run: (deps) => remindVisits(deps, lead) };
}

/** Where webhooks may point, from the configuration. */
export const targetPolicy = (s: Partial<Pick<JobSettings, 'WEBHOOK_ALLOW_PRIVATE' | 'WEBHOOK_ALLOW_HTTP_HOSTS'>>): TargetPolicy => ({
  allowPrivate: s.WEBHOOK_ALLOW_PRIVATE ?? false,
  allowHttpHosts: (s.WEBHOOK_ALLOW_HTTP_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
});

/** POSTs the events to the webhooks subscribed to them (see modules/webhooks/webhook-delivery.ts). */
export function webhookDeliveryJob(settings: Partial<JobSettings>): JobDefinition {
  const policy = targetPolicy(settings);
  let dispatcher: Dispatcher | undefined;
  let box: SecretBox | undefined;
  return {
    name: 'webhook-delivery',
    schedule: settings.WEBHOOK_DELIVERY_SCHEDULE ?? DEFAULT_JOB_SETTINGS.WEBHOOK_DELIVERY_SCHEDULE,
    run: async (deps) => {
      dispatcher ??= deliveryAgent(policy);
      box ??= await secretBox(deps.db, settings.WEBHOOK_ENCRYPTION_KEY);
      return deliverWebhooks({ ...deps, policy, dispatcher, box });
    },
  };
}

/** Queues each technician's share of resolved tickets for quality review (质检), hourly at :17. */
export const qaSamplingJob: JobDefinition = { name: 'qa-sampling', schedule: '0 17 * * * *', run: (deps) => sampleForReview(deps) };

/** Brings open tickets' stored clocks up to a policy or calendar change (a no-op query otherwise). */
export const slaRecomputeJob: JobDefinition = { name: 'sla-recompute', schedule: '*/10 * * * * *', run: (deps) => recomputeSla(deps) };

/** Every scheduled job, as the scheduler runs them and the jobs API lists them. */
export function buildJobs(settings: JobSettings = DEFAULT_JOB_SETTINGS): JobDefinition[] {
  return [slaSweepJob(settings), slaRecomputeJob, surveyDispatchJob(settings), followUpRemindersJob, visitRemindersJob(settings), webhookDeliveryJob(settings), churnScanJob, qaSamplingJob, housekeepingJob(settings)];
}
