import { createHash } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { DEFAULT_JOB_SETTINGS, surveySettings } from '../../src/jobs/registry.ts';
import { dispatchSurveys } from '../../src/modules/surveys/surveys.service.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
const log = pino({ level: 'silent' });
let customer: { id: string };
let technician: { id: string };

beforeAll(async () => {
  t = await createTestApp({ clock: new ManualClock('2026-03-09T01:00:00Z') });
  customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: '李娜', phone: '13800000001', region: 'north' } })).json();
  technician = (await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'W', tier: 1, regions: ['north'], skills: ['washer'], max_open_tickets: 50 } })).json();
});
afterAll(async () => t.close());

async function resolvedTicket() {
  const ticket = (
    await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'phone', category: 'washer', subject: 'Leaks' } })
  ).json();
  await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/assign`, payload: { technician_id: technician.id } });
  await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/start` });
  const res = await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/resolve`, payload: { method: 'repair', summary: 'Seal replaced' } });
  expect(res.statusCode, res.body).toBe(200);
  return ticket as { id: string; number: string };
}
const survey = async (ticketId: string) => {
  const res = await t.request({ method: 'POST', url: `/v1/tickets/${ticketId}/surveys` });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};
const answer = (token: string, payload: unknown) => t.request({ method: 'POST', url: `/v1/public/surveys/${token}/response`, payload: payload as object, key: null });
const dispatch = () => dispatchSurveys({ db: t.database.db, clock: t.clock, log }, surveySettings({ ...DEFAULT_JOB_SETTINGS, PUBLIC_BASE_URL: 'https://care.example.com' }));

describe('surveys', () => {
  it('opens one on demand with a token shown once, stored only as a hash; a second open one is 409', async () => {
    const ticket = await resolvedTicket();
    const s = await survey(ticket.id);
    expect(s).toMatchObject({ ticket_id: ticket.id, customer_id: customer.id, technician_id: technician.id, status: 'open', trigger: 'manual' });
    expect(s.token).toMatch(/^sv_[A-Za-z0-9_-]{43}$/);
    expect(s.respond_url).toBe(`http://127.0.0.1:3000/v1/public/surveys/${s.token}`);
    const again = await t.request({ method: 'GET', url: `/v1/surveys/${s.id}` });
    expect(again.json()).toMatchObject({ token: null, respond_url: null });
    const stored = await t.database.db.selectFrom('surveys').select('token_hash').where('id', '=', s.id).executeTakeFirstOrThrow();
    // Only the SHA-256 of the token is kept, never the token.
    expect(stored.token_hash.toString('hex')).toBe(createHash('sha256').update(s.token).digest('hex'));
    expect(stored.token_hash.toString('hex')).not.toContain(Buffer.from(s.token).toString('hex'));
    expect((await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/surveys` })).statusCode).toBe(409);
    // The feed never shows the token, not even to a key that may read every event; it is kept
    // beside the event, for the survey.sent webhook delivery alone.
    const analyst = await t.key('analyst');
    const feed = (await t.request({ method: 'GET', url: '/v1/events?types=survey.sent&limit=1000', key: analyst })).json().data as { resource: { id: string }; data: Record<string, unknown> }[];
    const event = feed.find((e) => e.resource.id === s.id)!;
    expect(event.data).toMatchObject({ id: s.id, token: null, respond_url: null });
    expect(JSON.stringify(feed)).not.toContain(s.token);
    const sent = await t.database.db.selectFrom('events').select(['data', 'private_data']).where('resource_id', '=', s.id).where('type', '=', 'survey.sent').executeTakeFirstOrThrow();
    expect(JSON.stringify(sent.data)).not.toContain(s.token);
    expect(sent.private_data).toEqual({ token: s.token, respond_url: s.respond_url });
  });

  it('replays a creation with the same Idempotency-Key without the token, which is never stored', async () => {
    const ticket = await resolvedTicket();
    const headers = { 'idempotency-key': `survey-${ticket.id}` };
    const first = await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/surveys`, headers });
    expect(first.statusCode).toBe(201);
    expect(first.json().token).toMatch(/^sv_/);
    const again = await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/surveys`, headers });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toMatchObject({ id: first.json().id, token: null, respond_url: null });
    const stored = await t.database.db.selectFrom('idempotency_keys').select('response_body').where('key', '=', `survey-${ticket.id}`).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.response_body)).not.toContain(first.json().token);
  });

  it('refuses a survey for a ticket still being worked on', async () => {
    const open = (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'phone', category: 'washer', subject: 'x' } })).json();
    const res = await t.request({ method: 'POST', url: `/v1/tickets/${open.id}/surveys` });
    expect(res.statusCode).toBe(409);
  });

  it('shows the public survey without personal data, takes one valid answer, then 409; unknown 404; expired 410', async () => {
    const ticket = await resolvedTicket();
    const s = await survey(ticket.id);
    const view = await t.request({ method: 'GET', url: `/v1/public/surveys/${s.token}`, key: null });
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ status: 'open', service: { ticket_number: ticket.number, category: 'washer' } });
    expect(view.body).not.toContain('李娜');
    expect(view.body).not.toContain('13800000001');
    expect(view.body).not.toContain(customer.id);

    for (const bad of [{ csat: 0 }, { csat: 6 }, { csat: 3, nps: 11 }, { csat: 3, dimensions: { speed: 9 } }, { csat: 3, dimensions: { taste: 3 } }, { csat: 3, comment: 'x'.repeat(2001) }, {}]) {
      const res = await answer(s.token, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const ok = await answer(s.token, { csat: 4, nps: 9, dimensions: { speed: 4, attitude: 5 }, comment: 'Quick and kind' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await answer(s.token, { csat: 5 })).statusCode).toBe(409);
    const stored = (await t.request({ method: 'GET', url: `/v1/surveys/${s.id}` })).json();
    expect(stored).toMatchObject({ status: 'answered', csat: 4, nps: 9, dimensions: { speed: 4, attitude: 5 }, comment: 'Quick and kind', recovery_ticket_id: null });

    expect((await t.request({ method: 'GET', url: `/v1/public/surveys/sv_${'A'.repeat(43)}`, key: null })).statusCode).toBe(404);
    expect((await answer(`sv_${'A'.repeat(43)}`, { csat: 3 })).statusCode).toBe(404);

    const other = await survey((await resolvedTicket()).id);
    t.clock.advance(15 * 86_400_000);
    try {
      expect((await t.request({ method: 'GET', url: `/v1/public/surveys/${other.token}`, key: null })).statusCode).toBe(410);
      expect((await answer(other.token, { csat: 3 })).statusCode).toBe(410);
    } finally {
      t.clock.advance(-15 * 86_400_000);
    }
  });

  it('a low score opens one service-recovery care ticket, routed, however the answer is raced', async () => {
    const ticket = await resolvedTicket();
    const s = await survey(ticket.id);
    const results = await Promise.all([answer(s.token, { csat: 1 }), answer(s.token, { csat: 2 }), answer(s.token, { csat: 1 })]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    const care = await t.database.db.selectFrom('tickets').selectAll().where('linked_ticket_id', '=', ticket.id).execute();
    expect(care).toHaveLength(1);
    expect(care[0]).toMatchObject({ type: 'care', category: 'service_recovery', priority: 'high', status: 'assigned', technician_id: technician.id, customer_id: customer.id });
    expect((await t.request({ method: 'GET', url: `/v1/surveys/${s.id}` })).json().recovery_ticket_id).toBe(care[0]!.id);
    // A second survey of the same ticket answered low links to the same care ticket.
    await t.database.db.updateTable('surveys').set({ status: 'expired' }).where('id', '=', s.id).where('status', '=', 'open').execute();
    const second = await survey(ticket.id);
    expect((await answer(second.token, { csat: 1 })).statusCode).toBe(200);
    expect(await t.database.db.selectFrom('tickets').select('id').where('linked_ticket_id', '=', ticket.id).execute()).toHaveLength(1);
    expect((await t.request({ method: 'GET', url: `/v1/surveys/${second.id}` })).json().recovery_ticket_id).toBe(care[0]!.id);
    const types = (await t.database.db.selectFrom('events').select('type').where('resource_id', 'in', [s.id, second.id, care[0]!.id]).execute()).map((e) => e.type).sort();
    expect(types).toEqual(['survey.answered', 'survey.answered', 'survey.sent', 'survey.sent', 'ticket.assigned', 'ticket.created']);
  });

  it('survey-dispatch sends the survey after the delay, once, drops it for a reopened ticket, and expires old ones', async () => {
    const a = await resolvedTicket();
    const b = await resolvedTicket();
    await t.request({ method: 'POST', url: `/v1/tickets/${b.id}/reopen`, payload: { reason: 'Still leaks' } });
    t.clock.advance(59 * 60_000);
    expect(await dispatch()).toMatchObject({ surveys_sent: 0 });
    t.clock.advance(60_000);
    // What is due now, from this test and any other of this file: sent where still resolved or closed, dropped otherwise.
    const due = await t.database.db
      .selectFrom('survey_requests as r')
      .innerJoin('tickets as k', 'k.id', 'r.ticket_id')
      .select(['r.ticket_id', 'k.status'])
      .where('r.due_at', '<=', new Date(t.clock.now().getTime() - 60 * 60_000))
      .execute();
    const ready = due.filter((r) => r.status === 'resolved' || r.status === 'closed').map((r) => r.ticket_id);
    expect(ready).toContain(a.id);
    expect(due.map((r) => r.ticket_id).filter((id) => !ready.includes(id))).toContain(b.id);
    // A ticket that already has an open survey (asked for on demand) gets no second one.
    const alreadyOpen = ready.length
      ? await t.database.db.selectFrom('surveys').select('ticket_id').where('status', '=', 'open').where('ticket_id', 'in', ready).execute()
      : [];
    expect(alreadyOpen.map((r) => r.ticket_id)).not.toContain(a.id);
    const first = await dispatch();
    expect(first).toMatchObject({ surveys_sent: ready.length - alreadyOpen.length, requests_dropped: due.length - ready.length });
    expect(await dispatch()).toMatchObject({ surveys_sent: 0, requests_dropped: 0 });
    const forA = (await t.request({ method: 'GET', url: `/v1/surveys?ticket_id=${a.id}` })).json().data;
    expect(forA).toEqual([expect.objectContaining({ trigger: 'resolved', status: 'open', token: null })]);
    expect((await t.request({ method: 'GET', url: `/v1/surveys?ticket_id=${b.id}` })).json().data).toEqual([]);
    t.clock.advance(15 * 86_400_000);
    const expiring = await t.database.db.selectFrom('surveys').select('id').where('status', '=', 'open').where('expires_at', '<=', t.clock.now()).execute();
    expect(expiring.map((r) => r.id)).toContain(forA[0].id);
    expect((await dispatch()).surveys_expired).toBe(expiring.length);
    expect((await t.request({ method: 'GET', url: `/v1/surveys/${forA[0].id}` })).json().status).toBe('expired');
    t.clock.advance(-15 * 86_400_000 - 60 * 60_000);
  });

  it('lists with filters', async () => {
    const ticket = await resolvedTicket();
    const s = await survey(ticket.id);
    await answer(s.token, { csat: 5 });
    const ids = async (qs: string) => (await t.request({ method: 'GET', url: `/v1/surveys?${qs}` })).json().data.map((x: { id: string }) => x.id);
    expect(await ids(`ticket_id=${ticket.id}&answered=true&csat_min=5`)).toEqual([s.id]);
    expect(await ids(`ticket_id=${ticket.id}&csat_max=4`)).toEqual([]);
    expect(await ids(`ticket_id=${ticket.id}&answered=false`)).toEqual([]);
    expect(await ids(`technician_id=${technician.id}&status=answered&limit=200`)).toContain(s.id);
    expect((await t.request({ method: 'GET', url: '/v1/surveys?csat_min=9' })).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: '/v1/surveys', key: null })).statusCode).toBe(401);
  });
});

describe('public survey routes', () => {
  it('are rate limited per client address', async () => {
    const hit = () => t.request({ method: 'GET', url: `/v1/public/surveys/sv_${'B'.repeat(43)}`, key: null, remoteAddress: '10.9.8.7' });
    for (let i = 0; i < 30; i++) expect((await hit()).statusCode).toBe(404);
    const limited = await hit();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // Another address is not affected.
    expect((await t.request({ method: 'GET', url: `/v1/public/surveys/sv_${'B'.repeat(43)}`, key: null, remoteAddress: '10.9.8.6' })).statusCode).toBe(404);
  });

  it('share one budget per address across both routes, so alternating them does not double it', async () => {
    const token = `sv_${'C'.repeat(43)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      const res =
        i % 2
          ? await t.request({ method: 'POST', url: `/v1/public/surveys/${token}/response`, key: null, remoteAddress: '10.9.8.5', payload: { csat: 5 } })
          : await t.request({ method: 'GET', url: `/v1/public/surveys/${token}`, key: null, remoteAddress: '10.9.8.5' });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });
});

describe('erasure', () => {
  it('erasing a customer removes their survey comments and keeps the scores', async () => {
    const c = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: '王芳', region: 'north' } })).json();
    const k = (await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: c.id, type: 'repair', channel: 'phone', category: 'washer', subject: 'x' } })).json();
    await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/assign`, payload: { technician_id: technician.id } });
    await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/start` });
    await t.request({ method: 'POST', url: `/v1/tickets/${k.id}/resolve`, payload: { method: 'repair', summary: 'ok' } });
    const s = await survey(k.id);
    await answer(s.token, { csat: 4, comment: '我是王芳，电话13912345678' });
    expect((await t.request({ method: 'DELETE', url: `/v1/customers/${c.id}` })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/v1/surveys/${s.id}` })).json()).toMatchObject({ csat: 4, comment: null });
    const events = await t.database.db.selectFrom('events').select('data').where('resource_id', '=', s.id).execute();
    expect(JSON.stringify(events)).not.toContain('王芳');
  });
});
