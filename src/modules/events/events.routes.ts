import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/types.ts';
import { asStored, problemResponses, ref } from '../../http/schemas.ts';
import { readFeed } from './events.service.ts';
import { EventPage, EventsQuery } from './events.schemas.ts';

export const eventRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/v1/events',
    {
      config: { access: ['admin', 'manager', 'integration', 'analyst'] },
      serializerCompiler: asStored,
      schema: {
        operationId: 'events.list',
        tags: ['events'],
        querystring: EventsQuery,
        response: { 200: ref(EventPage), ...problemResponses() },
      },
    },
    async (request) => readFeed({ db, reads: request.reads }, request.query),
  );
};
