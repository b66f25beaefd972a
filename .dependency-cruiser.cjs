/**
 * Domain walls of the server, checked by `npm run check:architecture` and by
 * server/src/architecture.test.ts inside the normal test suite.
 *
 * What is cruised: the compiled server (server/dist). TypeScript erases type-only imports when it
 * compiles, so every import left in the JavaScript is a value import, the kind that reaches
 * into another domain's table at run time. Type-only imports of another domain's entity or view
 * types stay allowed, as they should.
 *
 * Folders of server/src:
 * - infrastructure (shared by every domain, knows none): common, config, database, jobs.
 * - composition root: the files directly in server/src (app.module, entities, main, cli, server,
 *   index); they wire every domain together and may import any of them.
 * - test support: testing/ and every *.test file; they build fixtures in any table.
 * - every other folder is a domain module (people, zones, proof, reports, metrics, mqtt,
 *   realtime…). mqtt and realtime are adapters of a domain (the broker authenticates agents, the
 *   socket gateway authenticates sessions) and metrics/health/openapi read the domains, so they
 *   are walled like domains: they may use another domain's exported services, never its tables.
 *
 * No exceptions: there is no baseline of known violations, and none is to be added. A domain
 * that needs another's rows adds a narrowly named method to that domain's service or exported
 * repository class (see server/src/grants/grant.repository.ts).
 */

/** Folders every domain may depend on and that depend on no domain. */
const INFRASTRUCTURE = ['common', 'config', 'database', 'jobs'];

const infrastructure = `^server/dist/(${INFRASTRUCTURE.join('|')})/`;
const testSupport = '^server/dist/(testing/|.+\\.test\\.js$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-foreign-tables',
      comment:
        "A domain reads and writes another domain's tables only through that domain's exported " +
        'service or repository class. Its non-entity files must not value-import another ' +
        "folder's *.entity file (registering it in TypeOrmModule.forFeature, injecting its " +
        'repository or naming it in manager.getRepository all need such an import). Entity files ' +
        'themselves may reference other entities for TypeORM relations.',
      severity: 'error',
      from: {
        path: '^server/dist/([^/]+)/',
        pathNot: [testSupport, '\\.entity\\.js$'],
      },
      to: {
        path: '^server/dist/([^/]+)/.+\\.entity\\.js$',
        pathNot: '^server/dist/$1/',
      },
    },
    {
      name: 'infrastructure-knows-no-domain',
      comment:
        `The infrastructure folders (${INFRASTRUCTURE.join(', ')}) are shared by every domain, so ` +
        'they must not import a domain module or the composition root: what they need from a ' +
        'domain is handed in (see CoreModule.forRoot) or moved into infrastructure.',
      severity: 'error',
      from: { path: infrastructure, pathNot: testSupport },
      // The one edge allowed: database/ opens the data source with the table registry
      // (server/src/entities.ts), which lives at the composition root because it names every domain.
      to: { path: '^server/dist/', pathNot: [infrastructure, '^server/dist/entities\\.js$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.d\\.ts$', '\\.map$'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
