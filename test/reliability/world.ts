import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/db/types.ts';
import type { Operation } from './arbitraries.ts';
import type { Call, Service } from './service.ts';

/**
 * A small after-sales world made through the API, so generated requests meet real ids and
 * routes get past their 404s: a customer with a product, two technicians with their own keys,
 * a ticket each, a resolved ticket with an open survey, a calendar, a policy, a key to revoke,
 * and one key per role plus the refused kinds (none, garbage, revoked, expired).
 */

export const ROLE_NAMES = ['admin', 'manager', 'agent', 'integration', 'analyst', 'technician', 'qa'] as const satisfies readonly Role[];
export const REFUSED = ['none', 'garbage', 'revoked', 'expired'] as const;
export type Identity = (typeof REFUSED)[number] | (typeof ROLE_NAMES)[number];
export const IDENTITIES: readonly Identity[] = [...REFUSED, ...ROLE_NAMES];

export interface World {
  /** The secret each identity sends; null sends no Authorization header. */
  keys: Record<Identity, string | null>;
  /** The second technician's key, for the BOLA checks. */
  otherTechnicianKey: string;
  /** When the expired key stops working (epoch ms); wait past it before using it. */
  expiresAt: number;
  ids: {
    customer: string;
    /** A customer any test may erase. */
    spareCustomer: string;
    externalRef: string;
    asset: string;
    technician: string;
    otherTechnician: string;
    /** Assigned to `technician` (the technician identity's own). */
    ticket: string;
    /** Assigned to `otherTechnician`. */
    otherTicket: string;
    resolvedTicket: string;
    survey: string;
    surveyToken: string;
    calendar: string;
    policy: string;
    part: string;
    /** Scheduled, with `technician`. */
    visit: string;
    /** Checked in, with `technician`: completions can succeed. */
    checkedInVisit: string;
    /** Scheduled, with `otherTechnician`. */
    otherVisit: string;
    /** Switched off (nothing is sent to its address), with a ping in its log. */
    webhook: string;
    delivery: string;
    /** One the DELETE may take. */
    spareWebhook: string;
    /** A key any test may revoke. */
    spareKey: string;
    job: string;
    article: string;
    scorecard: string;
    /** Pending, of the resolved ticket (queued by a qa-sampling run). */
    review: string;
  };
}

async function must<T>(service: Service, c: Call, status: number): Promise<T> {
  const a = await service.call(c);
  if (a.status !== status) throw new Error(`setting up: ${c.method} ${c.path} → ${a.status} ${a.text.slice(0, 400)}`);
  return a.json as T;
}

