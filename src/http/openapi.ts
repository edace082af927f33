import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sharedSchemas } from './schemas.ts';

export const API_INFO = {
  title: 'Aftercare API',
  version: '1.0.0',
  description:
    'Headless after-sales service: customers and their products, tickets, technicians, SLA clocks, surveys. ' +
    'Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 9457 problem+json.',
  license: { name: 'MIT', identifier: 'MIT' },
};

/**
 * The OpenAPI 3.1 document, generated from the route schemas. Shared schemas are added
 * with their `$id` and named after it, so SDKs get `Customer`, not `def-7`.
 */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    for (const schema of sharedSchemas) app.addSchema(schema);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: API_INFO,
        servers: [{ url: '/' }],
        // In the order a newcomer reads them; every tag a route uses is declared here (test/openapi.test.ts).
        tags: [
          { name: 'customers', description: 'Customers, upserted by CRM id, erasable on request' },
          { name: 'assets', description: 'Products customers own' },
          { name: 'technicians', description: 'Technicians: tier, regions, skills, capacity' },
          { name: 'tickets', description: 'Tickets (工单): intake, workflow actions, timeline' },
          { name: 'sla', description: 'Business calendars, SLA policies, breaches and the follow-up worklist' },
          { name: 'surveys', description: 'Satisfaction surveys (满意度调查) sent after resolution, and their answers' },
          { name: 'public', description: 'The survey pages customers answer with their token, without an API key' },
          { name: 'churn', description: 'Churn-risk scores of customers and the model that weighs them' },
          { name: 'events', description: 'The ordered feed of changes (outbox)' },
          { name: 'jobs', description: 'Scheduled jobs and their runs' },
          { name: 'api-keys', description: 'Keys and roles' },
          { name: 'audit', description: 'Who changed what' },
          { name: 'operations', description: 'Health, readiness, metrics' },
        ],
        components: {
          securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key' } },
        },
        security: [{ apiKey: [] }],
      },
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
      },
    });
  },
  { name: 'openapi' },
);
