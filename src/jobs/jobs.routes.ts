import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../http/auth.ts';
import { NoBody, problemResponses, ref } from '../http/schemas.ts';
import { emptyBodyIsObject } from '../http/validation.ts';
import { JobList, JobParams, JobRunPage, JobRunSchema, JobRunsQuery } from './jobs.schemas.ts';
import * as service from './jobs.service.ts';

export const jobRoutes: FastifyPluginAsyncTypebox<Omit<service.JobDeps, 'log'>> = async (app, opts) => {
  const deps: service.JobDeps = { ...opts, log: app.log as never };
  const tags = ['jobs'];
  const readers = [...ROLES.managers, 'analyst'] as const;
  app.get(
    '/v1/jobs',
    { config: { access: readers }, schema: { operationId: 'jobs.list', tags, response: { 200: ref(JobList), ...problemResponses() } } },
    async () => service.listJobs(deps),
  );
  app.post(
    '/v1/jobs/:name/run',
    {
      config: { access: ROLES.managers, idempotent: false, bodyOptional: true },
      preValidation: emptyBodyIsObject,
      schema: {
        operationId: 'jobs.run',
        tags,
        params: JobParams,
        body: NoBody,
        response: { 200: ref(JobRunSchema), ...problemResponses(404, 409) },
      },
    },
    async (request) => service.runNow(deps, request.params.name),
  );
  app.get(
    '/v1/jobs/:name/runs',
    {
      config: { access: readers },
      schema: { operationId: 'jobs.runs', tags, params: JobParams, querystring: JobRunsQuery, response: { 200: ref(JobRunPage), ...problemResponses(404) } },
    },
    async (request) => service.listRuns(deps, request.params.name, request.query),
  );
};
