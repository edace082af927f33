import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../../http/auth.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { AssetListQuery, AssetPage, AssetSchema, CreateAsset, UpdateAsset } from './assets.schemas.ts';
import * as service from './assets.service.ts';

export const assetRoutes: FastifyPluginAsyncTypebox<service.AssetDeps> = async (app, deps) => {
  const tags = ['assets'];
  const one = ref(AssetSchema);

  app.post(
    '/v1/customers/:id/assets',
    {
      config: { access: ROLES.staffWrite, createdAt: '/v1/assets' },
      schema: {
        operationId: 'assets.create',
        tags,
        params: IdParams,
        body: CreateAsset,
        response: { 201: one, ...problemResponses(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const created = await service.createAsset(deps, changeContext(request), request.params.id, request.body);
      return sendCreated(reply, created);
    },
  );

  app.get(
    '/v1/assets',
    {
      config: { access: ROLES.staffRead },
      schema: { operationId: 'assets.list', tags, querystring: AssetListQuery, response: { 200: ref(AssetPage), ...problemResponses() } },
    },
    async (request) => service.listAssets(deps, request.query),
  );

  app.get(
    '/v1/assets/:id',
    {
      config: { access: ROLES.staffRead },
      schema: { operationId: 'assets.get', tags, params: IdParams, response: { 200: one, ...problemResponses(404) } },
    },
    async (request, reply) => withEtag(reply, await service.getAsset(deps, request.params.id)),
  );

  app.patch(
    '/v1/assets/:id',
    {
      config: { access: ROLES.staffWrite },
      schema: {
        operationId: 'assets.update',
        tags,
        params: IdParams,
        body: UpdateAsset,
        response: { 200: one, ...problemResponses(404, 412, 422) },
      },
    },
    async (request, reply) =>
      withEtag(reply, await service.updateAsset(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request))),
  );
};