export async function buildWorld(service: Service, run = randomBytes(4).toString('hex')): Promise<World> {
  const post = <T>(path: string, body: unknown, status = 201) => must<T>(service, { method: 'POST', path, body }, status);
  const key = async (role: Role, extra: Record<string, unknown> = {}) => {
    const k = await post<{ id: string; secret: string }>('/v1/api-keys', { name: `${role} ${run}`, role, ...extra });
    service.sent.add(k.secret);
    return k;
  };

  const digits = String(parseInt(run, 16)).padStart(8, '0').slice(-8);
  const phone = `+86 139 ${digits.slice(0, 4)} ${digits.slice(4)}`;
  const email = `wang.fang.${run}@example.cn`;
  service.sent.add(phone).add(email);
  const externalRef = `REL-${run}`;
  const customer = await post<{ id: string }>('/v1/customers', {
    name: `王芳 ${run}`, kind: 'person', phone, email, region: `rel-${run}`, tier: 'standard', external_ref: externalRef,
  });
  const spareCustomer = await post<{ id: string }>('/v1/customers', { name: `Spare ${run}`, email: `spare.${run}@example.cn` });
  service.sent.add(`spare.${run}@example.cn`);
  const asset = await post<{ id: string }>(`/v1/customers/${customer.id}/assets`, {
    product_model: 'Fridge F9', category: 'fridge', serial_number: `F9-${run}`, purchased_on: '2026-01-10', warranty_until: '2028-01-10',
  });
  const technician = await post<{ id: string }>('/v1/technicians', { name: `Tech A ${run}`, tier: 1, regions: [`rel-${run}`], skills: ['fridge'], max_open_tickets: 1000 });
  const otherTechnician = await post<{ id: string }>('/v1/technicians', { name: `Tech B ${run}`, tier: 1, regions: [`rel-${run}`], skills: ['fridge'], max_open_tickets: 1000 });

  const ticketBody = (subject: string) => ({ customer_id: customer.id, asset_id: asset.id, type: 'repair', channel: 'phone', category: 'fridge', subject });
  const ticket = await post<{ id: string }>('/v1/tickets', ticketBody('Fridge is warm'));
  const otherTicket = await post<{ id: string }>('/v1/tickets', ticketBody('Fridge is loud'));
  const resolvedTicket = await post<{ id: string }>('/v1/tickets', ticketBody('Fridge leaks'));
  await post(`/v1/tickets/${ticket.id}/assign`, { technician_id: technician.id }, 200);
  await post(`/v1/tickets/${otherTicket.id}/assign`, { technician_id: otherTechnician.id }, 200);
  await post(`/v1/tickets/${resolvedTicket.id}/assign`, { technician_id: technician.id }, 200);
  await post(`/v1/tickets/${resolvedTicket.id}/start`, {}, 200);
  await post(`/v1/tickets/${resolvedTicket.id}/resolve`, { method: 'repair', summary: 'Replaced the door seal' }, 200);
  const survey = await post<{ id: string; token: string }>(`/v1/tickets/${resolvedTicket.id}/surveys`, {});
  service.sent.add(survey.token);

  const calendar = await post<{ id: string }>('/v1/calendars', {
    name: `Reliability ${run}`, timezone: 'Europe/Berlin', hours: { mon: [['08:00', '17:00']], tue: [['08:00', '17:00']], wed: [['08:00', '17:00']], thu: [['08:00', '17:00']], fri: [['08:00', '17:00']], sat: [], sun: [] },
  });
  // Matches only installations for key customers, so the tickets above keep the catch-all policy.
  const policy = await post<{ id: string }>('/v1/sla-policies', {
    name: `Reliability ${run}`, position: 900, match: { types: ['installation'], customer_tiers: ['key'] }, targets: { first_response: 60, resolution: 600, follow_up: 1440 }, calendar_id: calendar.id,
  });

  const part = await post<{ id: string }>('/v1/parts', { sku: `REL-${run}`, name: '压缩机 compressor', category: 'fridge', unit_price: 45000, currency: 'CNY', stock: 1000, reorder_level: 10 });

  // Tomorrow and the day after, an hour each: technicians without a calendar take any window.
  const day = (n: number, hour: number) => new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + n * 86_400_000 + hour * 3_600_000).toISOString();
  const visitOn = (ticketId: string, technicianId: string, n: number) =>
    post<{ id: string }>(`/v1/tickets/${ticketId}/visits`, { technician_id: technicianId, window_start: day(n, 9), window_end: day(n, 10), planned_parts: [{ part_id: part.id, quantity: 1 }] });
  const visit = await visitOn(ticket.id, technician.id, 1);
  const checkedInVisit = await visitOn(ticket.id, technician.id, 2);
  await post(`/v1/visits/${checkedInVisit.id}/check-in`, {}, 200);
  const otherVisit = await visitOn(otherTicket.id, otherTechnician.id, 1);

  // A public address that is never called: the webhooks are switched off.
  const webhookAt = (path: string) => post<{ id: string; secret: string }>('/v1/webhooks', { url: `https://93.184.215.14/${path}`, events: ['*'], active: false, description: `Reliability ${run}` });
  const webhook = await webhookAt('hooks');
  const spareWebhook = await webhookAt('spare');
  service.sent.add(webhook.secret).add(spareWebhook.secret);
  const delivery = await post<{ id: string }>(`/v1/webhooks/${webhook.id}/ping`, {}, 202);

  const article = await post<{ id: string }>('/v1/articles', {
    title: `冰箱不制冷 ${run}`, body: '检查温控器 / check the thermostat', product_category: 'fridge', symptoms: ['不制冷'], fix_steps: ['更换温控器'], tags: ['fridge'], status: 'published',
  });
  const scorecard = await post<{ id: string }>('/v1/qa/scorecards', { name: `QA ${run}`, criteria: [{ key: 'timely', name: '响应及时', weight: 60 }, { key: 'solved', name: '问题彻底解决', weight: 40 }] });
  await post('/v1/jobs/qa-sampling/run', {}, 200);
  const review = (await must<{ data: { id: string }[] }>(service, { method: 'GET', path: `/v1/qa/reviews?state=pending&technician_id=${technician.id}` }, 200)).data[0];
  if (!review) throw new Error('setting up: qa-sampling queued no review of the resolved ticket');

  const keys = {
    admin: service.adminKey,
    manager: (await key('manager')).secret,
    agent: (await key('agent')).secret,
    integration: (await key('integration')).secret,
    analyst: (await key('analyst')).secret,
    technician: (await key('technician', { technician_id: technician.id })).secret,
    qa: (await key('qa')).secret,
  };
  const otherTechnicianKey = (await key('technician', { technician_id: otherTechnician.id })).secret;
  const revoked = await key('agent');
  await must(service, { method: 'DELETE', path: `/v1/api-keys/${revoked.id}` }, 200);
  const expiresAt = Date.now() + 3_000;
  const expired = await key('admin', { expires_at: new Date(expiresAt).toISOString() });
  const spare = await key('agent');
  const garbage = `ak_${randomBytes(24).toString('base64url')}`;
  service.sent.add(garbage);

  return {
    keys: { none: null, garbage, revoked: revoked.secret, expired: expired.secret, ...keys },
    otherTechnicianKey,
    expiresAt,
    ids: {
      customer: customer.id,
      spareCustomer: spareCustomer.id,
      externalRef,
      asset: asset.id,
      technician: technician.id,
      otherTechnician: otherTechnician.id,
      ticket: ticket.id,
      otherTicket: otherTicket.id,
      resolvedTicket: resolvedTicket.id,
      survey: survey.id,
      surveyToken: survey.token,
      calendar: calendar.id,
      policy: policy.id,
      part: part.id,
      visit: visit.id,
      checkedInVisit: checkedInVisit.id,
      otherVisit: otherVisit.id,
      webhook: webhook.id,
      delivery: delivery.id,
      spareWebhook: spareWebhook.id,
      spareKey: spare.id,
      job: 'sla-sweep',
      article: article.id,
      scorecard: scorecard.id,
      review: review.id,
    },
  };
}

