import { CHANNELS, type Invalidations } from '../../db/invalidations.ts';
import type { Db, Tx } from '../../db/types.ts';
import { activePoliciesWithCalendars, finishRecomputeUpTo, notifySettingsChanged, recomputeRequest, requestRecompute } from './sla-policies.repository.ts';


type Policies = Awaited<ReturnType<typeof activePoliciesWithCalendars>>;

/**
 * The active SLA policies with their calendars, kept in memory: every ticket change matches
 * them, and they change rarely. Calendar and policy changes send NOTIFY in their transaction;
 * while the LISTEN connection is down the cache is bypassed.
 */
export class SlaSettingsCache {
  #policies: Policies | undefined;
  // Bumped by every invalidation: a read that overlapped one is used once but not kept.
  #generation = 0;
  readonly #invalidations: Invalidations;

  constructor(invalidations: Invalidations) {
    this.#invalidations = invalidations;
    invalidations.on(CHANNELS.slaSettings, () => {
      this.#generation++;
      this.#policies = undefined;
    });
  }

  async activePolicies(db: Db | Tx): Promise<Policies> {
    if (!this.#invalidations.active) return activePoliciesWithCalendars(db);
    if (this.#policies) return this.#policies;
    const generation = this.#generation;
    const fresh = await activePoliciesWithCalendars(db);
    if (generation === this.#generation && this.#invalidations.active) this.#policies = fresh;
    return fresh;
  }
}

/**
 * In the transaction of a policy or calendar change: every instance forgets its cached
 * policies, and the sla-recompute job is asked to bring open tickets' stored clocks up to it.
 */
export async function notifySlaSettingsChanged(tx: Tx, now: Date): Promise<void> {
  await notifySettingsChanged(tx, CHANNELS.slaSettings);
  await requestRecompute(tx, now);
}

/** The request sla-recompute has not finished yet (its instant), or null. */
export async function pendingRecompute(db: Db): Promise<Date | null> {
  const state = await recomputeRequest(db);
  if (!state?.requested_at || (state.done_at && state.done_at >= state.requested_at)) return null;
  return state.requested_at;
}

/** Everything requested up to `upTo` is recomputed (a later request asks for another run). */
export const finishRecompute = (db: Db, upTo: Date) => finishRecomputeUpTo(db, upTo);
