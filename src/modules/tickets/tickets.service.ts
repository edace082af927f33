import type { Clock } from '../../clock.ts';
import { decodeCursor, keysetFrom, pageOf } from '../../db/pagination.ts';
import type { Db } from '../../db/types.ts';
import type { Actor } from '../../db/context.ts';
import { explainClocks } from './ticket.clocks.ts';
import { slaRowsOf } from './ticket-sla.repository.ts';
import { assertVisible, present, presentTimeline, presentWithSla, slaBlocks, type TicketView } from './ticket.view.ts';
import * as repo from './tickets.repository.ts';
import type { TicketListQuery } from './tickets.schemas.ts';

/* Reading tickets: one, a filtered list, a timeline, the clocks explained. Changes go through ticket.commands.ts. */

export interface TicketReadDeps {
  db: Db;
  clock: Clock;
}

const RECENT_SEARCH_WINDOW = 5_000;

export async function getTicket(deps: TicketReadDeps, actor: Actor, id: string): Promise<TicketView> {
  const found = await repo.findTicketWithSla(deps.db, id);
  assertVisible(actor, found, id);
  return presentWithSla(found, deps.clock.now());
}

export async function listTickets(deps: TicketReadDeps, actor: Actor, q: TicketListQuery) {
  const ks = keysetFrom(q);
  const { limit: _l, cursor: _c, updated_since: _u, ...rest } = q;
  const now = deps.clock.now();
  const filter: repo.TicketFilter = { ...rest, now };
  if (actor.role === 'technician') {
    // A technician's list is its own tickets, whatever technician_id it asks for.
    if (filter.technician_id && filter.technician_id !== actor.technicianId) return { data: [], next_cursor: null };
    filter.technician_id = actor.technicianId ?? '00000000-0000-0000-0000-000000000000';
  }
  let rows: repo.TicketRow[] | undefined;
  if (filter.q && ks.mode === 'id') {
    // A full page among the newest tickets is the exact answer (they are scanned newest
    // first); fewer means the matches are rarer, and the index finds them.
    const recent = (await repo.recentSearchQuery(deps.db, { ...filter, q: filter.q }, ks, RECENT_SEARCH_WINDOW).execute()) as repo.TicketRow[];
    if (recent.length > ks.limit) rows = recent;
  }
  rows ??= await repo.ticketListQuery(deps.db, filter, ks).execute();
  const page = pageOf(rows, ks);
  const blocks = slaBlocks(await slaRowsOf(deps.db, page.data.map((r) => r.id)), now);
  return { data: page.data.map((r) => present(r, blocks.get(r.id))), next_cursor: page.next_cursor };
}

export async function timeline(deps: TicketReadDeps, actor: Actor, id: string, q: { limit?: number; cursor?: string }) {
  assertVisible(actor, await repo.findTicket(deps.db, id), id);
  const cursor = decodeCursor(q.cursor, 'id');
  const ks = { mode: 'id' as const, limit: q.limit ?? 50, ...(cursor ? { after: { id: cursor.id } } : {}) };
  const page = pageOf(await repo.listTimeline(deps.db, id, ks), ks);
  return { data: page.data.map(presentTimeline), next_cursor: page.next_cursor };
}

/** GET /v1/tickets/{id}/sla. */
export async function explainTicketSla(deps: TicketReadDeps, actor: Actor, id: string) {
  const ticket = await repo.findTicket(deps.db, id);
  assertVisible(actor, ticket, id);
  return explainClocks(deps.db, ticket, deps.clock.now());
}
