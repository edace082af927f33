import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let customer: { id: string };
let asset: { id: string };
beforeAll(async () => {
  t = await createTestApp();
  customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: '刘洋', region: 'east', external_ref: 'CRM-T1' } })).json();
  asset = (await t.request({ method: 'POST', url: `/v1/customers/${customer.id}/assets`, payload: { product_model: 'Lock S2', category: 'smart-lock' } })).json();
});
afterAll(async () => t.close());

const open = async (payload: Record<string, unknown> = {}) => {
  const res = await t.request({
    method: 'POST',
    url: '/v1/tickets',
    payload: { customer_id: customer.id, type: 'repair', channel: 'phone', category: 'smart-lock', subject: 'Lock will not open', ...payload },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};

describe('ticket intake', () => {
  it('opens a ticket with a human number, at tier 1, status new, with its region', async () => {
    const ticket = await open({ asset_id: asset.id, priority: 'high', description: '智能门锁无法开锁' });
    expect(ticket).toMatchObject({ status: 'new', tier: 1, priority: 'high', region: 'east', technician_id: null, asset_id: asset.id, version: 1 });
    expect(ticket.number).toMatch(/^SR-2026-\d{6}$/);
    expect(ticket.reported_at).toBe(t.clock.now().toISOString());
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}` })).json()).toEqual(ticket);
  });

  it('finds the customer by CRM id, and refuses a product of someone else or no customer', async () => {
    expect((await open({ customer_id: undefined, customer_external_ref: 'CRM-T1' })).customer_id).toBe(customer.id);
    const other = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Other' } })).json();
    const res = await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: other.id, asset_id: asset.id, type: 'repair', channel: 'web', category: 'x', subject: 's' } });
    expect(res.statusCode).toBe(422);
    const none = await t.request({ method: 'POST', url: '/v1/tickets', payload: { type: 'repair', channel: 'web', category: 'x', subject: 's' } });
    expect(none.statusCode).toBe(422);
    const ghost = await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_external_ref: 'NOPE', type: 'repair', channel: 'web', category: 'x', subject: 's' } });
    expect(ghost.statusCode).toBe(422);
  });

  it('gives unique numbers to tickets opened at the same moment', async () => {
    const tickets = await Promise.all(Array.from({ length: 20 }, () => open()));
    expect(new Set(tickets.map((x) => x.number)).size).toBe(20);
  });

  it('refuses a reported_at in the future and a major flag on a non-complaint', async () => {
    const future = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    expect((await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'web', category: 'x', subject: 's', reported_at: future } })).statusCode).toBe(422);
    expect((await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'web', category: 'x', subject: 's', complaint_major: true } })).statusCode).toBe(422);
  });

  it('refuses a reported_at more than 365 days back, which the clocks cannot span, and takes one within it', async () => {
    const back = (days: number) => new Date(t.clock.now().getTime() - days * 86_400_000).toISOString();
    for (const days of [366, 4_000]) {
      const res = await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'web', category: 'x', subject: 's', reported_at: back(days) } });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ type: 'https://aftercare.dev/problems/reported-too-long-ago', errors: [{ path: '/body/reported_at' }] });
    }
    const old = await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'web', category: 'x', subject: 's', reported_at: back(364) } });
    expect(old.statusCode, old.body).toBe(201);
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${old.json().id}/sla` })).statusCode).toBe(200);
  });

  it('filters lists and finds Chinese and Latin text with q', async () => {
    await open({ subject: '冰箱不制冷', description: 'Fridge stopped cooling after power cut', category: 'fridge', priority: 'urgent' });
    await open({ subject: 'Sofa leg broken', category: 'sofa', type: 'complaint', channel: 'email' });
    await open({ subject: 'Door lock jammed', description: '智能门锁卡住了' });
    const subjects = async (qs: string) => ((await t.request({ method: 'GET', url: `/v1/tickets?${qs}` })).json().data as { subject: string }[]).map((x) => x.subject).sort();
    expect(await subjects('q=制冷')).toEqual(['冰箱不制冷']);
    expect(await subjects('q=冷制')).toEqual([]);
    expect(await subjects('q=cooling')).toEqual(['冰箱不制冷']);
    expect(await subjects('q=门锁卡住')).toEqual(['Door lock jammed']);
    expect(await subjects('q=fridge%20power')).toEqual(['冰箱不制冷']);
    expect(await subjects('category=sofa&type=complaint')).toEqual(['Sofa leg broken']);
    expect(await subjects('priority=urgent&region=east&category=fridge')).toEqual(['冰箱不制冷']);
  });

  it('pages through a common search term exactly as through a rare one', async () => {
    const leaks = [];
    for (let i = 0; i < 7; i++) {
      leaks.push((await open({ subject: `洗衣机漏水 ${i}`, category: 'washer' })).id);
      await open({ subject: `unrelated ${i}`, category: 'washer' });
    }
    const walk = async (qs: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.request({ method: 'GET', url: `/v1/tickets?${qs}&limit=3${cursor ? `&cursor=${cursor}` : ''}` });
        ids.push(...res.json().data.map((x: { id: string }) => x.id));
        cursor = res.json().next_cursor;
      } while (cursor);
      return ids;
    };
    // The first pages come from the newest tickets, the last from the index: the same order either way.
    expect(await walk('q=漏水')).toEqual([...leaks].reverse());
    expect(await walk('q=漏水&category=washer')).toEqual([...leaks].reverse());
  });

  it('changes fields with PATCH but never the status', async () => {
    const ticket = await open();
    const res = await t.request({ method: 'PATCH', url: `/v1/tickets/${ticket.id}`, payload: { priority: 'urgent', subject: 'Locked out' }, headers: { 'if-match': '"1"' } });
    expect(res.json()).toMatchObject({ priority: 'urgent', subject: 'Locked out', version: 2 });
    expect((await t.request({ method: 'PATCH', url: `/v1/tickets/${ticket.id}`, payload: { status: 'closed' } })).statusCode).toBe(400);
    expect((await t.request({ method: 'PATCH', url: `/v1/tickets/${ticket.id}`, payload: { priority: 'low' }, headers: { 'if-match': '"1"' } })).statusCode).toBe(412);
  });
});

