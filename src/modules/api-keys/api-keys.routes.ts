import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../../http/auth.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { ApiKeyCreatedSchema, ApiKeyListQuery, ApiKeyPage, ApiKeySchema, CreateApiKey } from './api-keys.schemas.ts';
import * as service from './api-keys.service.ts';

export const apiKeyRoutes: FastifyPluginAsyncTypebox<service.ApiKeyDeps> = async (app, deps) => {
  const tags = ['api-keys'];
  const access = ROLES.admin;

  app.post(
    '/v1/api-keys',
    {
      config: { access, createdAt: '/v1/api-keys' },
      schema: {
        operationId: 'apiKeys.create',
        tags,
        body: CreateApiKey,
        response: { 201: ref(ApiKeyCreatedSchema), ...problemResponses(409, 422) },
      },
    },
    async (request, reply) => {
      // The stored replay never holds the secret: only its hash exists at rest.
      const ctx = changeContext(request, { status: 201, present: (r) => ({ ...(r as object), secret: null }) });
      const created = await service.createApiKey(deps, ctx, request.body);
      return sendCreated(reply, created);
    },
  );

  app.get(
    '/v1/api-keys',
    {
      config: { access },
      schema: {
        operationId: 'apiKeys.list',
        tags,
        querystring: ApiKeyListQuery,
        response: { 200: ref(ApiKeyPage), ...problemResponses() },
      },
    },
    async (request) => service.listApiKeys(deps, request.query),
  );

  app.get(
    '/v1/api-keys/:id',
    {
      config: { access },
      schema: {
        operationId: 'apiKeys.get',
        tags,
        params: IdParams,
        response: { 200: ref(ApiKeySchema), ...problemResponses(404) },
      },
    },
    async (request, reply) => withEtag(reply, await service.getApiKey(deps, request.params.id)),
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      config: { access },
      schema: {
        operationId: 'apiKeys.revoke',
        tags,
        params: IdParams,
        response: { 200: ref(ApiKeySchema), ...problemResponses(404, 409, 412) },
      },
    },
    async (request, reply) => withEtag(reply, await service.revokeApiKey(deps, changeContext(request), request.params.id, ifMatchVersion(request))),
  );
};
