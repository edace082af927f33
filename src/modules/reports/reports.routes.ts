import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ROLES, actorOf } from '../../http/auth.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { AppraisalCardSchema, AppraisalQuery, KpiQuery, KpiReportSchema } from './reports.schemas.ts';
import * as service from './reports.service.ts';

/** Whether the client asked for CSV (`Accept: text/csv`, with any parameters or q-values). */
const wantsCsv = (accept: string | undefined) => (accept ?? '').split(',').some((range) => range.split(';')[0]!.trim().toLowerCase() === 'text/csv');

export const reportRoutes: FastifyPluginAsyncTypebox<service.ReportDeps> = async (app, deps) => {
  const tags = ['reports'];

  app.get(
    '/v1/reports/kpis',
    {
      config: { access: ROLES.reporters },
      schema: {
        operationId: 'reports.kpis',
        tags,
        querystring: KpiQuery,
        produces: ['application/json', 'text/csv'],
        response: {
          200: {
            description: 'The report: JSON, or CSV with `Accept: text/csv`.',
            content: {
              'application/json': { schema: ref(KpiReportSchema) },
              'text/csv': { schema: Type.String({ maxLength: 100_000_000, description: 'One line per group, then a total line; UTF-8 with a byte-order mark.' }) },
            },
          },
          ...problemResponses(),
        },
      },
    },
    async (request, reply) => {
      const report = await service.kpiReport({ ...deps, db: request.reads }, request.query);
      if (!wantsCsv(request.headers.accept)) return report;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="kpis-${report.group_by}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv"`)
        .send(service.kpiCsv(report));
    },
  );

  app.get(
    '/v1/reports/technicians/:id',
    {
      config: { access: [...ROLES.reporters, 'technician'] },
      schema: {
        operationId: 'reports.appraisal',
        tags,
        params: IdParams,
        querystring: AppraisalQuery,
        response: { 200: ref(AppraisalCardSchema), ...problemResponses(404) },
      },
    },
    async (request) => service.appraisalCard({ ...deps, db: request.reads }, actorOf(request), request.params.id, request.query),
  );
};
