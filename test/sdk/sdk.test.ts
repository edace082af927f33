import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from '@hey-api/openapi-ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/*
 * What an integrator does first: generate a TypeScript SDK from the committed
 * openapi/openapi.json with @hey-api/openapi-ts, compile it with strict tsc together with
 * roundtrip.ts (the whole life of a repair ticket written against it), then run that against
 * the service. roundtrip.ts may not cast, touch a raw Response or an untyped header bag.
 */
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const GENERATED = here('./.generated');

/** The report roundtrip.ts returns, as far as this test reads it (roundtrip.ts itself is compiled on its own). */
interface Report {
  ticket: { status: string; technician_id: string | null; version: number; follow_up: { outcome: string } | null };
  technicianId: string;
  assignedTo: string | null;
  timeline: { entry: string; action: string | null; data: Record<string, unknown> }[];
  warrantyResult: string | null;
  chargesTotal: number | null;
  slaMetrics: string[];
  listedIds: string[];
  listPages: number;
  feedTypes: string[];
  feedTicketStatuses: string[];
  surveyQuestions: number;
  answeredAt: string;
  replayedSameTicket: boolean;
  stale: { status: number; type: string } | undefined;
}

let t: TestApp;
let report: Report;
beforeAll(async () => {
  await rm(GENERATED, { recursive: true, force: true });
  await createClient({
    input: here('../../openapi/openapi.json'),
    output: GENERATED,
    plugins: ['@hey-api/client-fetch'],
    logs: { level: 'silent', file: false },
  });
  t = await createTestApp();
  const baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { roundTrip } = (await import(here('./roundtrip.ts'))) as { roundTrip: (baseUrl: string, key: string, run: string) => Promise<Report> };
  report = await roundTrip(baseUrl, t.adminKey, 'sdk1');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('an SDK generated from openapi/openapi.json', () => {
  it('compiles with strict tsc, with the round trip written against it', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const run = promisify(execFile)(process.execPath, [tsc, '-p', here('./tsconfig.json')]);
    await expect(run.then(() => 'compiled', (err: { stdout?: string }) => err.stdout)).resolves.toBe('compiled');
  }, 120_000);

  it('is used without a cast, a raw Response or an untyped header bag', async () => {
    const source = await readFile(here('./roundtrip.ts'), 'utf8');
    const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/\bas\s+(?!const\b)[A-Za-z{[(]/);
    expect(code).not.toMatch(/<[A-Z][A-Za-z]*>\s*[a-z(]/);
    expect(code).not.toMatch(/\bany\b|\bResponse\b|\.response\b|\bfetch\(|Record<string/);
  });

  it('runs the life of a repair ticket against the service', () => {
    const r = report;

    expect(r.replayedSameTicket).toBe(true);
    expect(r.assignedTo).toBe(r.technicianId);
    expect(r.ticket).toMatchObject({ status: 'closed', technician_id: r.technicianId, follow_up: { outcome: 'satisfied' } });
    expect(r.warrantyResult).toBe('out_of_warranty');
    expect(r.chargesTotal).toBe(20_000);
    expect(r.stale).toMatchObject({ status: 412, type: 'https://aftercare.dev/problems/precondition-failed' });

    const kinds = r.timeline.map((e) => `${e.entry}:${e.action ?? ''}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['action:created', 'assignment:assigned', 'action:start', 'note:', 'action:hold', 'action:resume', 'action:resolve', 'decision:warranty', 'survey:sent', 'survey:answered', 'action:follow-up']),
    );
    expect(r.slaMetrics).toEqual(expect.arrayContaining(['first_response', 'resolution']));
    expect(r.listPages).toBe(3);
    expect(new Set(r.listedIds).size).toBe(5);
    expect(r.feedTypes).toEqual(expect.arrayContaining(['ticket.created', 'ticket.assigned', 'ticket.resolved', 'ticket.closed', 'survey.sent', 'survey.answered']));
    expect(r.feedTicketStatuses.at(-1)).toBe('closed');
    expect(r.surveyQuestions).toBeGreaterThan(0);
    expect(r.answeredAt).toMatch(/^\d{4}-/);
  });

  it('sends what the document says: every timeline entry, event and ticket conforms to its schema', async () => {
    // The timeline and the feed are sent as stored (their items are a oneOf); this is what
    // holds them to the document.
    const doc = JSON.parse(await readFile(here('../../openapi/openapi.json'), 'utf8')) as { components: { schemas: Record<string, object> } };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const check = (name: string) => ajv.getSchema(`doc#/components/schemas/${name}`)!;
    // Beside the round trip's tickets: one the SLA sweep warns about and breaches.
    const customer = (await t.request({ method: 'POST', url: '/v1/customers', payload: { name: 'Late', region: 'north' } })).json();
    await t.request({ method: 'POST', url: '/v1/tickets', payload: { customer_id: customer.id, type: 'repair', channel: 'web', category: 'fridge', subject: 'Warm', priority: 'urgent' } });
    t.clock.advance(14 * 24 * 3_600_000);
    expect((await t.request({ method: 'POST', url: '/v1/jobs/sla-sweep/run' })).statusCode).toBe(200);
    const tickets = (await t.request({ method: 'GET', url: '/v1/tickets?limit=200' })).json().data as { id: string }[];
    expect(tickets.length).toBeGreaterThan(0);
    const kinds = new Set<string>();
    for (const ticket of tickets) {
      const timeline = (await t.request({ method: 'GET', url: `/v1/tickets/${ticket.id}/timeline?limit=200` })).json().data as { entry: string }[];
      for (const entry of timeline) kinds.add(entry.entry);
      for (const entry of timeline) expect(check('TimelineEntry')(entry) ? [] : check('TimelineEntry').errors, JSON.stringify(entry)).toEqual([]);
      expect(check('Ticket')(ticket) ? [] : check('Ticket').errors).toEqual([]);
    }
    expect([...kinds].sort()).toEqual(['action', 'assignment', 'decision', 'note', 'sla', 'survey']);
    const events = (await t.request({ method: 'GET', url: '/v1/events?limit=1000' })).json().data as { type: string }[];
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['ticket.sla_breached', 'survey.answered', 'customer.created']));
    for (const event of events) expect(check('Event')(event) ? [] : check('Event').errors, JSON.stringify(event)).toEqual([]);
  });
});
