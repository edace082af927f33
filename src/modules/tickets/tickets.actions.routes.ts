import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import { ROLES } from '../../http/auth.ts';
import { ifMatchVersion, withEtag } from '../../http/etag.ts';
import { changeContext } from '../../http/idempotency.ts';
import { IdParams, problemResponses, ref } from '../../http/schemas.ts';
import { emptyBodyIsObject } from '../../http/validation.ts';
import type { Role } from '../../db/types.ts';
import { AssignBody, EscalateBody, FollowUpBody, HoldBody, NoteBody, ReasonBody, ResolveBody } from './tickets.actions.schemas.ts';
import { act, type ActionRequest, type TicketCommandDeps } from './ticket.commands.ts';
import { TICKET_WORKERS } from './tickets.routes.ts';
import { TicketSchema } from './tickets.schemas.ts';
import type { TicketAction } from '../../domain/ticket-workflow.ts';


const ACTIONS: { path: string; action: TicketAction; body: TSchema; access: readonly Role[]}[] = [
  { path: 'assign', action: 'assign', body: AssignBody, access: ROLES.staffWrite },
  { path: 'start', action: 'start', body: NoteBody, access: TICKET_WORKERS },
  { path: 'hold', action: 'hold', body: HoldBody, access: TICKET_WORKERS },
  { path: 'resume', action: 'resume', body: NoteBody, access: TICKET_WORKERS },
  { path: 'escalate', action: 'escalate', body: EscalateBody, access: TICKET_WORKERS },
  { path: 'resolve', action: 'resolve', body: ResolveBody, access: TICKET_WORKERS },
  { path: 'follow-up', action: 'follow_up', body: FollowUpBody, access: ROLES.staffWrite },
  { path: 'reopen', action: 'reopen', body: ReasonBody, access: ROLES.staffWrite },
  { path: 'close', action: 'close', body: NoteBody, access: ROLES.staffWrite },
  { path: 'cancel', action: 'cancel', body: ReasonBody, access: ROLES.staffWrite },
];

const operationId = (path: string) => `tickets.${path.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`;

export const ticketActionRoutes: FastifyPluginAsyncTypebox<TicketCommandDeps> = async (app, deps) => {
  for (const spec of ACTIONS) {
    app.post(
      `/v1/tickets/:id/${spec.path}`,
      {
        config: { access: spec.access, bodyOptional: true },
        preValidation: emptyBodyIsObject,
        schema: {
          operationId: operationId(spec.path),
          tags: ['tickets'],
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
