import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VISIT_TRANSITIONS, HOLDING_SLOT } from '../../src/domain/visit-workflow.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { SIGNATURE_PNG, pdfText } from '../helpers/visits.ts';

let t: TestApp;
let calendar: { id: string };
let customer: { id: string; name: string };
let asset: { id: string };
beforeAll(async () => {
  t = await createTestApp();
  const week = (span: string[][]) => ({ mon: span, tue: span, wed: span, thu: span, fri: span, sat: [], sun: [] });
  calendar = (
    await t.request({ method: 'POST', url: '/v1/calendars', payload: { name: 'Field team', timezone: 'Asia/Shanghai', hours: week([['09:00', '12:00'], ['13:00', '18:00']]), holidays: ['2026-03-05'] } })
  ).json();
  customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: '王小明', region: 'east', address: '上海市浦东新区世纪大道 100 号' } })).json();
  asset = (
    await t.request({
      method: 'POST',
      url: `/v1/customers/${customer.id}/assets`,
      payload: { product_model: 'SL-900 智能门锁', category: 'smart-lock', serial_number: 'SN-2026-0042', purchased_on: '2024-01-10', warranty_until: '2025-01-10' },
    })
  ).json();
});
afterAll(async () => t.close());

/** An instant given as Shanghai wall time (UTC+8, no DST). */
const sh = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`).toISOString();
let seq = 0;
async function technician(extra: Record<string, unknown> = {}) {
  const res = await t.request({
    method: 'POST',
    url: '/v1/technicians',
    payload: { name: `师傅 ${++seq}`, tier: 1, regions: ['east'], skills: ['smart-lock'], max_open_tickets: 50, calendar_id: calendar.id, ...extra },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; travel_buffer_minutes: number };
}
async function ticket(extra: Record<string, unknown> = {}) {
  const res = await t.request({
    method: 'POST',
    url: '/v1/tickets',
    payload: { customer_id: customer.id, asset_id: asset.id, type: 'repair', channel: 'phone', category: 'smart-lock', subject: '门锁无法开启 lock will not open', ...extra },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; number: string; version: number };
}
async function part(stock: number, extra: Record<string, unknown> = {}) {
  const res = await t.request({ method: 'POST', url: '/v1/parts', payload: { sku: `VP-${++seq}`, name: '门锁主板 lock board', unit_price: 12000, currency: 'CNY', stock, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; sku: string; name: string };
}
const book = (ticketId: string, payload: Record<string, unknown>, key?: string) =>
  t.request({ method: 'POST', url: `/v1/tickets/${ticketId}/visits`, payload, ...(key ? { key } : {}) });
const act = (id: string, action: string, payload?: Record<string, unknown>, key?: string) =>
  t.request({ method: 'POST', url: `/v1/visits/${id}/${action}`, ...(payload ? { payload } : {}), ...(key ? { key } : {}) });
const signoff = (extra: Record<string, unknown> = {}) => ({ signed_by: '王小明', signature: SIGNATURE_PNG, signed_at: t.clock.now().toISOString(), ...extra });
const complete = (id: string, extra: Record<string, unknown> = {}, key?: string) =>
  act(id, 'complete', { work_summary: '更换主板，测试开锁 20 次正常', test_passed: true, signoff: signoff(), ...extra }, key);

describe('the visit state machine as data', () => {
  it('leads only to known statuses, and the statuses that hold a slot are the constraint\'s', async () => {
    for (const moves of Object.values(VISIT_TRANSITIONS)) for (const to of Object.values(moves)) expect(Object.keys(VISIT_TRANSITIONS)).toContain(to);
    const { rows } = await sql<{ def: string }>`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'visits_no_overlap'`.execute(t.database.db);
    for (const s of HOLDING_SLOT) expect(rows[0]!.def).toContain(`'${s}'`);
    expect(rows[0]!.def.match(/'[a-z_]+'::text/g)).toHaveLength(HOLDING_SLOT.length);
  });
});

describe('booking a visit', () => {
  it('books within the technician\'s working day (a lunch break inside is fine), on the timeline and in the feed', async () => {
    const tech = await technician();
    const tk = await ticket();
    const res = await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-03', '10:00'), window_end: sh('2026-03-03', '13:30'), notes: '客户下午在家', planned_parts: [] });
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json();
    expect(res.headers.location).toBe(`/v1/visits/${v.id}`);
    expect(v).toMatchObject({ ticket_id: tk.id, customer_id: customer.id, technician_id: tech.id, status: 'scheduled', buffer_minutes: 0, holds_until: v.window_end, outside_hours: false });
    const timeline = (await t.request({ method: 'GET', url: `/v1/tickets/${tk.id}/timeline` })).json().data;
    expect(timeline.at(-1)).toMatchObject({ entry: 'visit', action: 'scheduled', data: { visit_id: v.id, technician_id: tech.id } });
    const events = (await t.request({ method: 'GET', url: '/v1/events?limit=1000&types=visit.scheduled' })).json().data;
    expect(events.find((e: { resource: { id: string } }) => e.resource.id === v.id)).toMatchObject({ resource: { type: 'visit' }, data: { id: v.id, status: 'scheduled' } });
    const audit = (await t.request({ method: 'GET', url: `/v1/audit?resource=visit/${v.id}` })).json().data;
    expect(audit[0]).toMatchObject({ action: 'created', resource: { type: 'visit', id: v.id } });
  });

  it('refuses a window outside working hours, on a weekend or a holiday, unless outside_hours with a reason', async () => {
    const tech = await technician();
    const tk = await ticket();
    for (const [start, end, path] of [
      [sh('2026-03-03', '17:00'), sh('2026-03-03', '19:00'), '/body/window_end'],
      [sh('2026-03-03', '08:00'), sh('2026-03-03', '10:00'), '/body/window_end'],
      [sh('2026-03-07', '10:00'), sh('2026-03-07', '12:00'), '/body/window_start'],
      [sh('2026-03-05', '10:00'), sh('2026-03-05', '12:00'), '/body/window_start'],
    ] as const) {
      const res = await book(tk.id, { technician_id: tech.id, window_start: start, window_end: end });
      expect(res.statusCode, start).toBe(422);
      expect(res.json()).toMatchObject({ type: 'https://aftercare.dev/problems/visit-outside-hours', errors: [{ path }] });
    }
    expect((await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-03', '17:00'), window_end: sh('2026-03-03', '19:00') })).json().detail).toContain(
      'works 2026-03-03 from 09:00 to 18:00 (Asia/Shanghai)',
    );
    const noReason = await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-07', '10:00'), window_end: sh('2026-03-07', '12:00'), outside_hours: true });
    expect(noReason.json()).toMatchObject({ type: 'https://aftercare.dev/problems/outside-hours-reason', errors: [{ path: '/body/reason' }] });
    const emergency = await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-07', '10:00'), window_end: sh('2026-03-07', '12:00'), outside_hours: true, reason: '周末紧急维修 weekend emergency' });
    expect(emergency.statusCode, emergency.body).toBe(201);
    expect(emergency.json()).toMatchObject({ outside_hours: true, outside_hours_reason: '周末紧急维修 weekend emergency' });
    // A technician without a calendar has no hours on record: any window fits.
    const free = await technician({ calendar_id: null });
    expect((await book(tk.id, { technician_id: free.id, window_start: sh('2026-03-07', '22:00'), window_end: sh('2026-03-07', '23:00') })).statusCode).toBe(201);
  });

  it('refuses windows that are not windows, unknown technicians and parts, inactive technicians and closed tickets', async () => {
    const tech = await technician();
    const tk = await ticket();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ window_start: sh('2026-03-03', '11:00'), window_end: sh('2026-03-03', '10:00') }, 422, 'visit-window'],
      [{ window_start: sh('2026-03-02', '09:00'), window_end: sh('2026-03-02', '10:00') }, 422, 'visit-window'],
      [{ window_start: sh('2026-03-03', '10:00'), window_end: sh('2026-03-04', '11:00'), outside_hours: true, reason: 'x' }, 422, 'visit-window'],
      [{ technician_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b' }, 422, 'technician-not-found'],
      [{ planned_parts: [{ part_id: '01a20c20-bb81-70a7-8e07-0eb4f830d29b', quantity: 1 }] }, 422, 'part-not-found'],
      [{ reason: 'no outside_hours' }, 422, 'outside-hours-reason'],
    ];
    for (const [extra, status, type] of cases) {
      const res = await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-03', '10:00'), window_end: sh('2026-03-03', '11:00'), ...extra });
      expect(res.statusCode, JSON.stringify(extra)).toBe(status);
      expect(res.json().type).toBe(`https://aftercare.dev/problems/${type}`);
    }
    const idle = await technician({ active: false });
    expect((await book(tk.id, { technician_id: idle.id, window_start: sh('2026-03-03', '10:00'), window_end: sh('2026-03-03', '11:00') })).json().type).toBe(
      'https://aftercare.dev/problems/technician-inactive',
    );
    expect((await book('01a20c20-bb81-70a7-8e07-0eb4f830d29b', { technician_id: tech.id, window_start: sh('2026-03-03', '10:00'), window_end: sh('2026-03-03', '11:00') })).statusCode).toBe(404);
    const cancelled = await ticket();
    await t.request({ method: 'POST', url: `/v1/tickets/${cancelled.id}/cancel`, payload: { reason: 'duplicate' } });
    const late = await book(cancelled.id, { technician_id: tech.id, window_start: sh('2026-03-03', '10:00'), window_end: sh('2026-03-03', '11:00') });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ current_status: 'cancelled' });
    expect((await t.request({ method: 'GET', url: `/v1/visits?ticket_id=${tk.id}` })).json().data).toEqual([]);
  });

  it('never overlaps two visits of one technician, travel buffer included; a cancelled visit frees its slot', async () => {
    const tech = await technician({ travel_buffer_minutes: 30 });
    expect(tech.travel_buffer_minutes).toBe(30);
    const a = await ticket();
    const b = await ticket();
    const first = (await book(a.id, { technician_id: tech.id, window_start: sh('2026-03-04', '10:00'), window_end: sh('2026-03-04', '11:00') })).json();
    expect(first).toMatchObject({ buffer_minutes: 30, holds_until: sh('2026-03-04', '11:30') });
    for (const [start, end] of [
      [sh('2026-03-04', '10:30'), sh('2026-03-04', '11:30')],
      [sh('2026-03-04', '11:15'), sh('2026-03-04', '12:00')],
      [sh('2026-03-04', '09:00'), sh('2026-03-04', '09:45')], // its own buffer runs into the first visit
    ]) {
      const clash = await book(b.id, { technician_id: tech.id, window_start: start, window_end: end });
      expect(clash.statusCode, start).toBe(409);
      expect(clash.json()).toMatchObject({ colliding_visit_id: first.id, detail: expect.stringContaining(first.id) });
    }
    expect((await book(b.id, { technician_id: tech.id, window_start: sh('2026-03-04', '11:30'), window_end: sh('2026-03-04', '12:00') })).statusCode).toBe(201);
    expect((await book(b.id, { technician_id: tech.id, window_start: sh('2026-03-04', '09:00'), window_end: sh('2026-03-04', '09:30') })).statusCode).toBe(201);
    // Another technician is free at the same time.
    const other = await technician();
    expect((await book(b.id, { technician_id: other.id, window_start: sh('2026-03-04', '10:00'), window_end: sh('2026-03-04', '11:00') })).statusCode).toBe(201);
    expect((await act(first.id, 'cancel', { reason: '客户改期 customer asked to move it' })).json()).toMatchObject({ status: 'cancelled', cancel_reason: '客户改期 customer asked to move it' });
    expect((await book(b.id, { technician_id: tech.id, window_start: sh('2026-03-04', '10:00'), window_end: sh('2026-03-04', '11:00') })).statusCode).toBe(201);
  });

  it('gives one slot to exactly one of 50 concurrent bookings (the database decides)', async () => {
    const tech = await technician();
    // A ticket each, so nothing but the slot stands between them (bookings of one ticket queue on its lock).
    const tickets = [];
    for (let i = 0; i < 50; i++) tickets.push(await ticket());
    const results = await Promise.all(
      tickets.map((tk) => book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-06', '14:00'), window_end: sh('2026-03-06', '15:00') })),
    );
    const codes = results.map((r) => r.statusCode).sort();
    const said = results.filter((r) => r.statusCode !== 201 && r.statusCode !== 409).map((r) => r.body.slice(0, 200));
    expect(codes.filter((c) => c === 201), said.join('\n')).toHaveLength(1);
    expect(codes.filter((c) => c === 409), said.join('\n')).toHaveLength(49);
    const winner = results.find((r) => r.statusCode === 201)!.json();
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().colliding_visit_id).toBe(winner.id);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from visits where technician_id = ${tech.id}`.execute(t.database.db);
    expect(rows[0]!.n).toBe(1);
  });
});

describe('rescheduling', () => {
  it('moves a visit with If-Match under the same rules, and says so on the timeline and in the feed', async () => {
    const tech = await technician();
    const tk = await ticket();
    const v = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-09', '10:00'), window_end: sh('2026-03-09', '11:00') })).json();
    const blocker = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-09', '14:00'), window_end: sh('2026-03-09', '15:00') })).json();
    const patch = (payload: Record<string, unknown>, version: number) => t.request({ method: 'PATCH', url: `/v1/visits/${v.id}`, headers: { 'if-match': `"${version}"` }, payload });
    expect((await patch({ window_start: sh('2026-03-09', '10:30') }, 99)).statusCode).toBe(412);
    const clash = await patch({ window_start: sh('2026-03-09', '14:30'), window_end: sh('2026-03-09', '15:30') }, v.version);
    expect(clash.statusCode).toBe(409);
    expect(clash.json().colliding_visit_id).toBe(blocker.id);
    expect((await patch({ window_start: sh('2026-03-09', '17:30'), window_end: sh('2026-03-09', '18:30') }, v.version)).json().type).toBe('https://aftercare.dev/problems/visit-outside-hours');
    // Moving within its own old slot is no clash with itself.
    const moved = await patch({ window_start: sh('2026-03-09', '10:30'), window_end: sh('2026-03-09', '11:30') }, v.version);
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ window_start: sh('2026-03-09', '10:30'), version: v.version + 1 });
    const noted = await patch({ notes: '带上备用钥匙' }, v.version + 1);
    expect(noted.json()).toMatchObject({ notes: '带上备用钥匙', window_start: sh('2026-03-09', '10:30') });
    const types = (await t.request({ method: 'GET', url: '/v1/events?limit=1000&types=visit.rescheduled,visit.updated' })).json().data.filter((e: { resource: { id: string } }) => e.resource.id === v.id);
    expect(types.map((e: { type: string }) => e.type)).toEqual(['visit.rescheduled', 'visit.updated']);
    const timeline = (await t.request({ method: 'GET', url: `/v1/tickets/${tk.id}/timeline` })).json().data;
    expect(timeline.at(-1)).toMatchObject({ entry: 'visit', action: 'rescheduled', data: { previous: { window_start: sh('2026-03-09', '10:00') } } });
  });
});

describe('a visit\'s life', () => {
  it('checks in (the ticket\'s first response), completes, and refuses what the state machine does not allow', async () => {
    const tech = await technician();
    const tk = await ticket();
    const v = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-02', '17:00'), window_end: sh('2026-03-02', '18:00') })).json();
    const early = await complete(v.id);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ current_status: 'scheduled', allowed_actions: ['reschedule', 'check-in', 'cancel', 'no-show'] });
    const checked = await act(v.id, 'check-in', { note: '已到达 arrived' });
    expect(checked.statusCode, checked.body).toBe(200);
    expect(checked.json()).toMatchObject({ status: 'checked_in', checked_in_at: t.clock.now().toISOString() });
    const after = (await t.request({ method: 'GET', url: `/v1/tickets/${tk.id}` })).json();
    expect(after.first_responded_at).toBe(t.clock.now().toISOString());
    expect(after.sla.first_response.completed_at).toBe(t.clock.now().toISOString());
    expect((await act(v.id, 'cancel', { reason: 'x' })).json()).toMatchObject({ current_status: 'checked_in', allowed_actions: ['complete'] });
    expect((await act(v.id, 'check-in')).statusCode).toBe(409);
    const done = await complete(v.id);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'completed', completed_at: t.clock.now().toISOString() });
    expect((await act(v.id, 'no-show')).json()).toMatchObject({ current_status: 'completed', allowed_actions: [] });
    expect((await t.request({ method: 'PATCH', url: `/v1/visits/${v.id}`, payload: { notes: 'x' } })).statusCode).toBe(409);
  });

  it('records a no-show once the window has begun: the slot is free and the ticket stays open', async () => {
    const tech = await technician();
    const tk = await ticket();
    const v = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-03', '10:00'), window_end: sh('2026-03-03', '11:00') })).json();
    const tooEarly = await act(v.id, 'no-show');
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json().detail).toContain('once it has begun');
    t.clock.set(sh('2026-03-03', '10:20'));
    try {
      expect((await act(v.id, 'no-show', { note: '无人应门 nobody home' })).json()).toMatchObject({ status: 'no_show', no_show_at: sh('2026-03-03', '10:20') });
      expect((await t.request({ method: 'GET', url: `/v1/tickets/${tk.id}` })).json().status).toBe('new');
      expect((await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-03', '10:30'), window_end: sh('2026-03-03', '11:30') })).statusCode).toBe(201);
      const timeline = (await t.request({ method: 'GET', url: `/v1/tickets/${tk.id}/timeline` })).json().data;
      expect(timeline.map((e: { action: string }) => e.action).slice(-3)).toEqual(['scheduled', 'no_show', 'scheduled']);
    } finally {
      t.clock.set('2026-03-02T09:00:00Z');
    }
  });

  it('calls off the scheduled visits of a cancelled ticket, freeing their slots', async () => {
    const tech = await technician();
    const tk = await ticket();
    const v = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-16', '10:00'), window_end: sh('2026-03-16', '11:00') })).json();
    const cancelled = await t.request({ method: 'POST', url: `/v1/tickets/${tk.id}/cancel`, payload: { reason: 'customer fixed it' } });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect((await t.request({ method: 'GET', url: `/v1/visits/${v.id}` })).json()).toMatchObject({ status: 'cancelled', cancel_reason: 'ticket cancelled: customer fixed it' });
    const timeline = (await t.request({ method: 'GET', url: `/v1/tickets/${tk.id}/timeline` })).json().data;
    expect(timeline.at(-1)).toMatchObject({ entry: 'visit', action: 'cancelled', data: { visit_id: v.id } });
    const other = await ticket();
    expect((await book(other.id, { technician_id: tech.id, window_start: sh('2026-03-16', '10:00'), window_end: sh('2026-03-16', '11:00') })).statusCode).toBe(201);
  });

  it('lets a technician key see and work its own visits only (404 for the others), and book none', async () => {
    const mine = await technician();
    const theirs = await technician();
    const key = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'tech', role: 'technician', technician_id: mine.id } })).json().secret;
    const tk = await ticket();
    const own = (await book(tk.id, { technician_id: mine.id, window_start: sh('2026-03-10', '10:00'), window_end: sh('2026-03-10', '11:00') })).json();
    const other = (await book(tk.id, { technician_id: theirs.id, window_start: sh('2026-03-10', '10:00'), window_end: sh('2026-03-10', '11:00') })).json();
    expect((await t.request({ method: 'GET', url: `/v1/visits/${other.id}`, key })).statusCode).toBe(404);
    expect((await act(other.id, 'check-in', {}, key)).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/v1/visits/${other.id}/record`, key })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/v1/visits/${own.id}`, key })).statusCode).toBe(200);
    const listed = (await t.request({ method: 'GET', url: '/v1/visits', key })).json().data.map((v: { id: string }) => v.id);
    expect(listed).toEqual([own.id]);
    expect((await t.request({ method: 'GET', url: `/v1/visits?technician_id=${theirs.id}`, key })).json().data).toEqual([]);
    expect((await act(own.id, 'check-in', {}, key)).statusCode).toBe(200);
    expect((await book(tk.id, { technician_id: mine.id, window_start: sh('2026-03-11', '10:00'), window_end: sh('2026-03-11', '11:00') }, key)).statusCode).toBe(403);
    expect((await act(own.id, 'cancel', { reason: 'x' }, key)).statusCode).toBe(403);
  });
});

describe('completion and the signed repair record', () => {
  it('takes the parts out of stock, freezes the record with its hash, and shows it on the timeline', async () => {
    const tech = await technician();
    const tk = await ticket();
    const board = await part(5, { reorder_level: 4 });
    const screw = await part(100, { name: '螺丝 screw', unit_price: 50 });
    const v = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-02', '17:00'), window_end: sh('2026-03-02', '18:00'), planned_parts: [{ part_id: board.id, quantity: 1 }] })).json();
    expect(v.planned_parts).toEqual([{ part_id: board.id, quantity: 1 }]);
    await act(v.id, 'check-in');
    const done = await complete(v.id, { parts_used: [{ part_id: board.id, quantity: 1 }, { part_id: screw.id, quantity: 3 }, { part_id: board.id, quantity: 1 }], test_notes: '开锁 20 次' });
    expect(done.statusCode, done.body).toBe(200);
    expect((await t.request({ method: 'GET', url: `/v1/parts/${board.id}` })).json()).toMatchObject({ stock: 3, low_stock: true });
    expect((await t.request({ method: 'GET', url: `/v1/parts/${screw.id}` })).json().stock).toBe(97);
    const ledger = (await t.request({ method: 'GET', url: `/v1/parts/${board.id}/movements` })).json().data;
    expect(ledger[0]).toMatchObject({ kind: 'consumed', quantity: -2, stock_after: 3, visit_id: v.id });
    const lowStock = (await t.request({ method: 'GET', url: '/v1/events?limit=1000&types=part.low_stock' })).json().data.filter((e: { resource: { id: string } }) => e.resource.id === board.id);
    expect(lowStock).toHaveLength(1);

    const rec = await t.request({ method: 'GET', url: `/v1/visits/${v.id}/record` });
    expect(rec.statusCode, rec.body).toBe(200);
    const record = rec.json();
    expect(record).toMatchObject({
      visit_id: v.id,
      ticket_id: tk.id,
      verifies: true,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      record: {
        customer: { name: '王小明', address: '上海市浦东新区世纪大道 100 号' },
        product: { product_model: 'SL-900 智能门锁', serial_number: 'SN-2026-0042' },
        test_passed: true,
        test_notes: '开锁 20 次',
        // Reported after warranty_until: out of warranty, parts charged at unit price.
        warranty: { result: 'out_of_warranty', chargeable: true, basis: 'product_record' },
        charges: { currency: 'CNY', parts_total: 2 * 12000 + 3 * 50 },
        signoff: { signed_by: '王小明' },
      },
    });
    expect(record.record.parts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ part_id: board.id, quantity: 2, unit_price: 12000, amount: 24000 }),
        expect.objectContaining({ part_id: screw.id, quantity: 3, amount: 150 }),
      ]),
    );
    const timeline = (await t.request({ method: 'GET', url: `/v1/tickets/${tk.id}/timeline` })).json().data;
    expect(timeline.at(-1)).toMatchObject({ entry: 'visit', action: 'completed', body: '更换主板，测试开锁 20 次正常', data: { record_sha256: record.sha256, test_passed: true } });
    expect((await t.request({ method: 'GET', url: '/v1/events?limit=1000&types=visit.completed' })).json().data.some((e: { resource: { id: string } }) => e.resource.id === v.id)).toBe(true);

    // The database refuses any change to the record or to the completed visit.
    await expect(sql`update visit_records set record = jsonb_set(record, '{work_summary}', '"nothing"') where visit_id = ${v.id}`.execute(t.database.db)).rejects.toThrow(/append-only|not be changed|cannot/i);
    await expect(sql`delete from visit_records where visit_id = ${v.id}`.execute(t.database.db)).rejects.toThrow();
    await expect(sql`update visits set notes = 'changed' where id = ${v.id}`.execute(t.database.db)).rejects.toThrow(/frozen/);
    // Only by switching the triggers off (a superuser's act) can it change; then it no longer verifies.
    await t.database.db.transaction().execute(async (tx) => {
      await sql`set local session_replication_role = replica`.execute(tx);
      await sql`update visit_records set record = jsonb_set(record, '{charges,parts_total}', '0') where visit_id = ${v.id}`.execute(tx);
    });
    expect((await t.request({ method: 'GET', url: `/v1/visits/${v.id}/record` })).json()).toMatchObject({ verifies: false, sha256: record.sha256 });
  });

  it('charges nothing for parts in warranty, and takes the ticket\'s own decision once it has one', async () => {
    const tech = await technician();
    const covered = (
      await t.request({ method: 'POST', url: `/v1/customers/${customer.id}/assets`, payload: { product_model: 'SL-900', category: 'smart-lock', purchased_on: '2025-12-01', warranty_until: '2027-12-01' } })
    ).json();
    const tk = await ticket({ asset_id: covered.id });
    const board = await part(5);
    const v = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-02', '17:00'), window_end: sh('2026-03-02', '18:00') })).json();
    await act(v.id, 'check-in');
    await complete(v.id, { parts_used: [{ part_id: board.id, quantity: 1 }] });
    const record = (await t.request({ method: 'GET', url: `/v1/visits/${v.id}/record` })).json().record;
    expect(record).toMatchObject({ warranty: { result: 'in_warranty', chargeable: false }, charges: { parts_total: 0 }, parts: [{ amount: 0, unit_price: 12000 }] });
  });

  it('refuses the whole completion when a part is short: nothing is written', async () => {
    const tech = await technician();
    const tk = await ticket();
    const plenty = await part(10);
    const scarce = await part(1);
    const v = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-02', '17:00'), window_end: sh('2026-03-02', '18:00') })).json();
    await act(v.id, 'check-in');
    const res = await complete(v.id, { parts_used: [{ part_id: plenty.id, quantity: 2 }, { part_id: scarce.id, quantity: 2 }] });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain(`part ${scarce.sku} has 1 left, 2 needed`);
    expect((await t.request({ method: 'GET', url: `/v1/parts/${plenty.id}` })).json().stock).toBe(10);
    expect((await t.request({ method: 'GET', url: `/v1/visits/${v.id}` })).json().status).toBe('checked_in');
    expect((await t.request({ method: 'GET', url: `/v1/visits/${v.id}/record` })).statusCode).toBe(409);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from part_movements where visit_id = ${v.id}`.execute(t.database.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('lets exactly 3 of 5 concurrent completions draw from a stock of 3', async () => {
    const tech = await Promise.all(Array.from({ length: 5 }, () => technician()));
    const tk = await ticket();
    const scarce = await part(3);
    const visits = [];
    for (const tc of tech) {
      const v = (await book(tk.id, { technician_id: tc.id, window_start: sh('2026-03-02', '17:00'), window_end: sh('2026-03-02', '18:00') })).json();
      await act(v.id, 'check-in');
      visits.push(v);
    }
    const results = await Promise.all(visits.map((v) => complete(v.id, { parts_used: [{ part_id: scarce.id, quantity: 1 }] })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 409, 409]);
    expect((await t.request({ method: 'GET', url: `/v1/parts/${scarce.id}` })).json().stock).toBe(0);
    const { rows } = await sql<{ sum: number; n: number }>`select sum(quantity)::int as sum, count(*)::int as n from part_movements where part_id = ${scarce.id}`.execute(t.database.db);
    expect(rows[0]).toEqual({ sum: 0, n: 4 });
  });

  it('checks the signature and when it was given', async () => {
    const tech = await technician();
    const tk = await ticket();
    const v = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-02', '17:00'), window_end: sh('2026-03-02', '18:00') })).json();
    await act(v.id, 'check-in');
    for (const signature of ['data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==', 'data:image/gif;base64,R0lGODlh', '<svg onload=alert(1)>', 'M 10 10 L x y', 'hello']) {
      const res = await complete(v.id, { signoff: signoff({ signature }) });
      expect(res.statusCode, signature).toBe(422);
      expect(res.json()).toMatchObject({ type: 'https://aftercare.dev/problems/signature-invalid', errors: [{ path: '/body/signoff/signature' }] });
    }
    const huge = await complete(v.id, { signoff: signoff({ signature: `M 0 0 ${'L 1 1 '.repeat(20_000)}` }) });
    expect(huge.statusCode).toBe(400);
    const future = await complete(v.id, { signoff: signoff({ signed_at: new Date(t.clock.now().getTime() + 3_600_000).toISOString() }) });
    expect(future.json().type).toBe('https://aftercare.dev/problems/signed-at-invalid');
    const missing = await act(v.id, 'complete', { work_summary: 'x', test_passed: true });
    expect(missing.statusCode).toBe(400);
    const path = await complete(v.id, { signoff: signoff({ signature: 'M 20 100 C 60 20, 120 20, 160 100 S 260 180, 300 100 l 40 -20' }) });
    expect(path.statusCode, path.body).toBe(200);
  });

  it('renders the signed service report as a PDF whose text reads back with the Chinese name, the parts and the hash', async () => {
    const tech = await technician();
    const tk = await ticket();
    const board = await part(5, { name: '门锁主板 lock board' });
    const v = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-02', '17:00'), window_end: sh('2026-03-02', '18:00') })).json();
    expect((await t.request({ method: 'GET', url: `/v1/visits/${v.id}/record.pdf` })).statusCode).toBe(409);
    await act(v.id, 'check-in');
    await complete(v.id, { parts_used: [{ part_id: board.id, quantity: 1 }] });
    const res = await t.request({ method: 'GET', url: `/v1/visits/${v.id}/record.pdf` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(res.rawPayload);
    const record = (await t.request({ method: 'GET', url: `/v1/visits/${v.id}/record` })).json();
    for (const expected of ['王小明', '维修服务报告', '上海市浦东新区世纪大道', 'SL-900 智能门锁', 'SN-2026-0042', '门锁主板 lock board', board.sku, '120.00 CNY', '通过 Passed', record.sha256]) {
      expect(text, expected).toContain(expected);
    }
  });
});

describe('lists, reminders and workload', () => {
  it('lists a technician\'s day in schedule order, page by page, with every filter', async () => {
    const tech = await technician();
    const tk = await ticket();
    const hours = ['09:00', '10:00', '11:00', '13:00', '14:00', '15:00'];
    const booked = [];
    for (const h of [...hours].reverse()) {
      booked.unshift((await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-12', h), window_end: sh('2026-03-12', h.replace(/:00$/, ':45')) })).json());
    }
    await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-13', '09:00'), window_end: sh('2026-03-13', '10:00') });
    const day = `technician_id=${tech.id}&from=${encodeURIComponent(sh('2026-03-12', '00:00'))}&to=${encodeURIComponent(sh('2026-03-13', '00:00'))}`;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = (await t.request({ method: 'GET', url: `/v1/visits?${day}&limit=4${cursor ? `&cursor=${cursor}` : ''}` })).json();
      seen.push(...page.data.map((v) => v.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(booked.map((v) => v.id));
    t.clock.advance(1000);
    await act(booked[0].id, 'cancel', { reason: 'x' });
    expect((await t.request({ method: 'GET', url: `/v1/visits?${day}&status=cancelled` })).json().data.map((v: { id: string }) => v.id)).toEqual([booked[0].id]);
    expect((await t.request({ method: 'GET', url: `/v1/visits?customer_id=${customer.id}&ticket_id=${tk.id}&limit=200` })).json().data).toHaveLength(7);
    const since = (await t.request({ method: 'GET', url: `/v1/visits?technician_id=${tech.id}&updated_since=2026-03-02T09:00:00Z` })).json().data;
    expect(since.at(-1).id).toBe(booked[0].id);
    expect((await t.request({ method: 'GET', url: '/v1/visits?cursor=abc' })).statusCode).toBe(400);
    const workload = (await t.request({ method: 'GET', url: `/v1/technicians/${tech.id}/workload` })).json();
    expect(workload.upcoming_visits.map((v: { id: string }) => v.id).slice(0, 5)).toEqual(booked.slice(1).map((v) => v.id));
  });

  it('emits visit.reminder_due once per visit, and again after a move to another start', async () => {
    const tech = await technician();
    const tk = await ticket();
    const soon = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-03', '15:00'), window_end: sh('2026-03-03', '16:00') })).json();
    const later = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-20', '15:00'), window_end: sh('2026-03-20', '16:00') })).json();
    const run = async () => {
      t.clock.advance(1000); // a run per instant: the jobs API runs a job once per tick
      return (await t.request({ method: 'POST', url: '/v1/jobs/visit-reminders/run' })).json();
    };
    const reminders = async () =>
      (await t.request({ method: 'GET', url: '/v1/events?limit=1000&types=visit.reminder_due' })).json().data.filter((e: { resource: { id: string } }) => [soon.id, later.id].includes(e.resource.id));
    await run();
    await run();
    expect((await reminders()).map((e: { resource: { id: string } }) => e.resource.id)).toEqual([soon.id]);
    const current = (await t.request({ method: 'GET', url: `/v1/visits/${soon.id}` })).json();
    expect(current.reminder_sent_at).toEqual(expect.any(String));
    const moved = await t.request({ method: 'PATCH', url: `/v1/visits/${soon.id}`, headers: { 'if-match': `"${current.version}"` }, payload: { window_start: sh('2026-03-03', '14:00') } });
    expect(moved.json().reminder_sent_at).toBeNull();
    await run();
    expect(await reminders()).toHaveLength(2);
  });
});

describe('charges from visits at resolve', () => {
  it('adds the parts of the ticket\'s completed visits, at unit price when chargeable, at 0 in warranty', async () => {
    const tech = await technician();
    const board = await part(5, { unit_price: 12000 });
    const screw = await part(50, { unit_price: 50, name: '螺丝 screw' });
    const resolveWith = async (body: Record<string, unknown>) => {
      const tk = await ticket();
      const v = (await book(tk.id, { technician_id: tech.id, window_start: sh('2026-03-02', '17:00'), window_end: sh('2026-03-02', '18:00') })).json();
      await act(v.id, 'check-in');
      expect((await complete(v.id, { parts_used: [{ part_id: board.id, quantity: 1 }, { part_id: screw.id, quantity: 4 }] })).statusCode).toBe(200);
      await t.request({ method: 'POST', url: `/v1/tickets/${tk.id}/assign`, payload: { technician_id: tech.id } });
      await t.request({ method: 'POST', url: `/v1/tickets/${tk.id}/start` });
      return t.request({ method: 'POST', url: `/v1/tickets/${tk.id}/resolve`, payload: { method: 'repair', summary: 'Replaced the board', charge_visit_parts: true, ...body } });
    };
    const misuse = await resolveWith({ warranty: 'misuse', charges: { currency: 'CNY', items: [{ kind: 'visit', description: '上门费 call-out', amount: 5000 }] } });
    expect(misuse.statusCode, misuse.body).toBe(200);
    expect(misuse.json().resolution.charges).toMatchObject({
      currency: 'CNY',
      total: 5000 + 12000 + 200,
      items: [{ kind: 'visit', amount: 5000 }, { kind: 'parts', description: `${board.sku} ${board.name} × 1`, amount: 12000 }, { kind: 'parts', amount: 200 }],
    });
    // Out of warranty by the product record, charges left out: in the parts' currency.
    expect((await resolveWith({})).json().resolution.charges).toMatchObject({ currency: 'CNY', total: 12200 });
    const covered = await resolveWith({ warranty: 'in_warranty', warranty_override_reason: 'goodwill: known board fault' });
    expect(covered.statusCode, covered.body).toBe(200);
    expect(covered.json().resolution.charges).toMatchObject({ total: 0, items: [{ amount: 0 }, { amount: 0 }] });
    const euros = await resolveWith({ warranty: 'misuse', charges: { currency: 'EUR', items: [] } });
    expect(euros.json()).toMatchObject({ type: 'https://aftercare.dev/problems/parts-currency-mixed' });
  });
});
