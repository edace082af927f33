import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../../http/auth.ts';
import { ifMatchVersion, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { ChurnModelSchema, ChurnRiskSchema, PutChurnModel } from './churn.schemas.ts';
import * as churn from './churn.service.ts';

export const churnRoutes: FastifyPluginAsyncTypebox<churn.ChurnDeps> = async (app, deps) => {
  const tags = ['churn'];
  app.get(
    '/v1/churn/model',
    { config: { access: ROLES.staffRead }, schema: { operationId: 'churn.getModel', tags, response: { 200: ref(ChurnModelSchema), ...problemResponses() } } },
    async (_request, reply) => withEtag(reply, await churn.getModel(deps)),
  );
  app.put(
    '/v1/churn/model',
    {
      config: { access: ROLES.managers },
      schema: {
        operationId: 'churn.putModel',
        tags,
        body: PutChurnModel,
        response: { 200: ref(ChurnModelSchema), ...problemResponses(412, 422) },
      },
    },
    async (request, reply) => withEtag(reply, await churn.putModel(deps, changeContext(request), request.body, ifMatchVersion(request))),
  );
  app.get(
    '/v1/customers/:id/churn-risk',
    {
      config: { access: ROLES.staffRead },
      schema: { operationId: 'customers.churnRisk', tags, params: IdParams, response: { 200: ref(ChurnRiskSchema), ...problemResponses(404) } },
    },
    async (request) => churn.churnRisk(deps, request.params.id),
  );
};
