import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../../http/auth.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { CreateMovement, CreatePart, MovementListQuery, PartListQuery, PartMovementPage, PartMovementSchema, PartPage, PartSchema, UpdatePart } from './parts.schemas.ts';
import * as service from './parts.service.ts';

export const partRoutes: FastifyPluginAsyncTypebox<service.PartDeps> = async (app, deps) => {
  const tags = ['parts'];
  const one = ref(PartSchema);

  app.post(
    '/v1/parts',
    {
      config: { access: ROLES.managers, createdAt: '/v1/parts' },
      schema: { operationId: 'parts.create', tags, body: CreatePart, response: { 201: one, ...problemResponses(409) } },
    },
    async (request, reply) => sendCreated(reply, await service.createPart(deps, changeContext(request), request.body)),
  );

  app.get(
    '/v1/parts',
    {
      config: { access: ROLES.staffReadAndTechnicians },
      schema: { operationId: 'parts.list', tags, querystring: PartListQuery, response: { 200: ref(PartPage), ...problemResponses() } },
    },
    async (request) => service.listParts(deps, request.query),
  );

  app.get(
    '/v1/parts/:id',
    {
      config: { access: ROLES.staffReadAndTechnicians },
      schema: { operationId: 'parts.get', tags, params: IdParams, response: { 200: one, ...problemResponses(404) } },
    },
    async (request, reply) => withEtag(reply, await service.getPart(deps, request.params.id)),
  );

  app.patch(
    '/v1/parts/:id',
    {
      config: { access: ROLES.managers },
      schema: { operationId: 'parts.update', tags, params: IdParams, body: UpdatePart, response: { 200: one, ...problemResponses(404, 412) } },
    },
    async (request, reply) =>
      withEtag(reply, await service.updatePart(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request))),
  );

  app.post(
    '/v1/parts/:id/movements',
    {
      config: { access: ROLES.managers },
      schema: {
        operationId: 'parts.recordMovement',
        tags,
        params: IdParams,
        body: CreateMovement,
        response: { 200: ref(PartMovementSchema), ...problemResponses(404, 409) },
      },
    },
    // 200 with the ledger row, as Stripe answers a balance transaction: the row has no URL of its own.
    async (request) => service.recordMovement(deps, changeContext(request), request.params.id, request.body),
  );

  app.get(
    '/v1/parts/:id/movements',
    {
      config: { access: ROLES.staffRead },
      schema: {
        operationId: 'parts.movements',
        tags,
        params: IdParams,
        querystring: MovementListQuery,
        response: { 200: ref(PartMovementPage), ...problemResponses(404) },
      },
    },
    async (request) => service.listMovements(deps, request.params.id, request.query),
  );
};
