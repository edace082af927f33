import type { Clock } from '../../clock.ts';
import { recordAudit } from '../../db/audit.ts';
import { inChange } from '../../db/change.ts';
import type { Actor, ChangeContext } from '../../db/context.ts';
import { decodeCursor, encodeCursor, keysetFrom, pageOf } from '../../db/pagination.ts';
import type { Db, Tx } from '../../db/types.ts';
import { assertVersion, notFound, ruleViolated } from '../../domain/errors.ts';
import { newId } from '../../lib/ids.ts';
import { getTicket } from '../tickets/tickets.service.ts';
import * as repo from './articles.repository.ts';
import type { ArticleListQuery, CreateArticle, SuggestionQuery, UpdateArticle } from './articles.schemas.ts';

export interface ArticleDeps {
  db: Db;
  clock: Clock;
}

export function present(row: repo.ArticleRow) {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    product_category: row.product_category,
    symptoms: row.symptoms,
    fix_steps: row.fix_steps,
    tags: row.tags,
    status: row.status,
    published_at: row.published_at?.toISOString() ?? null,
    solved_count: row.solved_count,
    last_solved_at: row.last_solved_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}

/** Technicians read published articles only: a draft is a 404 to them, as if it did not exist. */
const hidden = (actor: Actor, row: repo.ArticleRow | undefined) => !row || (actor.role === 'technician' && row.status !== 'published');

export async function createArticle(deps: ArticleDeps, ctx: ChangeContext, input: CreateArticle) {
  const now = deps.clock.now();
  const status = input.status ?? 'draft';
  return inChange(deps.db, ctx, async (tx) => {
    const row = await repo.insertArticle(tx, {
      id: newId(),
      title: input.title,
      body: input.body,
      product_category: input.product_category ?? null,
      symptoms: input.symptoms ?? [],
      fix_steps: input.fix_steps ?? [],
      tags: input.tags ?? [],
      status,
      published_at: status === 'published' ? now : null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, ctx, now, [{ action: 'created', resource_type: 'article', resource_id: row.id, fields: Object.keys(input) }]);
    return present(row);
  });
}

export async function getArticle(deps: ArticleDeps, actor: Actor, id: string) {
  const row = await repo.findArticle(deps.db, id);
  if (hidden(actor, row)) throw notFound('Article', id);
  return present(row!);
}

/** PATCH: any field; publishing stamps published_at the first time. */
export async function updateArticle(deps: ArticleDeps, ctx: ChangeContext, id: string, patch: UpdateArticle, expectedVersion?: number) {
  const now = deps.clock.now();
  return inChange(deps.db, ctx, async (tx) => {
    const current = await repo.lockArticle(tx, id);
    assertVersion('Article', id, current, expectedVersion);
    const row = await repo.updateArticle(tx, id, { ...patch, ...(patch.status === 'published' && !current.published_at ? { published_at: now } : {}) }, now);
    await recordAudit(tx, ctx, now, [{ action: 'updated', resource_type: 'article', resource_id: id, fields: Object.keys(patch) }]);
    return present(row);
  });
}

/**
 * GET /v1/articles: newest first (or by change for updated_since); with q, ranked by where
 * its words occur. Technician keys see published articles only.
 */
export async function listArticles(deps: ArticleDeps, actor: Actor, q: ArticleListQuery) {
  const { limit: _l, cursor: _c, updated_since: _u, q: text, ...filter } = q;
  if (actor.role === 'technician') {
    if (filter.status === 'draft') return { data: [], next_cursor: null };
    filter.status = 'published';
  }
  if (text && q.updated_since === undefined) {
    const limit = q.limit ?? 50;
    const after = decodeCursor(q.cursor, 'rank') as { r: number; id: string } | undefined;
    const rows = await repo.searchArticlesQuery(deps.db, filter, repo.searchWords(text), limit, after).execute();
    const more = rows.length > limit;
    const data = rows.slice(0, limit);
    const last = data.at(-1);
    return { data: data.map(present), next_cursor: more && last ? encodeCursor({ s: 'rank', r: last.rank, id: last.id }) : null };
  }
  const ks = keysetFrom(q);
  let query = repo.articleListQuery(deps.db, filter, ks);
  // With updated_since, q filters the changed articles without ranking them (sync order wins).
  if (text) query = query.where((eb) => eb.and(repo.searchWords(text).map((w) => eb(eb.fn('strpos', [eb.fn('lower', [eb.fn('aftercare_article_text', ['a.title', 'a.symptoms', 'a.body'])]), eb.val(w)]), '>', 0))));
  const page = pageOf(await query.execute(), ks);
  return { data: page.data.map(present), next_cursor: page.next_cursor };
}

/** GET /v1/tickets/{id}/suggested-articles, for a ticket the caller may see. */
export async function suggestArticles(deps: ArticleDeps, actor: Actor, ticketId: string, q: SuggestionQuery) {
  await getTicket(deps, actor, ticketId);
  const ticket = (await repo.ticketTerms(deps.db, ticketId))!;
  const { rows } = await repo.suggestQuery(ticket, q.limit ?? 10).execute(deps.db);
  return { data: rows.map((r) => ({ article: present(r), score: r.score, category_match: r.category_match, matched_symptoms: r.matched_symptoms })) };
}

/** For /resolve with article_ids: links them to the ticket and counts it on each once; 422 when one is unknown. */
export async function articlesSolved(tx: Tx, ticketId: string, articleIds: string[], now: Date): Promise<void> {
  const missing = await repo.linkSolved(tx, ticketId, articleIds, now);
  if (missing.length) {
    throw ruleViolated(
      'article-not-found',
      `No article ${missing.join(', ')}.`,
      missing.map((id) => ({ path: `/body/article_ids/${articleIds.indexOf(id)}`, message: 'is not an article' })),
    );
  }
}
