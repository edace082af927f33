import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES, actorOf } from '../../http/auth.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { CreateTechnician, TechnicianListQuery, TechnicianPage, TechnicianSchema, UpdateTechnician, WorkloadSchema } from './technicians.schemas.ts';
import * as service from './technicians.service.ts';

export const technicianRoutes: FastifyPluginAsyncTypebox<service.TechnicianDeps> = async (app, deps) => {
  const tags = ['technicians'];
  const one = ref(TechnicianSchema);
  const readers = ROLES.staffReadAndTechnicians;

  app.post(
    '/v1/technicians',
    {
      config: { access: ROLES.managers, createdAt: '/v1/technicians' },
      schema: { operationId: 'technicians.create', tags, body: CreateTechnician, response: { 201: one, ...problemResponses(422) } },
    },
    async (request, reply) => {
      const created = await service.createTechnician(deps, changeContext(request), request.body);
      return sendCreated(reply, created);
    },
  );

  app.get(
    '/v1/technicians',
    {
      config: { access: readers },
      schema: {
        operationId: 'technicians.list',
        tags,
        querystring: TechnicianListQuery,
        response: { 200: ref(TechnicianPage), ...problemResponses() },
      },
    },
    async (request) => service.listTechnicians(deps, actorOf(request), request.query),
  );

  app.get(
    '/v1/technicians/:id',
    {
      config: { access: readers },
      schema: { operationId: 'technicians.get', tags, params: IdParams, response: { 200: one, ...problemResponses(404) } },
    },
    async (request, reply) => withEtag(reply, await service.getTechnician(deps, actorOf(request), request.params.id)),
  );

  app.get(
    '/v1/technicians/:id/workload',
    {
      config: { access: readers },
      schema: {
        operationId: 'technicians.workload',
        tags,
        params: IdParams,
        response: { 200: ref(WorkloadSchema), ...problemResponses(404) },
      },
    },
    async (request) => service.getWorkload(deps, actorOf(request), request.params.id),
  );

  app.patch(
    '/v1/technicians/:id',
    {
      config: { access: ROLES.managers },
      schema: {
        operationId: 'technicians.update',
        tags,
        params: IdParams,
        body: UpdateTechnician,
        response: { 200: one, ...problemResponses(404, 412) },
      },
    },
    async (request, reply) =>
      withEtag(reply, await service.updateTechnician(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request))),
  );
};
