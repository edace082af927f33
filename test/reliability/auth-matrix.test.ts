import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, type Column } from './access-matrix.ts';
import type { Operation } from './arbitraries.ts';
import { doc, operations } from './contract.ts';
import { scanLog } from './secrets.ts';
import { startService, type Call, type Service } from './service.ts';
import { IDENTITIES, REFUSED, buildWorld, pastExpiry, pathIds, type Identity, type World } from './world.ts';

/**
 * The auth matrix from the document: every operation × no key, a garbage key, a revoked and
 * an expired key, and each role, against the table in access-matrix.ts; then object-level
 * authorisation (BOLA): a second technician's key on every ticket and technician route by id.
 */
let service: Service;
let world: World;

beforeAll(async () => {
  service = await startService();
  world = await buildWorld(service);
  await pastExpiry(world);
}, 120_000);

afterAll(async () => {
  await service?.stop();
});

function urlFor(op: Operation, ids: (name: string) => string): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(ids(name)));
}

/** The request example the document shows for the operation, if it has a body. */
function exampleBody(op: Operation): unknown {
  const content = doc.paths[op.path][op.method.toLowerCase()].requestBody?.content?.['application/json'];
  return content?.example;
}

describe('who may call what', () => {
  it('answers every operation × identity as the access matrix says', async () => {
    expect(new Set(ACCESS.keys())).toEqual(new Set(operations.map((op) => op.operationId)));
    const wrong: string[] = [];
    let cells = 0;
    for (const op of operations) {
      const rule = ACCESS.get(op.operationId)!;
      for (const who of IDENTITIES) {
        const call: Call = {
          method: op.method,
          path: urlFor(op, (name) => pathIds(world, op, name)[0]!),
          key: world.keys[who],
          ...(op.body ? { body: {} } : {}),
        };
        const a = await service.call(call);
        cells++;
        const type = (a.json as { type?: string } | undefined)?.type ?? '';
        let expected: string;
        let ok: boolean;
        if (rule === 'public') {
          expected = 'served (no key needed)';
          ok = a.status !== 401 && a.status !== 403;
        } else if ((REFUSED as readonly Identity[]).includes(who)) {
          expected = '401 unauthorized with WWW-Authenticate';
          ok = a.status === 401 && type.endsWith('/unauthorized') && /^Bearer/.test(String(a.headers['www-authenticate']));
        } else if (rule.has(who as Column)) {
          expected = 'served (not 401/403)';
          ok = a.status !== 401 && a.status !== 403;
        } else {
          expected = '403 forbidden';
          ok = a.status === 403 && type.endsWith('/forbidden');
        }
        if (a.status >= 500) ok = false;
        if (!ok) wrong.push(`${op.operationId} × ${who}: expected ${expected}, got ${a.status} ${a.text.slice(0, 160)}`);
      }
    }
    console.log(`auth matrix: ${cells} cells (${operations.length} operations × ${IDENTITIES.length} identities), ${wrong.length} differ`);
    expect(wrong).toEqual([]);
  });

  it("gives a technician key nothing of another technician's (BOLA)", async () => {
    const own = world.keys.technician!;
    const other = world.otherTechnicianKey;
    const ticketOf = async (key: string) => service.call({ method: 'GET', path: `/v1/tickets/${world.ids.ticket}`, key });
    const before = await ticketOf(own);
    expect(before.status).toBe(200);
    const visitOf = async (key: string) => service.call({ method: 'GET', path: `/v1/visits/${world.ids.visit}`, key });
    const visitBefore = await visitOf(own);
    expect(visitBefore.status).toBe(200);

    const byId = operations.filter((op) => /^\/v1\/(tickets|technicians|visits)\/\{id\}/.test(op.path));
    const wrong: string[] = [];
    let checks = 0;
    for (const op of byId) {
      const rule = ACCESS.get(op.operationId)!;
      const mayCall = rule !== 'public' && rule.has('technician');
      const id = op.path.startsWith('/v1/tickets/') ? world.ids.ticket : op.path.startsWith('/v1/visits/') ? world.ids.visit : world.ids.technician;
      const body = exampleBody(op);
      const a = await service.call({ method: op.method, path: urlFor(op, () => id), key: other, ...(body !== undefined ? { body } : {}) });
      checks++;
      // A valid request, so nothing but ownership stands between it and a 2xx.
      const expected = mayCall ? 404 : 403;
      if (a.status !== expected) wrong.push(`${op.operationId} with another technician's key: expected ${expected}, got ${a.status} ${a.text.slice(0, 160)}`);
    }
    const visitAfter = await visitOf(own);
    expect((visitAfter.json as { version: number }).version).toBe((visitBefore.json as { version: number }).version);
    const after = await ticketOf(own);
    expect((after.json as { version: number }).version).toBe((before.json as { version: number }).version);

    // Lists: the other technician's key lists its own work only, whatever it asks for.
    const lists: Array<[string, (body: unknown) => string[]]> = [
      [`/v1/tickets?limit=200`, (b) => (b as { data: { id: string }[] }).data.map((t) => t.id)],
      [`/v1/tickets?technician_id=${world.ids.technician}`, (b) => (b as { data: { id: string }[] }).data.map((t) => t.id)],
      [`/v1/technicians?limit=200`, (b) => (b as { data: { id: string }[] }).data.map((t) => t.id)],
      [`/v1/follow-ups?technician_id=${world.ids.technician}`, (b) => (b as { data: { ticket_id: string }[] }).data.map((t) => t.ticket_id)],
      [`/v1/visits?technician_id=${world.ids.technician}`, (b) => (b as { data: { ticket_id: string }[] }).data.map((v) => v.ticket_id)],
    ];
    for (const [path, idsOf] of lists) {
      const a = await service.call({ method: 'GET', path, key: other });
      checks++;
      const seen = a.status === 200 ? idsOf(a.json) : [];
      if (a.status !== 200 || seen.includes(world.ids.ticket) || seen.includes(world.ids.technician) || seen.includes(world.ids.resolvedTicket)) {
        wrong.push(`GET ${path} with another technician's key: ${a.status}, listed ${seen.join(', ')}`);
      }
    }
    console.log(`BOLA: ${checks} requests with a second technician's key, ${wrong.length} saw another's records`);
    expect(wrong).toEqual([]);
  });

  it('leaves no key secret, phone number, email or survey token in the log', () => {
    expect(scanLog(service.log(), service.sent)).toEqual([]);
  });
});
