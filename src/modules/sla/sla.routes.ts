import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES, actorOf } from '../../http/auth.ts';
import { FollowUpPage, FollowUpQuery } from './follow-ups.schemas.ts';
import { listFollowUps } from './follow-ups.service.ts';
import { ifMatchVersion, sendCreated, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { CalendarListQuery, CalendarPage, CalendarSchema, CreateCalendar, UpdateCalendar } from './calendars.schemas.ts';
import * as calendars from './calendars.service.ts';
import { CreateSlaPolicy, SlaPolicyListQuery, SlaPolicyPage, SlaPolicySchema, UpdateSlaPolicy } from './sla-policies.schemas.ts';
import * as policies from './sla-policies.service.ts';
import { listSlaBreaches } from './sla-breaches.service.ts';
import { SlaBreachListQuery, SlaBreachPage } from './sla-breaches.schemas.ts';

export const slaRoutes: FastifyPluginAsyncTypebox<calendars.CalendarDeps> = async (app, deps) => {
  const tags = ['sla'];

  app.post(
    '/v1/calendars',
    { config: { access: ROLES.managers, createdAt: '/v1/calendars' }, schema: { operationId: 'calendars.create', tags, body: CreateCalendar, response: { 201: ref(CalendarSchema), ...problemResponses(422) } } },
    async (request, reply) => {
      const created = await calendars.createCalendar(deps, changeContext(request), request.body);
      return sendCreated(reply, created);
    },
  );
  app.get(
    '/v1/calendars',
    { config: { access: ROLES.staffRead }, schema: { operationId: 'calendars.list', tags, querystring: CalendarListQuery, response: { 200: ref(CalendarPage), ...problemResponses() } } },
    async (request) => calendars.listCalendars(deps, request.query),
  );
  app.get(
    '/v1/calendars/:id',
    { config: { access: ROLES.staffRead }, schema: { operationId: 'calendars.get', tags, params: IdParams, response: { 200: ref(CalendarSchema), ...problemResponses(404) } } },
    async (request, reply) => withEtag(reply, await calendars.getCalendar(deps, request.params.id)),
  );
  app.patch(
    '/v1/calendars/:id',
    {
      config: { access: ROLES.managers },
      schema: { operationId: 'calendars.update', tags, params: IdParams, body: UpdateCalendar, response: { 200: ref(CalendarSchema), ...problemResponses(404, 412, 422) } },
    },
    async (request, reply) => withEtag(reply, await calendars.updateCalendar(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request))),
  );

  app.post(
    '/v1/sla-policies',
    { config: { access: ROLES.managers, createdAt: '/v1/sla-policies' }, schema: { operationId: 'slaPolicies.create', tags, body: CreateSlaPolicy, response: { 201: ref(SlaPolicySchema), ...problemResponses(422) } } },
    async (request, reply) => {
      const created = await policies.createPolicy(deps, changeContext(request), request.body);
      return sendCreated(reply, created);
    },
  );
  app.get(
    '/v1/sla-policies',
    {
      config: { access: ROLES.staffRead },
      schema: { operationId: 'slaPolicies.list', tags, querystring: SlaPolicyListQuery, response: { 200: ref(SlaPolicyPage), ...problemResponses() } },
    },
    async (request) => policies.listPolicies(deps, request.query),
  );
  app.get(
    '/v1/sla-policies/:id',
    { config: { access: ROLES.staffRead }, schema: { operationId: 'slaPolicies.get', tags, params: IdParams, response: { 200: ref(SlaPolicySchema), ...problemResponses(404) } } },
    async (request, reply) => withEtag(reply, await policies.getPolicy(deps, request.params.id)),
  );
  app.patch(
    '/v1/sla-policies/:id',
    {
      config: { access: ROLES.managers },
      schema: { operationId: 'slaPolicies.update', tags, params: IdParams, body: UpdateSlaPolicy, response: { 200: ref(SlaPolicySchema), ...problemResponses(404, 412, 422) } },
    },
    async (request, reply) => withEtag(reply, await policies.updatePolicy(deps, changeContext(request), request.params.id, request.body, ifMatchVersion(request))),
  );

  app.get(
    '/v1/sla-breaches',
    {
      config: { access: ROLES.staffRead },
      schema: {
        operationId: 'slaBreaches.list',
        tags,
        querystring: SlaBreachListQuery,
        response: { 200: ref(SlaBreachPage), ...problemResponses() },
      },
    },
    async (request) => listSlaBreaches(deps.db, request.query),
  );

  app.get(
    '/v1/follow-ups',
    {
      config: { access: ROLES.staffReadAndTechnicians },
      schema: {
        operationId: 'followUps.list',
        tags,
        querystring: FollowUpQuery,
        response: { 200: ref(FollowUpPage), ...problemResponses() },
      },
    },
    async (request) => listFollowUps(deps, actorOf(request), request.query),
  );
};