/** Until the expired key has expired. */
export async function pastExpiry(world: World): Promise<void> {
  const wait = world.expiresAt + 100 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

// Which world id stands in for a path parameter, by the path it is in.
export function pathIds(world: World, op: Operation, name: string): readonly string[] {
  const ids = world.ids;
  if (name === 'token') return [ids.surveyToken];
  if (name === 'ref') return [ids.externalRef];
  if (name === 'name') return [ids.job, 'sla-recompute', 'survey-dispatch'];
  if (name === 'delivery_id') return [ids.delivery];
  const resource = op.path.split('/')[2];
  switch (resource) {
    case 'customers':
      // Erasure takes a customer the other operations do not need.
      return op.operationId === 'customers.erase' ? [ids.spareCustomer] : [ids.customer];
    case 'assets':
      return [ids.asset];
    case 'technicians':
      return [ids.technician, ids.otherTechnician];
    case 'tickets':
      return [ids.ticket, ids.otherTicket, ids.resolvedTicket];
    case 'calendars':
      return [ids.calendar];
    case 'sla-policies':
      return [ids.policy];
    case 'api-keys':
      return [ids.spareKey];
    case 'surveys':
      return [ids.survey];
    case 'parts':
      return [ids.part];
    case 'webhooks':
      return op.operationId === 'webhooks.delete' ? [ids.spareWebhook] : [ids.webhook];
    case 'articles':
      return [ids.article];
    case 'reports':
      return [ids.technician, ids.otherTechnician];
    case 'qa':
      return op.path.includes('scorecards') ? [ids.scorecard] : [ids.review];
    case 'visits':
      // Completion needs a visit that is checked in; every other step one that is scheduled.
      return op.operationId === 'visits.complete' ? [ids.checkedInVisit, ids.visit] : [ids.visit, ids.checkedInVisit, ids.otherVisit];
    default:
      throw new Error(`no id for {${name}} in ${op.path}`);
  }
}
