import client from 'prom-client';
import type { Db } from '../../db/types.ts';
import { oldestPendingAge } from './webhooks.repository.ts';

/** Deliveries by outcome of their attempts (succeeded, retrying, dead), counted by the instances that make them. */
export const deliveryOutcomes = new client.Counter({
  name: 'aftercare_webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome: succeeded, retrying (failed, tried again later) or dead (failed for the whole retry window)',
  labelNames: ['outcome'],
  registers: [],
});

/** The metrics /metrics serves about webhooks: the outcome counter, and the lag of the oldest pending delivery (read at scrape time). */
export function webhookMetrics(db: Db): client.Metric[] {
  const lag = new client.Gauge({
    name: 'aftercare_webhook_delivery_lag_seconds',
    help: 'Age of the oldest webhook delivery still pending (0 when none is)',
    registers: [],
    async collect() {
      this.set(await oldestPendingAge(db, new Date()));
    },
  });
  return [deliveryOutcomes, lag];
}
