import { sql, type Insertable, type RawBuilder, type Selectable, type Updateable } from 'kysely';
import { applyKeyset, type Keyset } from '../../db/pagination.ts';
import type { ArticlesTable, Db, Tx } from '../../db/types.ts';

export const ARTICLE_COLUMNS = [
  'id',
  'title',
  'body',
  'product_category',
  'symptoms',
  'fix_steps',
  'tags',
  'status',
  'published_at',
  'solved_count',
  'last_solved_at',
  'created_at',
  'updated_at',
  'version',
] as const;
export type ArticleRow = Pick<Selectable<ArticlesTable>, (typeof ARTICLE_COLUMNS)[number]>;
const COLUMNS = sql.join(ARTICLE_COLUMNS.map((c) => sql.ref(`a.${c}`)));

export async function insertArticle(tx: Tx, row: Insertable<ArticlesTable>): Promise<ArticleRow> {
  return tx.insertInto('articles').values(row).returning(ARTICLE_COLUMNS).executeTakeFirstOrThrow();
}

export async function findArticle(db: Db | Tx, id: string): Promise<ArticleRow | undefined> {
  return db.selectFrom('articles').select(ARTICLE_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function lockArticle(tx: Tx, id: string): Promise<ArticleRow | undefined> {
  return tx.selectFrom('articles').select(ARTICLE_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateArticle(tx: Tx, id: string, patch: Updateable<ArticlesTable>, at: Date): Promise<ArticleRow> {
  return tx
    .updateTable('articles')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returning(ARTICLE_COLUMNS)
    .executeTakeFirstOrThrow();
}

export type ArticleFilter = { status?: 'draft' | 'published'; product_category?: string; tag?: string };

function filtered(db: Db, f: ArticleFilter) {
  let q = db.selectFrom('articles as a').select(ARTICLE_COLUMNS.map((c) => `a.${c}` as const));
  if (f.status) q = q.where('a.status', '=', f.status);
  if (f.product_category) q = q.where('a.product_category', '=', f.product_category);
  if (f.tag) q = q.where(sql<boolean>`a.tags @> array[${f.tag}]::text[]`);
  return q;
}

export function articleListQuery(db: Db, f: ArticleFilter, ks: Keyset) {
  return applyKeyset(filtered(db, f), 'a', ks);
}

/** The words of `q`, lower-cased: each must occur in the article. */
export const searchWords = (q: string) => [...new Set(q.toLowerCase().trim().split(/\s+/).filter(Boolean))];

/**
 * `q` search: every word's n-grams are in the article's (the GIN index finds the candidates),
 * and the word itself occurs in its text (strpos: no false hit from grams found apart). Ranked
 * by where each word occurs — title 3, symptoms 2, body 1 — then newest first; pages by
 * (rank, id).
 */
export function searchArticlesQuery(db: Db, f: ArticleFilter, words: string[], limit: number, after?: { r: number; id: string }) {
  const rank = sql.join(
    words.map(
      (w) => sql`(case when strpos(lower(a.title), ${w}) > 0 then 3 else 0 end
        + case when strpos(lower(array_to_string(a.symptoms, ' ')), ${w}) > 0 then 2 else 0 end
        + case when strpos(lower(a.body), ${w}) > 0 then 1 else 0 end)`,
    ),
    sql` + `,
  );
  let q = filtered(db, f).select(sql<number>`${rank}`.as('rank'));
  for (const w of words) {
    q = q.where(sql<boolean>`a.search_grams @> aftercare_ngrams(${w})`).where(sql<boolean>`strpos(lower(aftercare_article_text(a.title, a.symptoms, a.body)), ${w}) > 0`);
  }
  const ranked = db.selectFrom(q.as('m')).selectAll();
  const page = after ? ranked.where(sql<boolean>`(m.rank, m.id) < (${after.r}, ${after.id})`) : ranked;
  return page.orderBy('m.rank', 'desc').orderBy('m.id', 'desc').limit(limit + 1);
}

/** A ticket's terms (its subject and description) and category, as suggestions compare them. */
export async function ticketTerms(db: Db, ticketId: string): Promise<{ terms: string[]; category: string } | undefined> {
  const { rows } = await sql<{ terms: string[]; category: string }>`
    select aftercare_terms(subject || ' ' || description) as terms, category from tickets where id = ${ticketId}`.execute(db);
  return rows[0];
}

/**
 * Published articles for a ticket's terms and category: those sharing a term (the GIN index
 * on match_terms) or of its category, scored by how much of their best symptom and of their
 * title the ticket mentions, and by category. The terms are a parameter, so the planner
 * sees them and uses the indexes.
 */
export function suggestQuery(ticket: { terms: string[]; category: string }, limit: number) {
  const terms = sql`${ticket.terms}::text[]`;
  // How many of a stored term list (jsonb array, or text[] for the title) the ticket mentions.
  const coveredJson = (list: RawBuilder<unknown>) => sql`(select count(*) from jsonb_array_elements_text(${list}) g where g = any(${terms}))`;
  return sql<ArticleRow & { score: number; category_match: boolean; matched_symptoms: string[] }>`
    with scored as (
      select a.*, (a.product_category = ${ticket.category}) as category_match,
        coalesce((select max(${coveredJson(sql`st`)}::float8 / nullif(jsonb_array_length(st), 0)) from jsonb_array_elements(a.symptom_terms) st), 0) as symptom_cover,
        coalesce((select count(*) from unnest(a.title_terms) g where g = any(${terms}))::float8 / nullif(cardinality(a.title_terms), 0), 0) as title_cover,
        array(select u.s from unnest(a.symptoms) with ordinality as u(s, n)
              where ${coveredJson(sql`a.symptom_terms -> (u.n::int - 1)`)} * 2 >= greatest(jsonb_array_length(a.symptom_terms -> (u.n::int - 1)), 1)) as matched_symptoms
      -- Each way in on its own index: sharing a term (GIN), or else of the ticket's category.
      from (
        select * from articles where status = 'published' and match_terms && ${terms}
        union all
        select * from articles where status = 'published' and product_category = ${ticket.category} and not (match_terms && ${terms})
      ) a
    )
    select ${COLUMNS}, a.category_match, a.matched_symptoms,
      round((0.6 * a.symptom_cover + 0.25 * a.title_cover + case when a.category_match then 0.15 else 0 end)::numeric, 4)::float8 as score
    from scored a
    order by score desc, a.solved_count desc, a.id desc
    limit ${limit}`;
}

/**
 * Links the articles that solved a ticket (once per ticket and article) and counts each new
 * link on its article, in one statement. Returns the ids that name no article.
 */
export async function linkSolved(tx: Tx, ticketId: string, articleIds: string[], at: Date): Promise<string[]> {
  const { rows } = await sql<{ missing: string[] | null }>`
    with linked as (
      insert into ticket_articles (ticket_id, article_id, linked_at)
      select ${ticketId}, a.id, ${at} from articles a where a.id = any(${articleIds}::uuid[])
      on conflict do nothing
      returning article_id
    ),
    counted as (
      update articles a set solved_count = a.solved_count + 1, last_solved_at = ${at}
      from linked l where a.id = l.article_id
      returning a.id
    )
    select array(select id::text from unnest(${articleIds}::uuid[]) as x(id) where not exists (select 1 from articles a where a.id = x.id)) as missing,
           (select count(*) from counted) as n`.execute(tx);
  return rows[0]!.missing ?? [];
}
