import type { Role, Tx } from './types.ts';

export interface Actor {
  kind: 'api_key' | 'system';
  id: string | null;
  role: Role | 'system';
  technicianId: string | null;
}

export const systemActor: Actor = { kind: 'system', id: null, role: 'system', technicianId: null };

/**
 * What a service needs to know about the request that asked for a change, without HTTP:
 * who acts, the request id for the audit trail, and a hook that records the result for
 * Idempotency-Key replays inside the change's own transaction.
 */
export interface ChangeContext {
  actor: Actor;
  requestId: string | null;
  recordResult?: (tx: Tx, result: unknown) => Promise<void>;
}

export const systemContext = (): ChangeContext => ({ actor: systemActor, requestId: null });
