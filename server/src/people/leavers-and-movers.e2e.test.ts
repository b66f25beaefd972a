import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import type { AccessRequestView } from '@acs/shared/api/access-requests';
import type { AgentLagView } from '@acs/shared/api/agents';
import type { CardHistoryView, CardView } from '@acs/shared/api/cards';
import type { DepartmentView } from '@acs/shared/api/departments';
import type { GrantView } from '@acs/shared/api/grants';
import type { PersonView } from '@acs/shared/api/people';
import type { RevocationProofView } from '@acs/shared/api/proof';
import type { LeaverView } from '@acs/shared/api/reports';
import type { UserView } from '@acs/shared/api/users';
import type { PermissionsChannelMessage } from '@acs/shared/mqtt/payloads';
import { foldPermissions } from '../testing/permission-fold.js';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { ManualClock } from '../common/clock.js';
import { GrantEntity } from '../grants/grant.entity.js';
import { PermissionChangeEntity } from '../site/permission-change.entity.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { connectAgent, MessageLog, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

describe('departments, movers and leavers, with proof from the agents', () => {
  const T0 = Date.UTC(2026, 0, 5, 1, 0, 0);
  const clock = new ManualClock(T0);
  let t: TestServer;
  let api: ApiCaller;
  let admin: string;
  let adminUser: UserView;
  let agent: MqttClient;
  let inbox: MessageLog;
  let people: PersonView[];
  const person = (name: string) => people.find((p) => p.name.includes(name))!;
  const permissionsTopic = agentTopic('agent-1', 'permissions');
  /** What the agent holds after every snapshot and delta received. */
  const latest = () => foldPermissions(inbox.on(permissionsTopic).map((m) => JSON.parse(m.payload) as PermissionsChannelMessage))!;

  async function confirmLatest(minVersion: number): Promise<number> {
    const message = await waitFor(() => {
      const m = inbox.on(permissionsTopic).length ? latest() : null;
      return m && m.set.version >= minVersion ? m : null;
    }, `a snapshot of version ${minVersion} or later`);
    await agent.publishAsync(
      agentTopic('agent-1', 'applied'),
      JSON.stringify({ version: message.set.version, hash: message.hash, appliedAt: clock.now() }),
      { qos: 1 },
    );
    await waitFor(
      async () =>
        (await api.ok<AgentLagView[]>('GET', '/api/agents/lag', admin)).find((a) => a.agentId === 'agent-1')!.appliedVersion ===
        message.set.version,
      'the confirmation',
    );
    return message.set.version;
  }
  const grantsOf = (personId: string) =>
    t.server.app
      .get(DataSource)
      .getRepository(GrantEntity)
      .find({ where: { personId }, order: { createdAt: 'ASC' } });

  beforeAll(async () => {
    t = await startTestServer({}, { clock });
    api = apiCaller(t);
    admin = await t.token('admin');
    adminUser = await api.ok<UserView>('GET', '/api/auth/me', admin);
    people = await api.ok<PersonView[]>('GET', '/api/people', admin);
    agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    inbox = new MessageLog(agent);
    await agent.subscribeAsync(permissionsTopic, { qos: 1 });
    await agent.publishAsync(agentTopic('agent-1', 'state'), JSON.stringify({ agentId: 'agent-1', online: true, at: clock.now() }), {
      qos: 1,
      retain: true,
    });
    await agent.publishAsync(agentTopic('agent-1', 'sync'), JSON.stringify({ haveVersion: null, haveHash: null }), { qos: 1 });
    await confirmLatest(1);
  });
  afterAll(async () => {
    await agent?.endAsync();
    await t?.close();
  });

  test('departments carry default zones of level L0/L1 only; names are unique; a rename follows the members', async () => {
    const listed = await api.ok<DepartmentView[]>('GET', '/api/departments', await t.token('zhangwei'));
    assert.deepEqual(
      listed.map((d) => [d.name, d.memberCount]),
      [
        ['Facilities', 1],
        ['Finance', 1],
        ['IT', 1],
        ['R&D', 1],
      ],
    );
    const security = await api.ok<DepartmentView>('POST', '/api/departments', admin, {
      name: 'Security',
      defaultZones: [{ zoneId: 'lobby' }, { zoneId: 'office', scheduleId: 'business-hours' }],
    });
    assert.deepEqual(security.defaultZones, [
      { zoneId: 'lobby', scheduleId: null },
      { zoneId: 'office', scheduleId: 'business-hours' },
    ]);
    await api.fails('POST', '/api/departments', admin, { name: 'Security' }, 409, [/department Security already exists/]);
    await api.fails(
      'POST',
      '/api/departments',
      admin,
      {
        name: 'Ops',
        defaultZones: [{ zoneId: 'lab' }, { zoneId: 'nowhere' }, { zoneId: 'office', scheduleId: 'never' }, { zoneId: 'office' }],
      },
      400,
      [
        /defaultZones\.0\.zoneId: lab is L2; department defaults stop at L1/,
        /defaultZones\.1\.zoneId: no zone nowhere/,
        /defaultZones\.2\.scheduleId: no schedule never/,
        /defaultZones\.3\.zoneId: office is listed twice/,
      ],
    );
    await api.fails('POST', '/api/departments', admin, { name: '' }, 400, [/name must be longer than or equal to 1/]);
    await api.fails('POST', '/api/departments', admin, { name: 'X', defaultZones: 'office' }, 400, [/defaultZones must be an array/]);

    const finance = listed.find((d) => d.name === 'Finance')!;
    await api.ok('PATCH', `/api/departments/${finance.id}`, admin, { name: '财务 Finance' });
    assert.equal(
      (await api.ok<PersonView[]>('GET', '/api/people', admin)).find((p) => p.name.includes('Zhao Min'))!.department,
      '财务 Finance',
    );
    await api.fails('PATCH', `/api/departments/${finance.id}`, admin, { name: 'IT' }, 409, [/department IT already exists/]);
    await api.fails('PATCH', `/api/departments/${finance.id}`, admin, { defaultZones: [{ zoneId: 'machine-room' }] }, 400, [
      /machine-room is L3; department defaults stop at L1/,
    ]);
    await api.fails('PATCH', `/api/departments/${finance.id}`, admin, { defaultZones: [{ scheduleId: 'always' }] }, 400, [
      /defaultZones\.0\.zoneId must be a string/,
    ]);
    await api.fails('PATCH', '/api/departments/no-such', admin, { name: 'x' }, 404);
    await api.fails('DELETE', `/api/departments/${finance.id}`, admin, undefined, 409, [/still has 1 member/]);
    const empty = await api.ok<DepartmentView>('POST', '/api/departments', admin, { name: 'Temporary team' });
    await api.ok('DELETE', `/api/departments/${empty.id}`, admin);
    await api.fails('DELETE', `/api/departments/${empty.id}`, admin, undefined, 404);
    for (const user of ['guard', 'zhangwei', 'auditor'] as const) {
      await api.fails('POST', '/api/departments', await t.token(user), { name: 'Mine' }, 403, [], 'forbidden');
    }
  });

  test('a person who joins a department gets its default zones; an unknown department is refused', async () => {
    const joined = await api.ok<PersonView>('POST', '/api/people', admin, {
      name: '陈静 Chen Jing',
      kind: 'employee',
      department: 'Security',
    });
    const grants = await api.ok<GrantView[]>('GET', `/api/grants?personId=${joined.id}`, admin);
    assert.deepEqual(grants.map((g) => [g.zoneId, g.scheduleId]).sort(), [
      ['lobby', null],
      ['office', 'business-hours'],
    ]);
    await api.fails('POST', '/api/people', admin, { name: 'Nobody', kind: 'employee', department: 'Marketing' }, 400, [
      /department: no department Marketing/,
    ]);
    await api.fails('PATCH', `/api/people/${joined.id}`, admin, { department: 'Marketing' }, 400, [/no department Marketing/]);
  });

  test('a mover loses every grant outside the new department defaults (L2/L3 included) and gets the defaults', async () => {
    const zhang = person('Zhang Wei');
    const before = clock.now();
    const moved = await api.ok<PersonView>('PATCH', `/api/people/${zhang.id}`, admin, { department: 'Security' });
    assert.equal(moved.department, 'Security');
    const grants = await grantsOf(zhang.id);
    const live = grants.filter((g) => g.revokedAt === null);
    const ended = grants.filter((g) => g.revokedAt !== null);
    assert.deepEqual(
      live.map((g) => [g.zoneId, g.scheduleId]).sort(),
      [
        ['lobby', null],
        ['office', 'always'],
      ],
      'the office grant is kept as it was; the lobby is added',
    );
    assert.deepEqual(ended.map((g) => [g.zoneId, g.revokedReason, g.revokedByUserId, g.revokedAt]).sort(), [
      ['lab', 'person_moved', adminUser.id, before],
      ['machine-room', 'person_moved', adminUser.id, before],
    ]);
    const lag = (await api.ok<AgentLagView[]>('GET', '/api/agents/lag', admin)).find((a) => a.agentId === 'agent-1')!;
    assert.equal(lag.behind, true);
    assert.equal(lag.missing.at(-1)!.reason, `person ${zhang.id} moved to Security`);
    assert.equal(lag.missing.at(-1)!.revokes, true);
    assert.equal(lag.behindSince, lag.missing[0]!.at);
    await confirmLatest(lag.currentVersion);
    const caughtUp = (await api.ok<AgentLagView[]>('GET', '/api/agents/lag', admin)).find((a) => a.agentId === 'agent-1')!;
    assert.deepEqual([caughtUp.behind, caughtUp.missing, caughtUp.missingCount], [false, [], 0]);
  });

  test('a leaver loses every card, grant and pending request at once; the report proves when the agent confirmed it', async () => {
    const liNa = person('Li Na');
    const lina = await t.token('lina');
    const pending = await api.ok<AccessRequestView>('POST', '/api/access-requests', lina, {
      zoneId: 'machine-room',
      reason: 'server maintenance',
    });
    clock.set(T0 + 3_600_000);
    const departedAt = clock.now();
    const departed = await api.ok<PersonView>('PATCH', `/api/people/${liNa.id}`, admin, { status: 'departed' });
    assert.equal(departed.departedAt, departedAt);
    const version = (
      await t.server.app
        .get(DataSource)
        .getRepository(PermissionChangeEntity)
        .findOneByOrFail({ reason: `person ${liNa.id} departed` })
    ).version;

    const card = (await api.ok<CardView[]>('GET', `/api/cards?personId=${liNa.id}`, admin))[0]!;
    assert.equal(card.status, 'revoked');
    const history = await api.ok<CardHistoryView[]>('GET', `/api/cards/${card.id}/history`, admin);
    assert.deepEqual(
      history.map((h) => [h.from, h.to, h.note, h.actor?.id]),
      [['active', 'revoked', 'person departed', adminUser.id]],
    );
    assert.equal((await api.ok<AccessRequestView>('GET', `/api/access-requests/${pending.id}`, admin)).status, 'cancelled');

    const before = (await api.ok<LeaverView[]>('GET', '/api/reports/leavers', admin))[0]!;
    assert.deepEqual(
      { ...before, agents: before.agents.map((a) => [a.agentId, a.confirmedAt]) },
      {
        personId: liNa.id,
        name: liNa.name,
        kind: 'employee',
        department: 'R&D',
        departedAt,
        version,
        revokedAt: departedAt,
        cardsRevoked: 1,
        grantsEnded: 2,
        agents: [['agent-1', null]],
        allConfirmedAt: null,
        pendingAgentIds: ['agent-1'],
      },
    );

    clock.advance(1500);
    const confirmed = await confirmLatest(version);
    const after = (await api.ok<LeaverView[]>('GET', '/api/reports/leavers', admin))[0]!;
    assert.equal(after.allConfirmedAt, departedAt + 1500);
    assert.deepEqual(after.pendingAgentIds, []);
    assert.deepEqual(after.agents, [
      {
        agentId: 'agent-1',
        agentName: 'Demo agent 1 演示代理',
        confirmedVersion: confirmed,
        confirmedAt: departedAt + 1500,
        delayMs: 1500,
      },
    ]);

    const proof = await api.ok<RevocationProofView>('GET', `/api/revocations/${version}`, await t.token('auditor'));
    assert.equal(proof.complete, true);
    assert.equal(proof.delayMs, 1500);
    assert.deepEqual(proof.personIds, [liNa.id]);
    assert.deepEqual(proof.actor, { id: adminUser.id, name: adminUser.displayName });
    const list = await api.ok<RevocationProofView[]>('GET', '/api/revocations?limit=2', await t.token('guard'));
    assert.equal(list[0]!.version, version);
    assert.equal(list.length, 2);
    assert.equal(list[1]!.reason, `person ${person('Zhang Wei').id} moved to Security`);

    assert.deepEqual(await api.ok<LeaverView[]>('GET', `/api/reports/leavers?from=${departedAt + 1}`, admin), []);
    assert.equal((await api.ok<LeaverView[]>('GET', `/api/reports/leavers?from=${departedAt}&to=${departedAt + 1}`, admin)).length, 1);
  });

  test("the leavers report exports as CSV in the reader's language, with times in the site time zone", async () => {
    const res = await t.request<string>('GET', '/api/reports/leavers.csv', { token: admin });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv; charset=utf-8/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="leavers.csv"/);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    assert.equal(
      lines[0],
      'Person,Kind,Department,Departed at (Asia/Shanghai),Permission version,Cards revoked,Grants ended,All agents confirmed at (Asia/Shanghai),Seconds to confirmation,Agents not yet confirmed',
    );
    const version = (await api.ok<LeaverView[]>('GET', '/api/reports/leavers', admin))[0]!.version;
    assert.deepEqual(lines.slice(1), [`李娜 Li Na,employee,R&D,2026-01-05 10:00:00,${version},1,2,2026-01-05 10:00:01,1.500,`]);

    const auditor = await t.token('auditor');
    await api.ok('PATCH', '/api/auth/me', auditor, { locale: 'zh-CN' });
    const zh = await t.request<string>('GET', '/api/reports/leavers.csv', { token: auditor });
    assert.match(zh.body.split('\r\n')[0]!, /^人员,类别,部门,离职时间（Asia\/Shanghai）,权限版本/);
    // A byte-order mark leads, so spreadsheet programs read the Chinese as UTF-8 (fetch's text() strips it).
    const raw = new Uint8Array(
      await (await fetch(`${t.url}/api/reports/leavers.csv`, { headers: { authorization: `Bearer ${auditor}` } })).arrayBuffer(),
    );
    assert.deepEqual([...raw.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  });

  test('reports are read by staff only, CSV by admins and auditors; bad queries are refused', async () => {
    const employee = await t.token('zhangwei');
    for (const path of ['/api/reports/leavers', '/api/reports/leavers.csv', '/api/revocations', '/api/revocations/1', '/api/agents/lag']) {
      await api.fails('GET', path, employee, undefined, 403, [], 'forbidden');
    }
    await api.fails('GET', '/api/reports/leavers.csv', await t.token('guard'), undefined, 403);
    await api.fails('GET', '/api/reports/leavers?from=yesterday', admin, undefined, 400, [/from must be an integer/]);
    await api.fails('GET', '/api/revocations?limit=0', admin, undefined, 400, [/limit must not be less than 1/]);
    await api.fails('GET', '/api/revocations/abc', admin, undefined, 400, [/version must be a whole number/]);
    await api.fails('GET', '/api/revocations/999999', admin, undefined, 404);
  });
});
