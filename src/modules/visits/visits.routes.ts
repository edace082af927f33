import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ROLES, actorOf } from '../../http/auth.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { emptyBodyIsObject } from '../../http/validation.ts';
import { renderServiceReport } from './service-report.ts';
import { CancelVisitBody, CompleteVisitBody, CreateVisit, UpdateVisit, VisitListQuery, VisitNoteBody, VisitPage, VisitRecordSchema, VisitSchema } from './visits.schemas.ts';
import * as service from './visits.service.ts';

/** Who works a visit on site: staff who write, and technician keys for their own visits. */
const VISIT_WORKERS = [...ROLES.staffWrite, 'technician'] as const;

export const visitRoutes: FastifyPluginAsyncTypebox<service.VisitDeps> = async (app, deps) => {
  const tags = ['visits'];
  const one = ref(VisitSchema);

  app.post(
    '/v1/tickets/:id/visits',
    {
      config: { access: ROLES.staffWrite, createdAt: '/v1/visits' },
      schema: { operationId: 'visits.create', tags, params: IdParams, body: CreateVisit, response: { 201: one, ...problemResponses(404, 409, 422) } },
    },
    async (request, reply) => sendCreated(reply, await service.bookVisit(deps, changeContext(request), request.params.id, request.body)),
  );

  app.get(
    '/v1/visits',
    {
      config: { access: ROLES.staffReadAndTechnicians },
      schema: { operationId: 'visits.list', tags, querystring: VisitListQuery, response: { 200: ref(VisitPage), ...problemResponses() } },
    },
    async (request) => service.listVisits(deps, actorOf(request), request.query),
  );

  app.get(
    '/v1/visits/:id',
    {
      config: { access: ROLES.staffReadAndTechnicians },
      schema: { operationId: 'visits.get', tags, params: IdParams, response: { 200: one, ...problemResponses(404) } },
    },
    async (request, reply) => withEtag(reply, await service.getVisit(deps, actorOf(request), request.params.id)),
  );

  app.patch(
    '/v1/visits/:id',
    {
      config: { access: ROLES.staffWrite },
      schema: { operationId: 'visits.update', tags, params: IdParams, body: UpdateVisit, response: { 200: one, ...problemResponses(404, 409, 412, 422) } },
    },
    async (request, reply) =>
      withEtag(reply, await service.updateVisit(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request))),
  );

  const action = <B extends typeof VisitNoteBody | typeof CancelVisitBody | typeof CompleteVisitBody>(
    path: string,
    operationId: string,
    body: B,
    access: readonly (typeof VISIT_WORKERS)[number][],
    run: typeof service.checkIn | typeof service.cancelVisit | typeof service.completeVisit | typeof service.noShow,
    codes: number[],
  ) =>
    app.post(
      `/v1/visits/:id/${path}`,
      {
        config: { access, ...(body === VisitNoteBody ? { bodyOptional: true } : {}) },
        ...(body === VisitNoteBody ? { preValidation: emptyBodyIsObject } : {}),
        schema: { operationId, tags, params: IdParams, body, response: { 200: one, ...problemResponses(...codes) } },
      },
      async (request, reply) =>
        withEtag(reply, await (run as typeof service.checkIn)(deps, changeContext(request, { status: 200 }), request.params.id, request.body as never, ifMatchVersion(request))),
    );

  action('check-in', 'visits.checkIn', VisitNoteBody, VISIT_WORKERS, service.checkIn, [404, 409, 412]);
  action('complete', 'visits.complete', CompleteVisitBody, VISIT_WORKERS, service.completeVisit, [404, 409, 412, 422]);
  action('cancel', 'visits.cancel', CancelVisitBody, ROLES.staffWrite, service.cancelVisit, [404, 409, 412]);
  action('no-show', 'visits.noShow', VisitNoteBody, VISIT_WORKERS, service.noShow, [404, 409, 412]);

  app.get(
    '/v1/visits/:id/record',
    {
      config: { access: ROLES.staffReadAndTechnicians },
      schema: { operationId: 'visits.record', tags, params: IdParams, response: { 200: ref(VisitRecordSchema), ...problemResponses(404, 409) } },
    },
    async (request) => service.getRecord(deps, actorOf(request), request.params.id),
  );

  app.get(
    '/v1/visits/:id/record.pdf',
    {
      config: { access: ROLES.staffReadAndTechnicians },
      schema: {
        operationId: 'visits.recordPdf',
        tags,
        params: IdParams,
        produces: ['application/pdf'],
        response: {
          200: { description: 'The service report as a PDF.', content: { 'application/pdf': { schema: Type.String({ format: 'binary', maxLength: 10_000_000 }) } } },
          ...problemResponses(404, 409),
        },
      },
    },
    async (request, reply) => {
      const record = await service.getRecord(deps, actorOf(request), request.params.id);
      const pdf = await renderServiceReport(record);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="service-report-${record.record.ticket.number}-${record.visit_id.slice(0, 8)}.pdf"`)
        .send(pdf as never); // bytes, not the string the schema names for the document
    },
  );
};
