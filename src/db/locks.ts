/**
 * Every advisory lock id the service takes, in one place so two features never pick the same
 * number by accident. Scheduled jobs claim their ticks with rows (job_runs), not with these.
 */
export const ADVISORY_LOCKS = {
  /** Held for the whole of a migration run: many instances starting at once migrate once. */
  migrations: 7_202_611_240,
  /** Serialises the start-up key check of instances starting at once (one bootstrap or first key). */
  startupKey: 7_202_611_241,
  /** One event sequencer at a time numbers the outbox (the others skip their turn). */
  eventSequencer: 7_202_611_242,
  /** One quality-sampling pass at a time (held for its transaction): quotas are counted and filled together. */
  qaSampling: 7_202_611_243,
} as const;
