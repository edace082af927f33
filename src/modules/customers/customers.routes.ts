import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../../http/auth.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import {
  CreateCustomer,
  CustomerListQuery,
  CustomerPage,
  CustomerSchema,
  ExternalRefParams,
  PutCustomer,
  UpdateCustomer,
} from './customers.schemas.ts';
import * as service from './customers.service.ts';

export const customerRoutes: FastifyPluginAsyncTypebox<service.CustomerDeps> = async (app, deps) => {
  const tags = ['customers'];
  const one = ref(CustomerSchema);

  app.post(
    '/v1/customers',
    {
      config: { access: ROLES.staffWrite, createdAt: '/v1/customers' },
      schema: {
        operationId: 'customers.create',
        tags,
        body: CreateCustomer,
        response: { 201: one, ...problemResponses(409, 422) },
      },
    },
    async (request, reply) => {
      const created = await service.createCustomer(deps, changeContext(request), request.body);
      return sendCreated(reply, created);
    },
  );

  app.get(
    '/v1/customers',
    {
      config: { access: ROLES.staffRead },
      schema: {
        operationId: 'customers.list',
        tags,
        querystring: CustomerListQuery,
        response: { 200: ref(CustomerPage), ...problemResponses() },
      },
    },
    async (request) => service.listCustomers({ ...deps, db: request.reads }, request.query),
  );

  app.get(
    '/v1/customers/:id',
    {
      config: { access: ROLES.staffRead },
      schema: { operationId: 'customers.get', tags, params: IdParams, response: { 200: one, ...problemResponses(404) } },
    },
    async (request, reply) => withEtag(reply, await service.getCustomer(deps, request.params.id)),
  );

  app.patch(
    '/v1/customers/:id',
    {
      config: { access: ROLES.staffWrite },
      schema: {
        operationId: 'customers.update',
        tags,
        params: IdParams,
        body: UpdateCustomer,
        response: { 200: one, ...problemResponses(404, 409, 412) },
      },
    },
    async (request, reply) => {
      const updated = await service.updateCustomer(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request));
      return withEtag(reply, updated);
    },
  );

  app.put(
    '/v1/customers/by-external-ref/:ref',
    {
      config: { access: ROLES.staffWrite, createdAt: '/v1/customers' },
      schema: {
        operationId: 'customers.upsertByExternalRef',
        tags,
        params: ExternalRefParams,
        body: PutCustomer,
        response: { 200: one, 201: one, ...problemResponses(409, 412) },
      },
    },
    async (request, reply) => {
      const { customer, inserted } = await service.putByExternalRef(
        deps,
        changeContext(request),
        request.params.ref,
        request.body,
        ifMatchVersion(request),
      );
      if (inserted) reply.code(201).header('location', `/v1/customers/${customer.id}`);
      return withEtag(reply, customer);
    },
  );

  app.delete(
    '/v1/customers/:id',
    {
      config: { access: ROLES.erasers },
      schema: {
        operationId: 'customers.erase',
        tags,
        params: IdParams,
        response: { 200: one, ...problemResponses(404, 412) },
      },
    },
    async (request, reply) =>
      withEtag(reply, await service.eraseCustomer(deps, changeContext(request), request.params.id, ifMatchVersion(request))),
  );
};
