import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES, actorOf } from '../../http/auth.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref, asStored } from '../../http/schemas.ts';
import { CreateNote, CreateTicket, TicketListQuery, TicketPage, TicketSchema, TimelineEntrySchema, TimelinePage, TimelineQuery, UpdateTicket } from './tickets.schemas.ts';
import * as commands from './ticket.commands.ts';
import * as service from './tickets.service.ts';
import { TicketSlaSchema } from '../sla/ticket-sla.schemas.ts';

export const TICKET_READERS = ROLES.staffReadAndTechnicians;
export const TICKET_WORKERS = [...ROLES.staffWrite, 'technician'] as const;

export const ticketRoutes: FastifyPluginAsyncTypebox<commands.TicketCommandDeps> = async (app, deps) => {
  const tags = ['tickets'];
  const one = ref(TicketSchema);

  app.post(
    '/v1/tickets',
    {
      config: { access: ROLES.staffWrite, createdAt: '/v1/tickets' },
      schema: {
        operationId: 'tickets.create',
        tags,
        body: CreateTicket,
        response: { 201: one, ...problemResponses(409, 422) },
      },
    },
    async (request, reply) => {
      const created = await commands.createTicket(deps, changeContext(request), request.body);
      return sendCreated(reply, created);
    },
  );

  app.get(
    '/v1/tickets',
    {
      config: { access: TICKET_READERS },
      schema: {
        operationId: 'tickets.list',
        tags,
        querystring: TicketListQuery,
        response: { 200: ref(TicketPage), ...problemResponses() },
      },
    },
    async (request) => service.listTickets({ ...deps, db: request.reads }, actorOf(request), request.query),
  );

  app.get(
    '/v1/tickets/:id',
    {
      config: { access: TICKET_READERS },
      schema: { operationId: 'tickets.get', tags, params: IdParams, response: { 200: one, ...problemResponses(404) } },
    },
    async (request, reply) => withEtag(reply, await service.getTicket(deps, actorOf(request), request.params.id)),
  );

  app.patch(
    '/v1/tickets/:id',
    {
      config: { access: ROLES.staffWrite },
      schema: {
        operationId: 'tickets.update',
        tags,
        params: IdParams,
        body: UpdateTicket,
        response: { 200: one, ...problemResponses(404, 409, 412, 422) },
      },
    },
    async (request, reply) =>
      withEtag(reply, await commands.updateTicket(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request))),
  );

  app.post(
    '/v1/tickets/:id/notes',
    {
      config: { access: TICKET_WORKERS },
      schema: {
        operationId: 'tickets.addNote',
        tags,
        params: IdParams,
        body: CreateNote,
        response: { 201: ref(TimelineEntrySchema), ...problemResponses(404) },
      },
    },
    async (request, reply) => reply.code(201).send(await commands.addNote(deps, changeContext(request), request.params.id, request.body)),
  );

  app.get(
    '/v1/tickets/:id/sla',
    {
      config: { access: TICKET_READERS },
      schema: {
        operationId: 'tickets.sla',
        tags,
        params: IdParams,
        response: { 200: ref(TicketSlaSchema), ...problemResponses(404, 422) },
      },
    },
    async (request) => service.explainTicketSla(deps, actorOf(request), request.params.id),
  );

  app.get(
    '/v1/tickets/:id/timeline',
    {
      config: { access: TICKET_READERS },
      serializerCompiler: asStored,
      schema: {
        operationId: 'tickets.timeline',
        tags,
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: ref(TimelinePage), ...problemResponses(404) },
      },
    },
    async (request) => service.timeline(deps, actorOf(request), request.params.id, request.query),
  );
};
