/**
 * The state of a stored SLA clock at an instant: THE definition. The ticket views (`sla`
 * blocks, the follow-up worklist) call clockStateAt; the SQL that filters and sweeps by state
 * (modules/tickets/ticket-sla.repository.ts) is written to agree with it, and
 * test/domain/clock-state.test.ts checks the two on every combination of the columns.
 *
 * A stored clock was computed at its last change (`state`, `completed_at`, `paused`); time
 * moves it on: a running clock past its warning time is in warning, past its due time breached,
 * and what the sweep recorded (`warned_at`, `breached_at`) stays true.
 */
export type ClockState = 'running' | 'paused' | 'met' | 'warning' | 'breached';

export interface StoredClock {
  due_at: Date | null;
  warn_at: Date | null;
  completed_at: Date | null;
  paused: boolean;
  state: ClockState;
  warned_at: Date | null;
  breached_at: Date | null;
}

export function clockStateAt(c: StoredClock, now: Date): ClockState {
  // A breach is for good: recorded, computed at the last change, or a running clock past due.
  if (c.breached_at || c.state === 'breached' || (!c.completed_at && !c.paused && c.due_at && c.due_at <= now)) return 'breached';
  if (c.completed_at) return 'met';
  if (c.paused) return 'paused';
  // Not breached and not stopped: a due time here is still ahead.
  if (c.due_at && (c.warned_at || (c.warn_at && c.warn_at <= now))) return 'warning';
  return 'running';
}

/** A clock the sla-sweep must record a breach for at `now`: running past due and unrecorded, or completed late and unrecorded. */
export const dueForBreachRecord = (c: StoredClock, now: Date): boolean =>
  c.breached_at === null && ((c.completed_at === null && !c.paused) || c.state === 'breached') && c.due_at !== null && c.due_at <= now;

/** A clock the sla-sweep must record a warning for at `now`: running, unrecorded, past its warning time and not yet due. */
export const dueForWarningRecord = (c: StoredClock, now: Date): boolean =>
  c.completed_at === null && !c.paused && c.warned_at === null && c.breached_at === null && c.warn_at !== null && c.warn_at <= now && (c.due_at ?? now) > now;
