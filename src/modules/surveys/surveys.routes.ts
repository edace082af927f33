import { sendCreated, withEtag } from '../../http/etag.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../../http/auth.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, NoBody, problemResponses, ref } from '../../http/schemas.ts';
import { emptyBodyIsObject } from '../../http/validation.ts';
import { PublicAnswerResult, PublicSurveySchema, SurveyAnswer, SurveyListQuery, SurveyPage, SurveySchema, TokenParams } from './surveys.schemas.ts';
import * as surveys from './surveys.service.ts';

export const surveyRoutes: FastifyPluginAsyncTypebox<surveys.SurveyDeps> = async (app, deps) => {
  const tags = ['surveys'];
  app.post(
    '/v1/tickets/:id/surveys',
    {
      config: { access: ROLES.staffWrite, createdAt: '/v1/surveys', bodyOptional: true },
      preValidation: emptyBodyIsObject,
      schema: {
        operationId: 'surveys.create',
        tags,
        params: IdParams,
        body: NoBody,
        response: { 201: ref(SurveySchema), ...problemResponses(404, 409) },
      },
    },
    async (request, reply) => {
      // A replay with the same Idempotency-Key answers without the token: it is never stored.
      const ctx = changeContext(request, { present: (r) => ({ ...(r as object), token: null, respond_url: null }) });
      const created = await surveys.createSurvey(deps, ctx, request.params.id);
      return sendCreated(reply, created);
    },
  );
  app.get(
    '/v1/surveys',
    {
      config: { access: ROLES.staffRead },
      schema: { operationId: 'surveys.list', tags, querystring: SurveyListQuery, response: { 200: ref(SurveyPage), ...problemResponses() } },
    },
    async (request) => surveys.listSurveys({ ...deps, db: request.reads }, request.query),
  );
  app.get(
    '/v1/surveys/:id',
    { config: { access: ROLES.staffRead }, schema: { operationId: 'surveys.get', tags, params: IdParams, response: { 200: ref(SurveySchema), ...problemResponses(404) } } },
    async (request, reply) => withEtag(reply, await surveys.getSurvey(deps, request.params.id)),
  );

  // Public: the token is the credential. Both routes share one budget per client address,
  // tighter than a key's (the limiter in app.ts).
  const publicConfig = { access: 'public' as const };
  const publicProblems = problemResponses(404, 409, 410);
  app.get(
    '/v1/public/surveys/:token',
    {
      config: publicConfig,
      schema: {
        operationId: 'publicSurveys.get',
        tags: ['public'],
        security: [],
        params: TokenParams,
        response: { 200: ref(PublicSurveySchema), ...publicProblems },
      },
    },
    async (request) => surveys.publicSurvey(deps, request.params.token),
  );
  app.post(
    '/v1/public/surveys/:token/response',
    {
      config: { ...publicConfig, idempotent: false },
      schema: {
        operationId: 'publicSurveys.answer',
        tags: ['public'],
        security: [],
        params: TokenParams,
        body: SurveyAnswer,
        response: { 200: ref(PublicAnswerResult), ...publicProblems },
      },
    },
    async (request) => surveys.answerSurvey(deps, request.params.token, request.body),
  );
};
