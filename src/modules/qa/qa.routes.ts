import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../../http/auth.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { CreateQaScorecard, QaReviewListQuery, QaReviewPage, QaReviewSchema, QaScorecardListQuery, QaScorecardPage, QaScorecardSchema, ScoreQaReview } from './qa.schemas.ts';
import * as service from './qa.service.ts';

export const qaRoutes: FastifyPluginAsyncTypebox<service.QaDeps> = async (app, deps) => {
  const tags = ['quality'];
  const scorecard = ref(QaScorecardSchema);
  const review = ref(QaReviewSchema);

  app.post(
    '/v1/qa/scorecards',
    {
      config: { access: ROLES.reviewers, createdAt: '/v1/qa/scorecards' },
      schema: { operationId: 'qa.createScorecard', tags, body: CreateQaScorecard, response: { 201: scorecard, ...problemResponses(422) } },
    },
    async (request, reply) => sendCreated(reply, await service.createScorecard(deps, changeContext(request), request.body)),
  );

  app.get(
    '/v1/qa/scorecards',
    {
      config: { access: [...ROLES.reviewers, 'analyst'] },
      schema: { operationId: 'qa.listScorecards', tags, querystring: QaScorecardListQuery, response: { 200: ref(QaScorecardPage), ...problemResponses() } },
    },
    async (request) => service.listScorecards(deps, request.query),
  );

  app.get(
    '/v1/qa/scorecards/:id',
    {
      config: { access: [...ROLES.reviewers, 'analyst'] },
      schema: { operationId: 'qa.getScorecard', tags, params: IdParams, response: { 200: scorecard, ...problemResponses(404) } },
    },
    async (request, reply) => withEtag(reply, await service.getScorecard(deps, request.params.id)),
  );

  app.get(
    '/v1/qa/reviews',
    {
      config: { access: ROLES.reviewers },
      schema: { operationId: 'qa.listReviews', tags, querystring: QaReviewListQuery, response: { 200: ref(QaReviewPage), ...problemResponses() } },
    },
    async (request) => service.listReviews(deps, request.query),
  );

  app.get(
    '/v1/qa/reviews/:id',
    {
      config: { access: ROLES.reviewers },
      schema: { operationId: 'qa.getReview', tags, params: IdParams, response: { 200: review, ...problemResponses(404) } },
    },
    async (request, reply) => withEtag(reply, await service.getReview(deps, request.params.id)),
  );

  app.post(
    '/v1/qa/reviews/:id',
    {
      config: { access: ROLES.reviewers },
      schema: { operationId: 'qa.scoreReview', tags, params: IdParams, body: ScoreQaReview, response: { 200: review, ...problemResponses(404, 409, 412, 422) } },
    },
    async (request, reply) => withEtag(reply, await service.scoreReview(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request))),
  );
};
