import { describe, expect, it } from 'vitest';
import { clockStateAt, dueForBreachRecord, dueForWarningRecord, type StoredClock } from '../../src/domain/clock-state.ts';

// The SQL of the same rules is held to these by test/modules/ticket-sla-predicates.test.ts.
const NOW = new Date('2026-03-09T06:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const running: StoredClock = { due_at: at(60), warn_at: at(30), completed_at: null, paused: false, state: 'running', warned_at: null, breached_at: null };

describe('a stored clock’s state at an instant', () => {
  it.each([
    ['running, before its warning time', {}, 'running'],
    ['at its warning time', { warn_at: NOW }, 'warning'],
    ['past its warning time', { warn_at: at(-1) }, 'warning'],
    ['warned by the sweep (whatever warn_at says now)', { warned_at: at(-5), warn_at: null }, 'warning'],
    ['at its due time', { due_at: NOW, warn_at: at(-30) }, 'breached'],
    ['past due, unrecorded', { due_at: at(-1), warn_at: at(-30) }, 'breached'],
    ['breach recorded', { breached_at: at(-10), due_at: at(-10) }, 'breached'],
    ['computed as breached', { state: 'breached', due_at: at(-10) }, 'breached'],
    ['paused', { paused: true, state: 'paused', due_at: null, warn_at: null }, 'paused'],
    ['paused with a due time passed (a breach is not recorded while paused)', { paused: true, state: 'paused', due_at: at(-10) }, 'paused'],
    ['paused after its breach was recorded', { paused: true, state: 'paused', breached_at: at(-10) }, 'breached'],
    ['met', { completed_at: at(-5), state: 'met', warn_at: null }, 'met'],
    ['met even past its old due time', { completed_at: at(-5), state: 'met', due_at: at(-1), warn_at: null }, 'met'],
    ['completed late', { completed_at: at(-5), state: 'breached', due_at: at(-10) }, 'breached'],
    ['completed after a recorded breach', { completed_at: at(-5), state: 'met', breached_at: at(-10) }, 'breached'],
    ['no due time: no warning either', { due_at: null, warn_at: at(-1) }, 'running'],
    ['no due time, even if once warned', { due_at: null, warned_at: at(-1) }, 'running'],
  ] as const)('%s: %s', (_name, patch, state) => {
    expect(clockStateAt({ ...running, ...patch }, NOW)).toBe(state);
  });
});

describe('what the sla-sweep records', () => {
  it.each([
    ['running past due', { due_at: at(-1) }, true, false],
    ['running at due', { due_at: NOW }, true, false],
    ['running before due', {}, false, false],
    ['breach already recorded', { due_at: at(-1), breached_at: at(-1) }, false, false],
    ['paused past due', { due_at: at(-1), paused: true }, false, false],
    ['completed late, unrecorded', { due_at: at(-10), completed_at: at(-5), state: 'breached' }, true, false],
    ['completed in time', { due_at: at(-10), completed_at: at(-20), state: 'met' }, false, false],
    ['no due time', { due_at: null }, false, false],
    ['past its warning time', { warn_at: at(-1) }, false, true],
    ['at its warning time', { warn_at: NOW }, false, true],
    ['warning already recorded', { warn_at: at(-1), warned_at: at(-1) }, false, false],
    ['warned clock paused', { warn_at: at(-1), paused: true }, false, false],
    ['warning time passed on a completed clock', { warn_at: at(-1), completed_at: at(-1), state: 'met' }, false, false],
    ['warning time passed after a recorded breach', { warn_at: at(-1), breached_at: at(-2) }, false, false],
    ['no warning time', { warn_at: null }, false, false],
    ['warning and due both passed: the breach only', { warn_at: at(-30), due_at: at(-1) }, true, false],
    ['warning passed and due now: the breach only', { warn_at: at(-30), due_at: NOW }, true, false],
    ['warning passed, no due time', { warn_at: at(-30), due_at: null }, false, false],
  ] as const)('%s: breach %s, warning %s', (_name, patch, breach, warning) => {
    const c = { ...running, ...patch };
    expect(dueForBreachRecord(c, NOW)).toBe(breach);
    expect(dueForWarningRecord(c, NOW)).toBe(warning);
  });
});
