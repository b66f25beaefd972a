import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import type { AuditEntryView } from '@acs/shared/api/audit';
import type { Page } from '@acs/shared/api/http';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';
import { CONTROLS } from './controls.js';

describe('ISO/IEC 27001 evidence pack', () => {
  let t: TestServer;
  let api: ApiCaller;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiCaller(t);
    auditor = await t.token('auditor');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function download(query: string, token = auditor): Promise<{ status: number; files: Record<string, string> }> {
    const res = await fetch(`${t.url}/api/evidence-pack${query}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) return { status: res.status, files: {} };
    assert.equal(res.headers.get('content-type'), 'application/zip');
    assert.match(
      res.headers.get('content-disposition')!,
      /attachment; filename="iso27001-evidence-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.zip"/,
    );
    const entries = unzipSync(new Uint8Array(await res.arrayBuffer()));
    return { status: 200, files: Object.fromEntries(Object.entries(entries).map(([name, data]) => [name, strFromU8(data)])) };
  }

  test('an auditor downloads one file per control in English and Chinese, each hashed in the manifest, with the audit chain verified', async () => {
    const to = Date.now();
    const { status, files } = await download(`?from=${to - 30 * 86_400_000}&to=${to}`);
    assert.equal(status, 200);
    for (const control of CONTROLS) {
      for (const lang of ['en', 'zh-CN']) assert.ok(files[`${lang}/A.${control.id}.md`], `${lang}/A.${control.id}.md`);
    }
    assert.equal(CONTROLS.map((c) => c.id).join(' '), '5.15 5.16 5.17 5.18 7.1 7.2 7.3 7.4 7.9 7.10 7.13 7.14 8.15 8.17');
    const manifest = JSON.parse(files['manifest.json']!) as {
      algorithm: string;
      auditChain: { ok: boolean; checked: number };
      files: Record<string, string>;
    };
    assert.equal(manifest.algorithm, 'SHA-256');
    assert.equal(Object.keys(manifest.files).length, CONTROLS.length * 2);
    for (const [name, hash] of Object.entries(manifest.files))
      assert.equal(createHash('sha256').update(files[name]!, 'utf8').digest('hex'), hash, name);
    assert.equal(manifest.auditChain.ok, true);
    assert.ok(manifest.auditChain.checked > 0);
    assert.match(files['en/A.7.2.md']!, /^# ISO\/IEC 27001:2022 \(GB\/T 22080\) Annex A 7\.2 — Physical entry/);
    assert.match(files['en/A.7.2.md']!, /The audit log's hash chain is intact/);
    assert.match(files['zh-CN/A.7.2.md']!, /物理入口/);
    assert.match(files['zh-CN/A.7.2.md']!, /审计日志哈希链完整/);
    assert.match(files['en/A.5.17.md']!, /\| Minimum password length \| \d+ \|/);
    assert.match(files['README.md']!, /SHA-256/);
    const audit = await api.ok<Page<AuditEntryView>>('GET', '/api/audit?action=evidence.export', auditor);
    assert.equal(audit.items.length, 1);
    assert.match(audit.items[0]!.detail!, /28 files, audit chain intact, sha256 [0-9a-f]{64}/);
  });

  test('only admins and auditors; a bad period is refused', async () => {
    assert.equal((await download('', await t.token('guard'))).status, 403);
    await api.fails('GET', '/api/evidence-pack?from=20&to=10', auditor, undefined, 400, [/to must not be before from/]);
    await api.fails('GET', '/api/evidence-pack?from=20&to=20', auditor, undefined, 400, [/to must be after from/]);
    await api.fails('GET', `/api/evidence-pack?from=0&to=${Date.now()}`, auditor, undefined, 400, [/three years/]);
    await api.fails('GET', '/api/evidence-pack?from=abc', auditor, undefined, 400);
  });
});
