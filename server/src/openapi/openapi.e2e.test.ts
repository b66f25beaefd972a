import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { listRoutes } from '../testing/routes.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown[];
        'x-roles'?: string[];
        parameters?: Array<{ name: string; in: string; schema: Record<string, unknown> }>;
        requestBody?: { content: Record<string, { schema: { $ref: string } }> };
      }
    >
  >;
  components: {
    schemas: Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[] }>;
    securitySchemes: Record<string, unknown>;
  };
}

describe('the OpenAPI description', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  test('needs a session like the data it describes', async () => {
    assert.equal((await t.request('GET', '/api/openapi.json')).status, 401);
    const token = await t.token('zhangwei');
    assert.equal((await t.request('GET', '/api/openapi.json', { token })).status, 200);
  });

  test('describes every /api route with its roles, and the bearer session scheme', async () => {
    const doc = (await t.request<Doc>('GET', '/api/openapi.json', { token: await t.token('auditor') })).body;
    assert.match(doc.openapi, /^3\./);
    assert.ok(doc.components.securitySchemes['session']);
    const docs = new Set([
      'GET /api/docs',
      'GET /api/docs/swagger-ui.css',
      'GET /api/docs/swagger-ui-bundle.js',
      'GET /api/docs/docs.js',
      'GET /api/docs/docs.css',
    ]);
    for (const route of listRoutes(t.server.app).filter((r) => r.path.startsWith('/api') && !docs.has(`${r.method} ${r.path}`))) {
      const path = route.path.replace(/:([a-zA-Z]+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${route.path} is described`);
      const open = [
        'POST /api/auth/login',
        'GET /api/health',
        'GET /api/health/live',
        'GET /api/health/ready',
        'GET /api/metrics',
      ].includes(`${route.method} ${route.path}`);
      assert.deepEqual(operation.security, open ? [] : [{ session: [] }], `${route.method} ${route.path} security`);
      if (!open) assert.ok(operation['x-roles']?.length, `${route.method} ${route.path} lists its roles`);
    }
    assert.deepEqual(doc.paths['/api/audit']!['get']!['x-roles'], ['admin', 'auditor']);
  });

  test('request bodies and query parameters come from the DTOs’ validation rules', async () => {
    const doc = (await t.request<Doc>('GET', '/api/openapi.json', { token: await t.token('admin') })).body;
    const createCard = doc.paths['/api/cards']!['post']!.requestBody!.content['application/json']!.schema.$ref;
    assert.equal(createCard, '#/components/schemas/CreateCardDto');
    const card = doc.components.schemas['CreateCardDto']!;
    // `credential` is required only when no printed card number is given (ValidateIf), so only `type` always is.
    assert.deepEqual(card.required, ['type']);
    assert.ok(card.properties['credential'] && card.properties['cardNumber'] && card.properties['format']);
    assert.deepEqual(card.properties['type']!['enum'], ['employee', 'contractor', 'temporary', 'visitor']);
    assert.equal(card.properties['validUntil']!['type'], 'integer');
    const schedule = doc.components.schemas['CreateScheduleDto']!;
    assert.deepEqual(schedule.properties['windows']!['items'], { $ref: '#/components/schemas/ScheduleWindowDto' });
    assert.equal(doc.components.schemas['ScheduleWindowDto']!.properties['days']!['type'], 'array');
    const events = doc.paths['/api/events']!['get']!.parameters!;
    const limit = events.find((p) => p.name === 'limit')!;
    assert.equal(limit.in, 'query');
    assert.deepEqual([limit.schema['minimum'], limit.schema['maximum']], [1, 500]);
  });

  test('upload routes are described as multipart/form-data with the file, its types and its limit', async () => {
    const doc = (await t.request<Doc>('GET', '/api/openapi.json', { token: await t.token('admin') })).body;
    type Multipart = { properties: Record<string, Record<string, unknown>>; required: string[] };
    const content = (path: string, method: string) =>
      doc.paths[path]![method]!.requestBody!.content as unknown as Record<string, { schema: Multipart }>;
    const note = content('/api/incidents/{id}/notes', 'post');
    assert.equal(note['multipart/form-data']!.schema.properties['attachment']!['format'], 'binary');
    assert.match(String(note['multipart/form-data']!.schema.properties['attachment']!['description']), /pdf, png, jpeg, webp, text .*2 MB/);
    assert.deepEqual(note['multipart/form-data']!.schema.required, ['text']);
    assert.ok(note['application/json'], 'a note without a file is still JSON');
    const photo = content('/api/visits/{id}/photo', 'put');
    assert.deepEqual(photo['multipart/form-data']!.schema.required, ['photo']);
    assert.equal(photo['application/json'], undefined);
  });

  test('a documentation page is served; it carries no data and reads the description with the session', async () => {
    const page = await t.request<string>('GET', '/api/docs');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.doesNotMatch(page.body, /<script>|<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script: the CSP would block it');
    const script = await t.request<string>('GET', '/api/docs/docs.js');
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.match(script.body, /\/api\/openapi\.json/);
    assert.match(script.body, /Authorization = 'Bearer '/);
    const bundle = await fetch(`${t.url}/api/docs/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.ok((await bundle.text()).length > 100_000);
  });
});
