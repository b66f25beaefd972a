import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { DataSource } from 'typeorm';
import type { AuditEntryView, AuditVerifyView } from '@acs/shared/api/audit';
import type { CardView } from '@acs/shared/api/cards';
import type { Page } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

const postgresUrl = process.env.ACS_TEST_POSTGRES_URL;
const skip = postgresUrl
  ? false
  : 'set ACS_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run the audit log on PostgreSQL';

describeUnless(skip)('the audit log over HTTP on PostgreSQL', () => {
  const schema = `acs_audit_${randomBytes(6).toString('hex')}`;
  let t: TestServer;
  let admin: string;

  beforeAll(async () => {
    t = await startTestServer({ db: 'postgres', databaseUrl: postgresUrl!, dbSchema: schema });
    admin = await t.token('admin');
  });
  afterAll(async () => {
    await t?.close();
    const ds = new DataSource({ type: 'postgres', url: postgresUrl! });
    await ds.initialize();
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  });

  const entries = async (query: string) =>
    (await t.request<Page<AuditEntryView>>('GET', `/api/audit?limit=500${query}`, { token: admin })).body.items;

  test('concurrent changes by several requests each commit with their entries, in one unbroken chain', async () => {
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.request<PersonView>('POST', '/api/people', { token: admin, body: { name: `Parallel ${i}`, kind: 'employee' } }),
      ),
    );
    assert.ok(created.every((r) => r.status === 201));
    const people = await entries('&entityType=people&action=create');
    for (const r of created)
      assert.ok(
        people.some((e) => e.entityId === r.body.id),
        r.body.name,
      );
    const verified = (await t.request<AuditVerifyView>('GET', '/api/audit/verify', { token: admin })).body;
    assert.equal(verified.ok, true, JSON.stringify(verified));
  });

  test('a departure’s transaction records the person and every card it revoked', async () => {
    const people = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body;
    const zhang = people.find((p) => p.name.includes('Zhang Wei'))!;
    const cards = (await t.request<CardView[]>('GET', '/api/cards', { token: admin })).body.filter((c) => c.personId === zhang.id);
    assert.equal((await t.request('PATCH', `/api/people/${zhang.id}`, { token: admin, body: { status: 'departed' } })).status, 200);
    const [person] = await entries(`&entityType=people&entityId=${zhang.id}`);
    assert.equal(person!.after?.['status'], 'departed');
    for (const card of cards) {
      const [entry] = await entries(`&entityType=cards&entityId=${card.id}`);
      assert.equal(entry!.after?.['status'], 'revoked');
      assert.equal(entry!.requestId, person!.requestId);
    }
  });

  test('the database refuses UPDATE, DELETE and TRUNCATE; an edit made with triggers off is found', async () => {
    const ds = t.dataSource();
    const log = `"${schema}".audit_log`;
    await assert.rejects(ds.query(`UPDATE ${log} SET detail = 'x' WHERE seq = 1`), /append-only/);
    await assert.rejects(ds.query(`DELETE FROM ${log} WHERE seq = 1`), /append-only/);
    await assert.rejects(ds.query(`TRUNCATE ${log}`), /append-only/);
    const runner = ds.createQueryRunner();
    try {
      await runner.query('SET session_replication_role = replica');
      await runner.query(`UPDATE ${log} SET actor_username = 'mallory' WHERE seq = 3`);
      await runner.query('SET session_replication_role = DEFAULT');
    } finally {
      await runner.release();
    }
    const broken = (await t.request<AuditVerifyView>('GET', '/api/audit/verify', { token: admin })).body;
    assert.equal(broken.ok, false);
    assert.equal(broken.firstBadSeq, 3);
  });
});
