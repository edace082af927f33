/**
 * The layering of ENGINEERING's "shape", checked on every `npm run lint`:
 * domain (pure) <- lib <- db <- http; modules <- jobs <- app/server; migrations stand alone.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: split the shared part out, or pass it in as a dependency.',
      from: { path: '^(src|scripts|migrations)/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain is plain functions with no I/O: it imports only other domain files.',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'lib-knows-no-layer-above',
      severity: 'error',
      comment: 'src/lib (ids, hashing) sits below everything but domain.',
      from: { path: '^src/lib/' },
      to: { path: '^src/(db|http|modules|jobs)/|^src/(app|server|config)\\.ts$' },
    },
    {
      name: 'db-knows-no-module-and-no-http',
      severity: 'error',
      comment: 'The data layer (pool, migrator, pagination, outbox, audit) knows no resource and no HTTP.',
      from: { path: '^src/db/' },
      to: { path: '^src/(http|modules|jobs)/|^src/(app|server)\\.ts$' },
    },
    {
      name: 'http-knows-no-module',
      severity: 'error',
      comment: 'Cross-cutting HTTP (auth, problems, idempotency, ETags) serves every module and imports none.',
      from: { path: '^src/http/' },
      to: { path: '^src/(modules|jobs)/|^src/(app|server)\\.ts$' },
    },
    {
      name: 'config-loads-no-job-or-module',
      severity: 'error',
      comment: 'Reading the environment must not load sweeps or resources.',
      from: { path: '^src/config\\.ts$' },
      to: { path: '^src/(modules|jobs|http|db)/' },
    },
    {
      name: 'migrations-import-nothing-from-src',
      severity: 'error',
      comment: 'A migration is frozen in time: it never uses today\'s table types or code.',
      from: { path: '^migrations/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-other-module-repository',
      severity: 'error',
      comment: 'A module reaches another module through its service (or, for tickets, its commands and view), never its repository.',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/[^/]+\\.repository\\.ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'jobs-use-services',
      severity: 'error',
      comment: 'Scheduled jobs change data through module services and ticket commands, never a module repository.',
      from: { path: '^src/jobs/' },
      to: { path: '^src/modules/[^/]+/[^/]+\\.repository\\.ts$' },
    },
    {
      name: 'routes-hold-no-sql',
      severity: 'error',
      comment: 'A route is the HTTP shape only: it calls a service, never a repository or the query builder.',
      from: { path: '\\.routes\\.ts$' },
      to: { path: '\\.repository\\.ts$|^node_modules/kysely/|^src/db/(pagination|outbox|audit|bulk)\\.ts$' },
    },
    {
      name: 'repositories-know-no-http',
      severity: 'error',
      comment: 'A repository is SQL only.',
      from: { path: '\\.repository\\.ts$' },
      to: { path: '^src/http/|\\.service\\.ts$|\\.routes\\.ts$|ticket\\.[a-z-]+\\.ts$' },
    },
    {
      name: 'services-know-no-http',
      severity: 'error',
      comment: 'Services throw domain errors and never read headers: HTTP is the routes\' business.',
      from: { path: '^src/modules/[^/]+/([^/]+\\.service|ticket\\.[a-z-]+)\\.ts$' },
      to: { path: '^src/http/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
