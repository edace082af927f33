import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/types.ts';
import { badRequest } from '../../http/problem.ts';
import { problemResponses, ref } from '../../http/schemas.ts';
import { listEvents, sequenceEvents } from './events.repository.ts';
import { EventPage, EventsQuery } from './events.schemas.ts';

const encode = (position: number) => Buffer.from(`p:${position}`).toString('base64url');
function decode(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = /^p:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!/^[A-Za-z0-9_-]+$/.test(cursor) || !m) throw badRequest('after is not a cursor this feed gave out', [{ path: '/query/after', message: 'is invalid' }]);
  return Number(m[1]);
}

export const eventRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/v1/events',
    {
      config: { access: ['admin', 'manager', 'integration', 'analyst'] },
      schema: {
        operationId: 'events.list',
        tags: ['events'],
        summary: 'The ordered feed of every change; follow next_cursor to see each committed event once',
        querystring: EventsQuery,
        response: { 200: ref(EventPage), ...problemResponses() },
      },
    },
    async (request) => {
      const after = decode(request.query.after);
      const limit = request.query.limit ?? 100;
      await sequenceEvents(db);
      const rows = await listEvents(db, after, request.query.types?.split(','), limit);
      const data = rows.slice(0, limit);
      const last = data.at(-1);
      return {
        data: data.map((r) => ({
          id: r.id,
          type: r.type,
          position: Number(r.position),
          occurred_at: r.occurred_at.toISOString(),
          actor: r.actor,
          resource: { type: r.resource_type, id: r.resource_id },
          data: r.data,
        })),
        next_cursor: encode(last ? Number(last.position) : after),
      };
    },
  );
};
