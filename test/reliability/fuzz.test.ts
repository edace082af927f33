import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generators, type Known } from './arbitraries.ts';
import { doc, operations, violations } from './contract.ts';
import { scanLog } from './secrets.ts';
import { startService, type Service } from './service.ts';
import { buildWorld, pathIds, type World } from './world.ts';

/**
 * Property-based fuzzing of every operation in the committed OpenAPI document, against the
 * service as `npm start` runs it. Seeded: RELIABILITY_SEED replays a run, RELIABILITY_RUNS
 * sets the requests per operation and kind (valid, hostile).
 */
const seed = Number(process.env.RELIABILITY_SEED ?? Date.now() % 2 ** 31);
const runs = Number(process.env.RELIABILITY_RUNS ?? 100);

let service: Service;
let world: World;
let generators: Generators;
const stats = { requests: 0, operations: new Set<string>(), statuses: new Map<number, number>(), reached2xx: new Set<string>() };

beforeAll(async () => {
  service = await startService();
  world = await buildWorld(service);
  const ids = world.ids;
  const cursors = new Map<string, string>();
  for (const op of operations) {
    const param = op.parameters.find((p) => p.in === 'query' && (p.name === 'cursor' || p.name === 'after'));
    if (op.method !== 'GET' || !param) continue;
    const url = op.path.replace(/\{[^}]+\}/g, (m) => encodeURIComponent(pathIds(world, op, m.slice(1, -1))[0]!));
    const page = (await service.call({ method: 'GET', path: `${url}?limit=1` })).json as { next_cursor?: string | null };
    if (page?.next_cursor) cursors.set(op.operationId, page.next_cursor);
  }
  const known: Known = {
    byName: {
      customer_id: [ids.customer],
      customer_external_ref: [ids.externalRef],
      asset_id: [ids.asset],
      technician_id: [ids.technician, ids.otherTechnician],
      ticket_id: [ids.ticket, ids.otherTicket, ids.resolvedTicket],
      calendar_id: [ids.calendar, '01900000-0000-7000-8000-000000000001'],
      policy_id: [ids.policy],
      linked_ticket_id: [ids.ticket],
      part_id: [ids.part],
      visit_id: [ids.visit, ids.checkedInVisit],
      article_ids: [ids.article],
    },
    path: (op, name) => pathIds(world, op, name),
    cursor: (op) => cursors.get(op.operationId),
  };
  generators = new Generators(doc, known);
  console.log(`reliability fuzz: seed ${seed}, ${runs} valid and ${runs} hostile requests per operation (RELIABILITY_SEED=${seed} replays this run)`);
}, 120_000);

afterAll(async () => {
  await service?.stop();
  if (!service) return;
  const statuses = [...stats.statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  console.log(
    `reliability fuzz: ${stats.requests} requests over ${stats.operations.size} of ${operations.length} operations; ` +
      `${stats.reached2xx.size} operations answered 2xx; statuses ${statuses}`,
  );
  const never = operations.filter((op) => !stats.reached2xx.has(op.operationId)).map((op) => op.operationId);
  if (never.length) console.log(`reliability fuzz: never a 2xx (their generated requests broke a rule each time): ${never.join(', ')}`);
});

/** What the log scan looks for: the emails and phone numbers sent, the key secrets and survey tokens given out. */
function noteSecrets(body: unknown, answer: unknown): void {
  const sent = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  if (typeof sent.email === 'string' && sent.email.length >= 10) service.sent.add(sent.email);
  // A phone of at least ten characters and four different digits: long and varied enough not
  // to turn up by chance inside a timestamp or an id.
  if (typeof sent.phone === 'string' && sent.phone.length >= 10 && new Set(sent.phone.replace(/\D/g, '')).size >= 4) service.sent.add(sent.phone);
  const got = answer && typeof answer === 'object' ? (answer as Record<string, unknown>) : {};
  for (const field of ['secret', 'token']) if (typeof got[field] === 'string') service.sent.add(got[field] as string);
}

describe('every operation of the OpenAPI document, fuzzed', () => {
  for (const op of operations) {
    it(`${op.method} ${op.path} (${op.operationId})`, async () => {
      for (const [kind, arbitrary] of [['valid', generators.request(op)], ['hostile', generators.hostile(op)]] as const) {
        await fc.assert(
          fc.asyncProperty(arbitrary, async (call) => {
            const answer = await service.call(call);
            noteSecrets(call.body, answer.json);
            stats.requests++;
            stats.operations.add(op.operationId);
            stats.statuses.set(answer.status, (stats.statuses.get(answer.status) ?? 0) + 1);
            if (answer.status < 300) stats.reached2xx.add(op.operationId);
            const found = violations(op, call, answer);
            if (found.length) throw new Error(`${kind} request (${call.kind}):\n${found.join('\n')}`);
          }),
          { seed, numRuns: runs, endOnFailure: true },
        );
      }
    }, 120_000);
  }

  it('leaves no personal data or secret of the run in the log', async () => {
    // The scan itself can fail: a secret written into a log line is found.
    expect(scanLog(`{"level":30,"msg":"Bearer ${service.adminKey}"}`, [service.adminKey])).toHaveLength(2);
    expect(scanLog(service.log(), service.sent)).toEqual([]);
    console.log(`reliability fuzz: the log (${(service.log().length / 1e6).toFixed(1)} MB) scanned for ${service.sent.size} phone numbers, emails, key secrets and survey tokens`);
    expect(stats.operations.size).toBe(operations.length);
  });
});
