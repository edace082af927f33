import client from 'prom-client';

/** Runs of each job by this instance, by outcome, and how long they took. */
export const jobDuration = new client.Histogram({
  name: 'aftercare_job_duration_seconds',
  help: 'Duration of the job runs this instance made, by job and status (succeeded, failed; idle: a scheduled tick skipped because its look found nothing to do)',
  labelNames: ['job', 'status'],
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 15, 60, 300],
  registers: [],
});

/** What the runs did, from their counts: sla-sweep's breaches and warnings, survey-dispatch's surveys sent, housekeeping's deletions. */
export const jobItems = new client.Counter({
  name: 'aftercare_job_items_total',
  help: 'The counts job runs report, summed: e.g. {job="sla-sweep",count="breaches"} is SLA breaches recorded',
  labelNames: ['job', 'count'],
  registers: [],
});

export const JOB_METRICS: client.Metric[] = [jobDuration, jobItems];
