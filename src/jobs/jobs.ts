import { sweepSla } from '../modules/sla/sla-sweep.ts';
import { housekeeping } from './housekeeping.ts';
import type { JobDefinition } from './scheduler.ts';

export interface JobSettings {
  /** node-cron expression of the SLA sweep (six fields: seconds first). */
  SLA_SWEEP_SCHEDULE: string;
  /** Clocks per sweep transaction. */
  SLA_SWEEP_BATCH_SIZE: number;
  /** Sweep batches run side by side (each on its own pooled connection). */
  SLA_SWEEP_WORKERS: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = { SLA_SWEEP_SCHEDULE: '*/5 * * * * *', SLA_SWEEP_BATCH_SIZE: 1000, SLA_SWEEP_WORKERS: 2 };

/** Records SLA warnings and breaches within seconds of their time (see sla-sweep.ts). */
export function slaSweepJob(settings: JobSettings): JobDefinition {
  return {
    name: 'sla-sweep',
    schedule: settings.SLA_SWEEP_SCHEDULE,
    run: async (deps) => ({ ...(await sweepSla(deps, { batchSize: settings.SLA_SWEEP_BATCH_SIZE, workers: settings.SLA_SWEEP_WORKERS })) }),
  };
}

/** Every scheduled job, as the scheduler runs them and the jobs API lists them. */
export function buildJobs(settings: JobSettings = DEFAULT_JOB_SETTINGS): JobDefinition[] {
  return [slaSweepJob(settings), housekeeping];
}
