import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { preValidationHookHandler } from 'fastify';
import type { TSchema } from 'typebox';
import { ROLES } from '../../http/auth.ts';
import { ifMatchVersion, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import type { Role } from '../../db/types.ts';
import { AssignBody, EscalateBody, FollowUpBody, HoldBody, NoteBody, ReasonBody, ResolveBody } from './tickets.actions.schemas.ts';
import { act, type ActionRequest, type TicketCommandDeps } from './ticket.commands.ts';
import { TICKET_WORKERS } from './tickets.routes.ts';
import { TicketSchema } from './tickets.schemas.ts';
import type { TicketAction } from '../../domain/ticket-workflow.ts';

// Actions without required fields may be posted with no body at all (curl -X POST).
const emptyBodyIsObject: preValidationHookHandler = async (request) => {
  if (request.body === undefined || request.body === null) request.body = {};
};

const ACTIONS: { path: string; action: TicketAction; body: TSchema; access: readonly Role[]; summary: string }[] = [
  { path: 'assign', action: 'assign', body: AssignBody, access: ROLES.staffWrite, summary: 'Assign to a technician, or route with { "auto": true }' },
  { path: 'start', action: 'start', body: NoteBody, access: TICKET_WORKERS, summary: 'The technician starts work' },
  { path: 'hold', action: 'hold', body: HoldBody, access: TICKET_WORKERS, summary: 'Put on hold, waiting for the customer or for parts' },
  { path: 'resume', action: 'resume', body: NoteBody, access: TICKET_WORKERS, summary: 'Resume work after a hold' },
  { path: 'escalate', action: 'escalate', body: EscalateBody, access: TICKET_WORKERS, summary: 'Move to the next tier, with a reason' },
  { path: 'resolve', action: 'resolve', body: ResolveBody, access: TICKET_WORKERS, summary: 'Resolve with method, summary and the warranty decision' },
  { path: 'follow-up', action: 'follow_up', body: FollowUpBody, access: ROLES.staffWrite, summary: 'Record the call back: satisfied closes, not_satisfied reopens' },
  { path: 'reopen', action: 'reopen', body: ReasonBody, access: ROLES.staffWrite, summary: 'Reopen a resolved ticket' },
  { path: 'close', action: 'close', body: NoteBody, access: ROLES.staffWrite, summary: 'Close a resolved ticket' },
  { path: 'cancel', action: 'cancel', body: ReasonBody, access: ROLES.staffWrite, summary: 'Cancel an open ticket' },
];

const operationId = (path: string) => `tickets.${path.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`;

export const ticketActionRoutes: FastifyPluginAsyncTypebox<TicketCommandDeps> = async (app, deps) => {
  for (const spec of ACTIONS) {
    app.post(
      `/v1/tickets/:id/${spec.path}`,
      {
        config: { access: spec.access },
        preValidation: emptyBodyIsObject,
        schema: {
          operationId: operationId(spec.path),
          tags: ['tickets'],
          summary: spec.summary,
          description: 'A transition the state machine forbids gets 409 naming the current status and the allowed actions.',
          params: IdParams,
          body: spec.body,
          response: { 200: ref(TicketSchema), ...problemResponses(404, 409, 412, 422) },
        },
      },
      async (request, reply) => {
        const view = await act(
          deps,
          changeContext(request, { status: 200 }),
          request.params.id,
          { action: spec.action, body: request.body } as ActionRequest,
          ifMatchVersion(request),
        );
        return withEtag(reply, view);
      },
    );
  }
};
