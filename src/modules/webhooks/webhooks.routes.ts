import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Role } from '../../db/types.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, NoBody, problemResponses, ref } from '../../http/schemas.ts';
import { emptyBodyIsObject } from '../../http/validation.ts';
import {
  CreateWebhook,
  DeliveryListQuery,
  DeliveryPage,
  DeliveryParams,
  DeliverySchema,
  ReplayBody,
  ReplaySchema,
  UpdateWebhook,
  WebhookListQuery,
  WebhookPage,
  WebhookSchema,
  WebhookUpdatedSchema,
  WebhookWithSecretSchema,
} from './webhooks.schemas.ts';
import * as service from './webhooks.service.ts';

/** Webhooks are the integration's business: admin and integration keys. */
const WEBHOOK_ROLES: readonly Role[] = ['admin', 'integration'];

export const webhookRoutes: FastifyPluginAsyncTypebox<service.WebhookDeps> = async (app, deps) => {
  const tags = ['webhooks'];
  const access = WEBHOOK_ROLES;

  app.post(
    '/v1/webhooks',
    {
      config: { access, createdAt: '/v1/webhooks' },
      schema: { operationId: 'webhooks.create', tags, body: CreateWebhook, response: { 201: ref(WebhookWithSecretSchema), ...problemResponses(422) } },
    },
    async (request, reply) => sendCreated(reply, await service.createWebhook(deps, changeContext(request), request.body)),
  );

  app.get(
    '/v1/webhooks',
    { config: { access }, schema: { operationId: 'webhooks.list', tags, querystring: WebhookListQuery, response: { 200: ref(WebhookPage), ...problemResponses() } } },
    async (request) => service.listWebhooks(deps, request.query),
  );

  app.get(
    '/v1/webhooks/:id',
    { config: { access }, schema: { operationId: 'webhooks.get', tags, params: IdParams, response: { 200: ref(WebhookSchema), ...problemResponses(404) } } },
    async (request, reply) => withEtag(reply, await service.getWebhook(deps, request.params.id)),
  );

  app.patch(
    '/v1/webhooks/:id',
    {
      config: { access },
      schema: {
        operationId: 'webhooks.update',
        tags,
        params: IdParams,
        body: UpdateWebhook,
        response: { 200: ref(WebhookUpdatedSchema), ...problemResponses(404, 412, 422) },
      },
    },
    async (request, reply) => withEtag(reply, await service.updateWebhook(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request))),
  );

  app.delete(
    '/v1/webhooks/:id',
    { config: { access }, schema: { operationId: 'webhooks.delete', tags, params: IdParams, response: { 200: ref(WebhookSchema), ...problemResponses(404, 412) } } },
    async (request) => service.deleteWebhook(deps, changeContext(request), request.params.id, ifMatchVersion(request)),
  );

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      config: { access },
      schema: { operationId: 'webhooks.deliveries', tags, params: IdParams, querystring: DeliveryListQuery, response: { 200: ref(DeliveryPage), ...problemResponses(404) } },
    },
    async (request) => service.listDeliveries(deps, request.params.id, request.query),
  );

  app.get(
    '/v1/webhooks/:id/deliveries/:delivery_id',
    { config: { access }, schema: { operationId: 'webhooks.delivery', tags, params: DeliveryParams, response: { 200: ref(DeliverySchema), ...problemResponses(404) } } },
    async (request) => service.getDelivery(deps, request.params.id, request.params.delivery_id),
  );

  app.post(
    '/v1/webhooks/:id/deliveries/:delivery_id/retry',
    {
      config: { access, bodyOptional: true },
      preValidation: emptyBodyIsObject,
      schema: { operationId: 'webhooks.retryDelivery', tags, params: DeliveryParams, body: NoBody, response: { 202: ref(DeliverySchema), ...problemResponses(404, 409) } },
    },
    async (request, reply) => reply.code(202).send(await service.retryDelivery(deps, changeContext(request, { status: 202 }), request.params.id, request.params.delivery_id)),
  );

  app.post(
    '/v1/webhooks/:id/replay',
    {
      config: { access },
      schema: { operationId: 'webhooks.replay', tags, params: IdParams, body: ReplayBody, response: { 202: ref(ReplaySchema), ...problemResponses(404) } },
    },
    async (request, reply) => reply.code(202).send(await service.replay(deps, changeContext(request, { status: 202 }), request.params.id, request.body)),
  );

  app.post(
    '/v1/webhooks/:id/ping',
    {
      config: { access, bodyOptional: true },
      preValidation: emptyBodyIsObject,
      schema: { operationId: 'webhooks.ping', tags, params: IdParams, body: NoBody, response: { 202: ref(DeliverySchema), ...problemResponses(404) } },
    },
    async (request, reply) => reply.code(202).send(await service.ping(deps, changeContext(request, { status: 202 }), request.params.id)),
  );
};
