import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES, actorOf } from '../../http/auth.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { ArticleListQuery, ArticlePage, ArticleSchema, CreateArticle, SuggestedArticles, SuggestionQuery, UpdateArticle } from './articles.schemas.ts';
import * as service from './articles.service.ts';

export const articleRoutes: FastifyPluginAsyncTypebox<service.ArticleDeps> = async (app, deps) => {
  const tags = ['knowledge-base'];
  const one = ref(ArticleSchema);

  app.post(
    '/v1/articles',
    {
      config: { access: ROLES.authors, createdAt: '/v1/articles' },
      schema: { operationId: 'articles.create', tags, body: CreateArticle, response: { 201: one, ...problemResponses() } },
    },
    async (request, reply) => sendCreated(reply, await service.createArticle(deps, changeContext(request), request.body)),
  );

  app.get(
    '/v1/articles',
    {
      config: { access: ROLES.staffReadAndTechnicians },
      schema: { operationId: 'articles.list', tags, querystring: ArticleListQuery, response: { 200: ref(ArticlePage), ...problemResponses() } },
    },
    async (request) => service.listArticles(deps, actorOf(request), request.query),
  );

  app.get(
    '/v1/articles/:id',
    {
      config: { access: ROLES.staffReadAndTechnicians },
      schema: { operationId: 'articles.get', tags, params: IdParams, response: { 200: one, ...problemResponses(404) } },
    },
    async (request, reply) => withEtag(reply, await service.getArticle(deps, actorOf(request), request.params.id)),
  );

  app.patch(
    '/v1/articles/:id',
    {
      config: { access: ROLES.authors },
      schema: { operationId: 'articles.update', tags, params: IdParams, body: UpdateArticle, response: { 200: one, ...problemResponses(404, 412) } },
    },
    async (request, reply) => withEtag(reply, await service.updateArticle(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request))),
  );

  app.get(
    '/v1/tickets/:id/suggested-articles',
    {
      config: { access: ROLES.staffReadAndTechnicians },
      schema: {
        operationId: 'articles.suggestForTicket',
        tags,
        params: IdParams,
        querystring: SuggestionQuery,
        response: { 200: ref(SuggestedArticles), ...problemResponses(404) },
      },
    },
    async (request) => service.suggestArticles(deps, actorOf(request), request.params.id, request.query),
  );
};
