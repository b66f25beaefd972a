import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { startTestServer } from '../testing/server-harness.js';

describe('dashboard files', () => {
  test('without a build, / says how to build it and the API still answers', async () => {
    const t = await startTestServer();
    try {
      const res = await fetch(`${t.url}/`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(await res.text(), /npm run build/);
      assert.equal((await fetch(`${t.url}/api/health`)).status, 200);
    } finally {
      await t.close();
    }
  });

  test('serves the built files, falls back to index.html for app paths, and leaves /api alone', async () => {
    const t0 = await startTestServer();
    const dashboardDir = join(t0.dataDir, 'dist');
    await t0.server.close();
    await mkdir(join(dashboardDir, 'assets'), { recursive: true });
    await writeFile(join(dashboardDir, 'index.html'), '<!doctype html><title>ACS</title><div id="root"></div>');
    await writeFile(join(dashboardDir, 'assets', 'app.js'), 'console.log("app")');
    const t = await startTestServer({ dataDir: t0.dataDir, dashboardDir });
    try {
      const index = await fetch(`${t.url}/`);
      assert.match(await index.text(), /<title>ACS<\/title>/);
      const deep = await fetch(`${t.url}/events/today`);
      assert.equal(deep.status, 200);
      assert.match(await deep.text(), /<div id="root">/, 'an app route gets the app');
      const asset = await fetch(`${t.url}/assets/app.js`);
      assert.equal(asset.status, 200);
      assert.match(asset.headers.get('content-type') ?? '', /javascript/);
      assert.equal((await fetch(`${t.url}/assets/missing.js`)).status, 404);
      const api = await fetch(`${t.url}/api/nothing-here`);
      assert.equal(api.status, 404);
      assert.equal(((await api.json()) as { error: string }).error, 'not_found');
    } finally {
      await t.close();
    }
  });
});
