import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/types.ts';
import { ROLES } from '../../http/auth.ts';
import { keysetFrom, pageOf } from '../../http/pagination.ts';
import { problemResponses, ref } from '../../http/schemas.ts';
import { listAudit } from './audit.repository.ts';
import { AuditPage, AuditQuery } from './audit.schemas.ts';

export const auditRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/v1/audit',
    {
      config: { access: ROLES.managers },
      schema: {
        operationId: 'audit.list',
        tags: ['audit'],
        summary: 'Changes to customers, assets and API keys, newest first',
        querystring: AuditQuery,
        response: { 200: ref(AuditPage), ...problemResponses() },
      },
    },
    async (request) => {
      const q = request.query;
      const [type, id] = (q.resource ?? '').split('/');
      const ks = keysetFrom(q);
      const rows = await listAudit(
        db,
        {
          ...(type ? { resource_type: type } : {}),
          ...(id ? { resource_id: id } : {}),
          ...(q.actor ? { actor: q.actor } : {}),
          ...(q.from ? { from: new Date(q.from) } : {}),
          ...(q.to ? { to: new Date(q.to) } : {}),
        },
        ks,
      );
      const page = pageOf(rows, ks);
      return {
        next_cursor: page.next_cursor,
        data: page.data.map((r) => ({
          id: r.id,
          occurred_at: r.occurred_at.toISOString(),
          actor: { kind: r.actor_kind, id: r.actor_id, role: r.actor_role },
          action: r.action,
          resource: { type: r.resource_type, id: r.resource_id },
          fields: r.fields,
          request_id: r.request_id,
        })),
      };
    },
  );
};
