import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/types.ts';
import { ROLES } from '../../http/auth.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { CustomerExportSchema } from './customer-export.schemas.ts';
import { exportCustomer } from './customer-export.service.ts';

export const customerExportRoutes: FastifyPluginAsyncTypebox<{ db: Db; clock: Clock }> = async (app, deps) => {
  app.get(
    '/v1/customers/:id/export',
    {
      // Who may erase a customer may also export it: the two halves of a data-subject request.
      config: { access: ROLES.erasers },
      schema: {
        operationId: 'customers.export',
        tags: ['customers'],
        params: IdParams,
        response: { 200: ref(CustomerExportSchema), ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      reply.header('content-disposition', `attachment; filename="customer-${request.params.id}.json"`);
      return exportCustomer(deps, request.params.id);
    },
  );
};
