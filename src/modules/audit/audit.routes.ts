import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/types.ts';
import { ROLES } from '../../http/auth.ts';
import { problemResponses, ref } from '../../http/schemas.ts';
import { listAuditEntries } from './audit.service.ts';
import { AuditPage, AuditQuery } from './audit.schemas.ts';

export const auditRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/v1/audit',
    {
      config: { access: ROLES.managers },
      schema: {
        operationId: 'audit.list',
        tags: ['audit'],
        querystring: AuditQuery,
        response: { 200: ref(AuditPage), ...problemResponses() },
      },
    },
    async (request) => listAuditEntries(db, request.query),
  );
};
