import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { DataSource } from 'typeorm';
import type { AuditEntryView, AuditVerifyView } from '@acs/shared/api/audit';
import type { CardView } from '@acs/shared/api/cards';
import type { GrantView } from '@acs/shared/api/grants';
import type { ApiError, Page } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import type { CreatedAgentView } from '../agents/agent.views.js';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { connectAgent, sleep, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

describe('the audit log over HTTP (SQLite)', () => {
  let t: TestServer;
  let admin: string;

  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.token('admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function entries(query = ''): Promise<AuditEntryView[]> {
    const res = await t.request<Page<AuditEntryView>>('GET', `/api/audit?limit=500${query}`, { token: admin });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.items;
  }

  test('creating a person records who, when, what and the new row, with the request id and address', async () => {
    const res = await fetch(`${t.url}/api/people`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'x-request-id': 'req-create-mei' },
      body: JSON.stringify({ name: 'Chen Mei', kind: 'employee', department: 'IT' }),
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-request-id'), 'req-create-mei');
    const person = (await res.json()) as PersonView;
    const [entry] = await entries(`&entityType=people&entityId=${person.id}`);
    assert.ok(entry, 'an entry for the new person');
    assert.equal(entry.action, 'create');
    assert.equal(entry.actorUsername, 'admin');
    assert.equal(entry.actorRole, 'admin');
    assert.equal(entry.source, 'http');
    assert.equal(entry.requestId, 'req-create-mei');
    assert.match(entry.ip ?? '', /127\.0\.0\.1/);
    assert.equal(entry.before, null);
    assert.equal(entry.after?.['name'], 'Chen Mei');
    assert.equal(entry.after?.['department'], 'IT');
    assert.ok(Math.abs(entry.at - Date.now()) < 60_000);
    assert.match(entry.hash, /^[0-9a-f]{64}$/);
  });

  test('a departure records the person, every card revoked and every grant ended, each with before and after', async () => {
    const people = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body;
    const zhao = people.find((p) => p.name.includes('Zhao Min'))!;
    await t.request('POST', '/api/grants', { token: admin, body: { personId: zhao.id, zoneId: 'office' } });
    const cardsBefore = (await t.request<CardView[]>('GET', '/api/cards', { token: admin })).body.filter((c) => c.personId === zhao.id);
    assert.ok(cardsBefore.length > 0);
    const res = await t.request('PATCH', `/api/people/${zhao.id}`, { token: admin, body: { status: 'departed' } });
    assert.equal(res.status, 200);

    // The departure itself: other updates of the same row (e.g. its departure version) follow it.
    const personEntry = (await entries(`&entityType=people&entityId=${zhao.id}&action=update`)).find(
      (e) => e.before?.['status'] === 'active' && e.after?.['status'] === 'departed',
    )!;
    assert.equal(personEntry.before?.['status'], 'active');
    assert.equal(personEntry.after?.['status'], 'departed');
    for (const card of cardsBefore) {
      const [entry] = await entries(`&entityType=cards&entityId=${card.id}`);
      assert.ok(entry, `card ${card.id}`);
      assert.equal(entry.action, 'update');
      assert.equal(entry.before?.['status'], card.status);
      assert.equal(entry.after?.['status'], 'revoked');
      assert.equal(entry.requestId, personEntry.requestId, 'one request');
    }
    const grantEntries = await entries('&entityType=grants&action=update');
    const ended = grantEntries.filter((e) => e.before?.['personId'] === zhao.id);
    assert.ok(ended.length >= 1);
    assert.ok(ended.every((e) => e.before?.['revokedAt'] === null && e.after?.['revokedReason'] === 'person_departed'));
  });

  test('revoking a grant (an UPDATE by query) is recorded with the row before and after', async () => {
    const people = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body;
    const li = people.find((p) => p.name.includes('Li Na'))!;
    const grant = (await t.request<GrantView>('POST', '/api/grants', { token: admin, body: { personId: li.id, zoneId: 'machine-room' } }))
      .body;
    assert.equal((await t.request('DELETE', `/api/grants/${grant.id}`, { token: admin })).status, 204);
    const [revoked, created] = await entries(`&entityType=grants&entityId=${grant.id}`);
    assert.equal(created!.action, 'create');
    assert.equal(revoked!.action, 'update');
    assert.equal(revoked!.before?.['revokedAt'], null);
    assert.equal(typeof revoked!.after?.['revokedAt'], 'number');
    assert.equal(revoked!.after?.['revokedReason'], 'deleted');
  });

  test('secrets never enter the log: an agent’s password hash appears only as a fingerprint', async () => {
    const created = await t.request<CreatedAgentView>('POST', '/api/agents', {
      token: admin,
      body: { id: 'agent-audit', name: 'Audited' },
    });
    assert.equal(created.status, 201);
    const [entry] = await entries('&entityType=agents&entityId=agent-audit');
    assert.equal(entry!.action, 'create');
    assert.match(String(entry!.after?.['mqttPasswordHash']), /^\[redacted:[0-9a-f]{12}\]$/);
    assert.ok(!('online' in entry!.after!), 'liveness columns are the server’s own, not part of the record');
    const all = JSON.stringify(await entries());
    assert.ok(!all.includes('$scrypt$'), 'no password hash anywhere in the log');
    assert.ok(!all.includes(created.body.mqttPassword));
  });

  test('sign-in, failed sign-in and sign-out are recorded as actions', async () => {
    const { token, user } = await t.login('guard', 'guard-demo');
    await t.request('POST', '/api/auth/login', { body: { username: 'guard', password: 'not-the-password' } });
    assert.equal((await t.request('POST', '/api/auth/logout', { token })).status, 204);
    const auth = await entries('&action=auth.');
    const signIn = auth.find((e) => e.action === 'auth.sign_in' && e.actorUsername === 'guard')!;
    assert.equal(signIn.entityId, user.id);
    assert.equal(signIn.actorRole, 'guard');
    const failed = auth.find((e) => e.action === 'auth.sign_in_failed' && e.entityId === user.id)!;
    assert.equal(failed.actorUsername, null);
    assert.match(failed.detail ?? '', /wrong password/);
    assert.ok(!JSON.stringify(failed).includes('not-the-password'), 'the wrong password is not kept');
    const signOut = auth.find((e) => e.action === 'auth.sign_out' && e.actorUsername === 'guard')!;
    assert.ok(signOut.seq > signIn.seq);
  });

  test('what agents report (state, liveness) is the system’s doing and is not in the log', async () => {
    const before = (await entries())[0]!.seq;
    const agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    try {
      await agent.publishAsync(
        agentTopic('agent-1', 'state'),
        JSON.stringify({ agentId: 'agent-1', online: true, at: Date.now(), softwareVersion: '9.9.9', permissionVersion: null }),
        {
          qos: 1,
          retain: true,
        },
      );
      await waitFor(async () => {
        const agents = (await t.request<Array<{ id: string; online: boolean }>>('GET', '/api/agents', { token: admin })).body;
        return agents.find((a) => a.id === 'agent-1')?.online;
      }, 'agent-1 online');
      await sleep(100);
    } finally {
      await agent.endAsync(true);
    }
    const after = (await entries()).filter((e) => e.seq > before);
    assert.deepEqual(
      after.filter((e) => e.entityType === 'agents'),
      [],
    );
  });

  test('the list pages newest first and filters; guards and employees may not read it', async () => {
    const first = await t.request<Page<AuditEntryView>>('GET', '/api/audit?limit=3', { token: admin });
    assert.equal(first.body.items.length, 3);
    assert.ok(first.body.items[0]!.seq > first.body.items[2]!.seq);
    const second = await t.request<Page<AuditEntryView>>('GET', `/api/audit?limit=3&before=${first.body.next}`, { token: admin });
    assert.equal(second.body.items[0]!.seq, first.body.items[2]!.seq - 1);
    const byAdmin = await entries('&actor=admin');
    assert.ok(byAdmin.length > 0 && byAdmin.every((e) => e.actorUsername === 'admin'));
    assert.equal((await t.request<ApiError>('GET', '/api/audit?before=abc', { token: admin })).status, 400);
    for (const who of ['guard', 'zhangwei']) {
      const token = await t.token(who);
      assert.equal((await t.request('GET', '/api/audit', { token })).status, 403, who);
      assert.equal((await t.request('GET', '/api/audit/verify', { token })).status, 403, who);
    }
    const auditor = await t.token('auditor');
    assert.equal((await t.request('GET', '/api/audit', { token: auditor })).status, 200);
  });

  test('the database refuses to change or delete an entry', async () => {
    const ds = t.server.app.get(DataSource);
    await assert.rejects(ds.query(`UPDATE audit_log SET detail = 'x' WHERE seq = 1`), /append-only/);
    await assert.rejects(ds.query(`DELETE FROM audit_log WHERE seq = 1`), /append-only/);
    await assert.rejects(
      ds.query(`INSERT INTO audit_log (seq, at, source, action, prev_hash, hash) VALUES (999999, 0, 'http', 'forged', 'x', 'y')`),
      /does not extend the chain/,
    );
  });

  test('verification passes on the untouched chain, finds an entry edited behind the triggers, and finds a missing one', async () => {
    const verified = await t.request<AuditVerifyView>('GET', '/api/audit/verify', { token: admin });
    assert.equal(verified.status, 200);
    assert.equal(verified.body.ok, true, JSON.stringify(verified.body));
    assert.ok(verified.body.checked >= 10);
    assert.equal(verified.body.checked, verified.body.lastSeq);

    const ds = t.server.app.get(DataSource);
    const [{ sql: updateTrigger }] = await ds.query<[{ sql: string }]>(
      `SELECT sql FROM sqlite_master WHERE name = 'audit_log_refuse_update'`,
    );
    const [{ sql: deleteTrigger }] = await ds.query<[{ sql: string }]>(
      `SELECT sql FROM sqlite_master WHERE name = 'audit_log_refuse_delete'`,
    );
    await ds.query('DROP TRIGGER audit_log_refuse_update');
    await ds.query('DROP TRIGGER audit_log_refuse_delete');
    try {
      const target = 4;
      const [row] = await ds.query<Array<{ after_state: string | null }>>('SELECT after_state FROM audit_log WHERE seq = ?', [target]);
      await ds.query(`UPDATE audit_log SET after_state = ? WHERE seq = ?`, ['{"name":"someone else"}', target]);
      const edited = (await t.request<AuditVerifyView>('GET', '/api/audit/verify', { token: admin })).body;
      assert.equal(edited.ok, false);
      assert.equal(edited.firstBadSeq, target);
      assert.equal(edited.checked, target - 1);
      assert.match(edited.reason ?? '', /changed after it was written/);

      await ds.query(`UPDATE audit_log SET after_state = ? WHERE seq = ?`, [row!.after_state, target]);
      assert.equal((await t.request<AuditVerifyView>('GET', '/api/audit/verify', { token: admin })).body.ok, true, 'restored');

      await ds.query('DELETE FROM audit_log WHERE seq = 6');
      const gap = (await t.request<AuditVerifyView>('GET', '/api/audit/verify', { token: admin })).body;
      assert.equal(gap.ok, false);
      assert.equal(gap.firstBadSeq, 6);
      assert.match(gap.reason ?? '', /entry 6 is missing/);

      const last = verified.body.lastSeq;
      await ds.query('DELETE FROM audit_log WHERE seq >= 6');
      const cut = (await t.request<AuditVerifyView>('GET', '/api/audit/verify', { token: admin })).body;
      assert.equal(cut.ok, false);
      assert.equal(cut.firstBadSeq, 6);
      assert.match(cut.reason ?? '', new RegExp(`entries 6 to \\d+ are missing from the end`));
      assert.ok(last >= 6);
    } finally {
      await ds.query(updateTrigger);
      await ds.query(deleteTrigger);
    }
  });
});
