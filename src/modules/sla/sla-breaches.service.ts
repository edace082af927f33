import type { Static } from 'typebox';
import { keysetFrom, pageOf } from '../../db/pagination.ts';
import type { Db } from '../../db/types.ts';
import { slaBreachListQuery } from './sla-breaches.repository.ts';
import type { SlaBreachListQuery } from './sla-breaches.schemas.ts';

/** GET /v1/sla-breaches: breach records (warnings with kind=warning) as the sweep made them. */
export async function listSlaBreaches(db: Db, q: Static<typeof SlaBreachListQuery>) {
  const { limit: _l, cursor: _c, updated_since: _u, kind, from, to, ...filter } = q;
  const ks = keysetFrom(q);
  const rows = await slaBreachListQuery(db, { ...filter, kind: kind ?? 'breach', ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) }, ks).execute();
  const page = pageOf(rows, ks);
  return {
    next_cursor: page.next_cursor,
    data: page.data.map(presentBreach),
  };
}

/** A breach record as the API shows it. */
export function presentBreach<R extends { at: Date; recorded_at: Date; actions: unknown; updated_at?: Date }>({ updated_at: _, ...r }: R) {
  return { ...r, at: r.at.toISOString(), recorded_at: r.recorded_at.toISOString(), actions: r.actions as string[] };
}
