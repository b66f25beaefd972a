import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Map<string, string[]> {
  assert.ok(header, 'a Content-Security-Policy header');
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('security headers on the dashboard, the API and the API docs', () => {
  let t: TestServer;
  let token: string;

  beforeAll(async () => {
    const dashboardDir = await mkdtemp(join(tmpdir(), 'acs-dashboard-'));
    await mkdir(join(dashboardDir, 'assets'));
    await writeFile(
      join(dashboardDir, 'index.html'),
      '<!doctype html><title>ACS</title><div id="root"></div><script type="module" src="/assets/app.js"></script>',
    );
    await writeFile(join(dashboardDir, 'assets', 'app.js'), 'console.log("app")');
    t = await startTestServer({ dashboardDir });
    token = await t.token('guard');
  });
  afterAll(async () => {
    await t?.close();
  });

  const pages: ReadonlyArray<[string, string, boolean]> = [
    ['the dashboard', '/', false],
    ['an app route of the dashboard', '/live', false],
    ['a dashboard script', '/assets/app.js', false],
    ['an API route', '/api/auth/me', true],
    ['an API error', '/api/nothing-here', true],
    ['the API docs page', '/api/docs', false],
    ['the API docs script', '/api/docs/docs.js', false],
  ];

  for (const [what, path, withToken] of pages) {
    test(`${what} allows only the server's own scripts, no framing, no sniffing and no referrer`, async () => {
      const res = await fetch(`${t.url}${path}`, { headers: withToken ? { authorization: `Bearer ${token}` } : {} });
      await res.arrayBuffer();
      const csp = directives(res.headers.get('content-security-policy'));
      assert.deepEqual(csp.get('script-src'), ["'self'"], 'no inline script, no eval, no other origin');
      assert.deepEqual(csp.get('default-src'), ["'self'"]);
      assert.deepEqual(csp.get('object-src'), ["'none'"]);
      assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
      assert.deepEqual(csp.get('base-uri'), ["'self'"]);
      assert.equal(csp.has('upgrade-insecure-requests'), false, 'sites on plain HTTP keep working');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('x-powered-by'), null);
    });
  }

  test('the API docs page has no inline script or style for the policy to block', async () => {
    const page = await (await fetch(`${t.url}/api/docs`)).text();
    for (const tag of page.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc="\/api\/docs\//, tag);
    assert.doesNotMatch(page, /<style\b|\sstyle="|\son[a-z]+="/);
  });
});
