
export const VISIT_STATUSES = ['scheduled', 'checked_in', 'completed', 'cancelled', 'no_show'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/**
 * A field visit's life, as data: for each status, the actions allowed and the status each
 * leads to. Every visit action goes through `nextVisitStatus`; no route writes a status.
 * Cancelled and no-show free the slot (the exclusion constraint covers only the statuses in
 * HOLDING_SLOT); completed is final and frozen by the database.
 */
export type VisitAction = 'reschedule' | 'check_in' | 'complete' | 'cancel' | 'no_show';

export const VISIT_TRANSITIONS: Readonly<Record<VisitStatus, Readonly<Partial<Record<VisitAction, VisitStatus>>>>> = {
  scheduled: { reschedule: 'scheduled', check_in: 'checked_in', cancel: 'cancelled', no_show: 'no_show' },
  checked_in: { complete: 'completed' },
  completed: {},
  cancelled: {},
  no_show: {},
};

/** Statuses in which a visit holds its technician's slot (the database constraint's predicate). */
export const HOLDING_SLOT: readonly VisitStatus[] = ['scheduled', 'checked_in'];

/** The actions as the API names them (reschedule is PATCH /v1/visits/{id}; the others POST /v1/visits/{id}/<name>). */
export const VISIT_ACTION_NAMES = ['reschedule', 'check-in', 'complete', 'cancel', 'no-show'] as const;
export type VisitActionName = (typeof VISIT_ACTION_NAMES)[number];
const API_NAMES: Record<VisitAction, VisitActionName> = { reschedule: 'reschedule', check_in: 'check-in', complete: 'complete', cancel: 'cancel', no_show: 'no-show' };

export function nextVisitStatus(status: VisitStatus, action: VisitAction): VisitStatus | undefined {
  return VISIT_TRANSITIONS[status][action];
}

export const visitActionName = (action: VisitAction): VisitActionName => API_NAMES[action];

export function allowedVisitActions(status: VisitStatus): VisitActionName[] {
  return (Object.keys(VISIT_TRANSITIONS[status]) as VisitAction[]).map(visitActionName);
}