describe('timeline and notes', () => {
  it('records notes and actions with their actor, and the first customer-visible contact is the first response', async () => {
    const agent = await t.key('agent');
    const ticket = await open();
    const internal = await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, key: agent, payload: { kind: 'comment', visibility: 'internal', body: 'Checking stock' } });
    expect(internal.statusCode).toBe(201);
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().first_responded_at).toBeNull();
    t.clock.advance(60_000);
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, key: agent, payload: { kind: 'call', visibility: 'customer', body: 'Called, confirmed fault' } });
    const respondedAt = t.clock.now().toISOString();
    t.clock.advance(60_000);
    await t.request({ method: 'POST', url: `/v1/tickets/${ticket.id}/notes`, key: agent, payload: { kind: 'sms', visibility: 'customer', body: 'Visit booked' } });
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().first_responded_at).toBe(respondedAt);
    const entries = (await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/timeline` })).json().data;
    expect(entries.map((e: { entry: string; action: string; note_kind: string }) => e.action ?? e.note_kind)).toEqual(['created', 'comment', 'call', 'sms']);
    expect(entries[2]).toMatchObject({ visibility: 'customer', body: 'Called, confirmed fault', actor: { kind: 'api_key', role: 'agent' } });
  });

  it('is append-only in the database', async () => {
    await open(); // at least one entry to forge or delete
    await expect(sql`update ticket_timeline set body = 'forged'`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from ticket_timeline`.execute(t.database.db)).rejects.toThrow(/append-only/);
  });
});

describe('technician keys', () => {
  it('see only the tickets assigned to them; another ticket is a 404', async () => {
    const tech = (await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'T', tier: 1, max_open_tickets: 5 } })).json();
    const key = (await t.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 't', role: 'technician', technician_id: tech.id } })).json().secret;
    const mine = await open();
    await sql`update tickets set technician_id = ${tech.id}, status = 'assigned' where id = ${mine.id}`.execute(t.database.db);
    const other = await open();
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${mine.id}`, key })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${other.id}`, key })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/v1/tickets/${other.id}/timeline`, key })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: `/v1/tickets/${other.id}/notes`, key, payload: { kind: 'comment', visibility: 'internal', body: 'x' } })).statusCode).toBe(404);
    const listed = (await t.request({ method: 'GET', url: '/v1/tickets?limit=200', key })).json().data;
    expect(listed.map((x: { id: string }) => x.id)).toEqual([mine.id]);
    // Asking for another technician's tickets: that technician has one, and the key sees none of it.
    const colleague = (await t.request({ method: 'POST', url: '/v1/technicians', payload: { name: 'Colleague', tier: 1, max_open_tickets: 5 } })).json();
    await sql`update tickets set technician_id = ${colleague.id}, status = 'assigned' where id = ${other.id}`.execute(t.database.db);
    const asColleague = (await t.request({ method: 'GET', url: `/v1/tickets?technician_id=${colleague.id}` })).json().data;
    expect(asColleague.map((x: { id: string }) => x.id)).toEqual([other.id]);
    const spoofed = (await t.request({ method: 'GET', url: `/v1/tickets?technician_id=${colleague.id}`, key })).json().data;
    expect(spoofed).toEqual([]);
  });
});
