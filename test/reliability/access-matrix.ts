/**
 * Who may call what, cell by cell: the README's role table written out per operation, and
 * the expectation the auth-matrix test checks every cell of against the running service
 * (every operation × no key, a garbage key, a revoked and an expired key, and each role).
 * The rule itself lives in `access` on each route (ROLES in src/http/auth.ts); this table is
 * the independent statement of what the README promises. Change the three together.
 *
 * Columns: admin manager agent integration analyst technician qa. ✓ may call, · may not.
 * A technician key's ✓ on tickets means its own (and on technicians, itself): the BOLA test
 * checks that another technician's key finds nothing.
 */
const TABLE = `
operations.health             public
operations.ready              public
operations.metrics            ✓ ✓ · · ✓ · ·
apiKeys.create                ✓ · · · · · ·
apiKeys.list                  ✓ · · · · · ·
apiKeys.get                   ✓ · · · · · ·
apiKeys.revoke                ✓ · · · · · ·
customers.create              ✓ ✓ ✓ ✓ · · ·
customers.list                ✓ ✓ ✓ ✓ ✓ · ✓
customers.get                 ✓ ✓ ✓ ✓ ✓ · ✓
customers.update              ✓ ✓ ✓ ✓ · · ·
customers.erase               ✓ ✓ · ✓ · · ·
customers.export              ✓ ✓ · ✓ · · ·
customers.upsertByExternalRef ✓ ✓ ✓ ✓ · · ·
customers.churnRisk           ✓ ✓ ✓ ✓ ✓ · ✓
assets.create                 ✓ ✓ ✓ ✓ · · ·
assets.list                   ✓ ✓ ✓ ✓ ✓ · ✓
assets.get                    ✓ ✓ ✓ ✓ ✓ · ✓
assets.update                 ✓ ✓ ✓ ✓ · · ·
technicians.create            ✓ ✓ · · · · ·
technicians.list              ✓ ✓ ✓ ✓ ✓ ✓ ✓
technicians.get               ✓ ✓ ✓ ✓ ✓ ✓ ✓
technicians.update            ✓ ✓ · · · · ·
technicians.workload          ✓ ✓ ✓ ✓ ✓ ✓ ✓
tickets.create                ✓ ✓ ✓ ✓ · · ·
tickets.list                  ✓ ✓ ✓ ✓ ✓ ✓ ✓
tickets.get                   ✓ ✓ ✓ ✓ ✓ ✓ ✓
tickets.sla                   ✓ ✓ ✓ ✓ ✓ ✓ ✓
tickets.timeline              ✓ ✓ ✓ ✓ ✓ ✓ ✓
tickets.addNote               ✓ ✓ ✓ ✓ · ✓ ·
tickets.update                ✓ ✓ ✓ ✓ · · ·
tickets.assign                ✓ ✓ ✓ ✓ · · ·
tickets.followUp              ✓ ✓ ✓ ✓ · · ·
tickets.reopen                ✓ ✓ ✓ ✓ · · ·
tickets.close                 ✓ ✓ ✓ ✓ · · ·
tickets.cancel                ✓ ✓ ✓ ✓ · · ·
tickets.start                 ✓ ✓ ✓ ✓ · ✓ ·
tickets.hold                  ✓ ✓ ✓ ✓ · ✓ ·
tickets.resume                ✓ ✓ ✓ ✓ · ✓ ·
tickets.escalate              ✓ ✓ ✓ ✓ · ✓ ·
tickets.resolve               ✓ ✓ ✓ ✓ · ✓ ·
events.list                   ✓ ✓ · ✓ ✓ · ·
calendars.create              ✓ ✓ · · · · ·
calendars.list                ✓ ✓ ✓ ✓ ✓ · ✓
calendars.get                 ✓ ✓ ✓ ✓ ✓ · ✓
calendars.update              ✓ ✓ · · · · ·
slaPolicies.create            ✓ ✓ · · · · ·
slaPolicies.list              ✓ ✓ ✓ ✓ ✓ · ✓
slaPolicies.get               ✓ ✓ ✓ ✓ ✓ · ✓
slaPolicies.update            ✓ ✓ · · · · ·
slaBreaches.list              ✓ ✓ ✓ ✓ ✓ · ✓
followUps.list                ✓ ✓ ✓ ✓ ✓ ✓ ✓
jobs.list                     ✓ ✓ · · ✓ · ·
jobs.run                      ✓ ✓ · · · · ·
jobs.runs                     ✓ ✓ · · ✓ · ·
audit.list                    ✓ ✓ · · · · ·
churn.getModel                ✓ ✓ ✓ ✓ ✓ · ✓
churn.putModel                ✓ ✓ · · · · ·
visits.create                 ✓ ✓ ✓ ✓ · · ·
visits.list                   ✓ ✓ ✓ ✓ ✓ ✓ ✓
visits.get                    ✓ ✓ ✓ ✓ ✓ ✓ ✓
visits.update                 ✓ ✓ ✓ ✓ · · ·
visits.checkIn                ✓ ✓ ✓ ✓ · ✓ ·
visits.complete               ✓ ✓ ✓ ✓ · ✓ ·
visits.cancel                 ✓ ✓ ✓ ✓ · · ·
visits.noShow                 ✓ ✓ ✓ ✓ · ✓ ·
visits.record                 ✓ ✓ ✓ ✓ ✓ ✓ ✓
visits.recordPdf              ✓ ✓ ✓ ✓ ✓ ✓ ✓
webhooks.create               ✓ · · ✓ · · ·
webhooks.list                 ✓ · · ✓ · · ·
webhooks.get                  ✓ · · ✓ · · ·
webhooks.update               ✓ · · ✓ · · ·
webhooks.delete               ✓ · · ✓ · · ·
webhooks.deliveries           ✓ · · ✓ · · ·
webhooks.delivery             ✓ · · ✓ · · ·
webhooks.retryDelivery        ✓ · · ✓ · · ·
webhooks.replay               ✓ · · ✓ · · ·
webhooks.ping                 ✓ · · ✓ · · ·
parts.create                  ✓ ✓ · · · · ·
parts.list                    ✓ ✓ ✓ ✓ ✓ ✓ ✓
parts.get                     ✓ ✓ ✓ ✓ ✓ ✓ ✓
parts.update                  ✓ ✓ · · · · ·
parts.recordMovement          ✓ ✓ · · · · ·
parts.movements               ✓ ✓ ✓ ✓ ✓ · ✓
surveys.create                ✓ ✓ ✓ ✓ · · ·
surveys.list                  ✓ ✓ ✓ ✓ ✓ · ✓
surveys.get                   ✓ ✓ ✓ ✓ ✓ · ✓
publicSurveys.get             public
publicSurveys.answer          public
reports.kpis                  ✓ ✓ · · ✓ · ·
reports.appraisal             ✓ ✓ · · ✓ ✓ ·
qa.createScorecard            ✓ ✓ · · · · ✓
qa.listScorecards             ✓ ✓ · · ✓ · ✓
qa.getScorecard               ✓ ✓ · · ✓ · ✓
qa.listReviews                ✓ ✓ · · · · ✓
qa.getReview                  ✓ ✓ · · · · ✓
qa.scoreReview                ✓ ✓ · · · · ✓
articles.create               ✓ ✓ ✓ · · · ·
articles.list                 ✓ ✓ ✓ ✓ ✓ ✓ ✓
articles.get                  ✓ ✓ ✓ ✓ ✓ ✓ ✓
articles.update               ✓ ✓ ✓ · · · ·
articles.suggestForTicket     ✓ ✓ ✓ ✓ ✓ ✓ ✓
`;

export const COLUMNS = ['admin', 'manager', 'agent', 'integration', 'analyst', 'technician', 'qa'] as const;
export type Column = (typeof COLUMNS)[number];

/** Per operation id: 'public', or the roles that may call it. */
export const ACCESS: ReadonlyMap<string, 'public' | ReadonlySet<Column>> = new Map<string, 'public' | ReadonlySet<Column>>(
  TABLE.trim()
    .split('\n')
    .map((line) => {
      const [op, ...cells] = line.trim().split(/\s+/);
      if (cells[0] === 'public') return [op!, 'public'] as const;
      if (cells.length !== COLUMNS.length || cells.some((c) => c !== '✓' && c !== '·')) throw new Error(`access matrix: bad row ${line}`);
      return [op!, new Set(COLUMNS.filter((_, i) => cells[i] === '✓'))] as const;
    }),
);
