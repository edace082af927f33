import Type, { type Static } from 'typebox';
import { ListQueryBase, Nullable, Page, StringEnum, Timestamp, Uuid, ref, registerShared } from '../../http/schemas.ts';

export const ARTICLE_STATUSES = ['draft', 'published'] as const;
const Line = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' });
const Category = Type.String({ minLength: 1, maxLength: 100 });
const Tag = Type.String({ minLength: 1, maxLength: 50, pattern: '^[^\\s,]{1,50}$' });

export const ArticleSchema = Type.Object(
  {
    id: Uuid,
    title: Type.String({ maxLength: 300, description: 'The article’s title.' }),
    body: Type.String({ maxLength: 50_000, description: 'The article: cause, diagnosis, fix.' }),
    product_category: Nullable(Type.String({ maxLength: 100, description: 'The product category it is about, as tickets name it (category).' })),
    symptoms: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50, description: 'What the customer sees, one per line (不制冷, 漏水…): what suggestions match tickets by.' }),
    fix_steps: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 100, description: 'The fix, step by step.' }),
    tags: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50 }),
    status: StringEnum(ARTICLE_STATUSES, { description: 'draft (staff only) or published (technicians read it; suggestions offer it).' }),
    published_at: Nullable({ ...Timestamp, description: 'When it was first published.' }),
    solved_count: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647, description: 'Tickets resolved with this article in article_ids (each counted once).' }),
    last_solved_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
    version: Type.Integer({ format: 'int32', minimum: 1, maximum: 2_147_483_647 }),
  },
  { $id: 'Article', additionalProperties: false, description: 'A knowledge-base article (知识库 / 故障库): a known fault, its symptoms and its fix.' },
);
registerShared(ArticleSchema);
export const ArticlePage = Page(ArticleSchema, 'ArticlePage');
registerShared(ArticlePage);

const writable = {
  title: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S', description: 'The article’s title.' }),
  body: Type.String({ minLength: 1, maxLength: 50_000, pattern: '\\S' }),
  product_category: Type.Optional(Nullable({ ...Category, description: 'The product category it is about, as tickets name it (category).' })),
  symptoms: Type.Optional(Type.Array(Line, { maxItems: 50, description: 'What the customer sees, one per entry: suggestions match tickets by these.' })),
  fix_steps: Type.Optional(Type.Array(Line, { maxItems: 100, description: 'The fix, step by step.' })),
  tags: Type.Optional(Type.Array(Tag, { maxItems: 50, uniqueItems: true })),
  status: Type.Optional(StringEnum(ARTICLE_STATUSES, { description: 'Default draft.' })),
};

export const CreateArticle = Type.Object(writable, { additionalProperties: false });
export type CreateArticle = Static<typeof CreateArticle>;

export const UpdateArticle = Type.Object(
  { ...writable, title: Type.Optional(writable.title), body: Type.Optional(writable.body) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateArticle = Static<typeof UpdateArticle>;

export const ArticleListQuery = Type.Object(
  {
    ...ListQueryBase,
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: '\\S',
        description: 'Words (space-separated), each found anywhere in the title, symptoms or body, inside words too (不制冷 in 冰箱不制冷了, frig in refrigerator). Ranked: a word in the title counts 3, in the symptoms 2, in the body 1; best first.',
      }),
    ),
    status: Type.Optional(StringEnum(ARTICLE_STATUSES)),
    product_category: Type.Optional({ ...Category, description: 'Only articles about this product category.' }),
    tag: Type.Optional({ ...Tag, description: 'Only articles with this tag.' }),
  },
  { additionalProperties: false },
);
export type ArticleListQuery = Static<typeof ArticleListQuery>;

export const SuggestionQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ format: 'int32', minimum: 1, maximum: 50, default: 10 })) },
  { additionalProperties: false },
);
export type SuggestionQuery = Static<typeof SuggestionQuery>;

export const SuggestedArticleSchema = Type.Object(
  {
    article: ref(ArticleSchema),
    score: Type.Number({ minimum: 0, maximum: 1, description: '0.6 × best symptom match + 0.25 × title match + 0.15 if the category is the ticket’s; a match is the share of the text’s terms (English words, pairs of Chinese characters) found in the ticket’s subject and description.' }),
    category_match: Type.Boolean({ description: 'Whether the article’s product_category is the ticket’s category.' }),
    matched_symptoms: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50, description: 'The article’s symptoms at least half of whose terms the ticket mentions.' }),
  },
  { $id: 'SuggestedArticle', additionalProperties: false, description: 'An article suggested for a ticket, with why.' },
);
registerShared(SuggestedArticleSchema);

export const SuggestedArticles = Type.Object(
  { data: Type.Array(ref(SuggestedArticleSchema), { maxItems: 50 }) },
  { $id: 'SuggestedArticles', additionalProperties: false, description: 'Published articles for a ticket, best first (one ranked list, not paged).' },
);
registerShared(SuggestedArticles);
