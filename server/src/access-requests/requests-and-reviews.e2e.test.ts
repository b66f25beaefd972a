import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { DataSource } from 'typeorm';
import type { AccessRequestView } from '@acs/shared/api/access-requests';
import type { GrantView } from '@acs/shared/api/grants';
import type { PersonView } from '@acs/shared/api/people';
import type { ReviewCampaignDetailView, ReviewCampaignView, ReviewItemView } from '@acs/shared/api/reviews';
import { GrantEntity } from '../grants/grant.entity.js';
import { PermissionChangeEntity } from '../site/permission-change.entity.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

describe('access requests decided by zone owners, and access reviews', () => {
  let t: TestServer;
  let api: ApiCaller;
  let admin: string;
  let zhangwei: string; // employee, owner of the machine room
  let lina: string; // employee, owner of the lab
  let people: PersonView[];
  const person = (name: string) => people.find((p) => p.name.includes(name))!;
  const lastChange = async () =>
    (
      await t.server.app
        .get(DataSource)
        .getRepository(PermissionChangeEntity)
        .find({ order: { version: 'DESC' }, take: 1 })
    )[0]!;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiCaller(t);
    admin = await t.token('admin');
    zhangwei = await t.token('zhangwei');
    lina = await t.token('lina');
    people = await api.ok<PersonView[]>('GET', '/api/people', admin);
  });
  afterAll(async () => {
    await t?.close();
  });

  test('an employee requests a zone; its owner approves with a reason and the grant exists at once', async () => {
    // Zhang Wei holds the lab in the demo; end that grant so the request is the only way in.
    const held = (await api.ok<GrantView[]>('GET', `/api/grants?personId=${person('Zhang Wei').id}&zoneId=lab`, admin))[0]!;
    await api.ok('DELETE', `/api/grants/${held.id}`, admin);
    const until = Date.now() + 30 * 86_400_000;
    const request = await api.ok<AccessRequestView>('POST', '/api/access-requests', zhangwei, {
      zoneId: 'lab',
      scheduleId: 'business-hours',
      until,
      reason: 'network upgrade in the lab',
    });
    assert.equal(request.status, 'pending');
    assert.equal(request.personId, person('Zhang Wei').id);
    assert.equal(request.ownerPersonId, person('Li Na').id);
    assert.deepEqual(
      (await api.ok<AccessRequestView[]>('GET', '/api/access-requests?scope=to-decide&status=pending', lina)).map((r) => r.id),
      [request.id],
    );
    assert.deepEqual(
      (await api.ok<AccessRequestView[]>('GET', '/api/access-requests?scope=mine', zhangwei)).map((r) => r.id),
      [request.id],
    );
    assert.deepEqual(await api.ok<AccessRequestView[]>('GET', '/api/access-requests?scope=to-decide', zhangwei), []);

    assert.deepEqual(await api.ok<GrantView[]>('GET', `/api/grants?personId=${request.personId}&zoneId=lab`, admin), []);

    const approved = await api.ok<AccessRequestView>(
      'POST',
      `/api/access-requests/${request.id}/approve`,
      lina,
      { reason: 'ok for the upgrade' },
      200,
    );
    assert.equal(approved.status, 'approved');
    assert.equal(approved.decidedBy?.name, '李娜 Li Na');
    assert.equal(approved.decisionReason, 'ok for the upgrade');
    const grant = await t.server.app.get(DataSource).getRepository(GrantEntity).findOneByOrFail({ id: approved.grantId! });
    assert.deepEqual(
      [grant.zoneId, grant.scheduleId, grant.validUntil, grant.accessRequestId],
      ['lab', 'business-hours', until, request.id],
    );
    assert.deepEqual(JSON.parse((await lastChange()).personIds), [request.personId]);
    await api.fails('POST', `/api/access-requests/${request.id}/approve`, lina, {}, 409, [/already approved/]);
    await api.fails('POST', '/api/access-requests', zhangwei, { zoneId: 'lab', reason: 'again please' }, 409, [
      /already holds a grant for 实验室 Lab/,
    ]);
  });

  test('a refusal needs a reason; only the owner or an admin decides; nobody decides their own request', async () => {
    const wang = person('Wang Qiang');
    const forWang = await api.ok<AccessRequestView>('POST', '/api/access-requests', admin, {
      personId: wang.id,
      zoneId: 'lab',
      reason: 'contract work in the lab',
    });
    assert.equal(forWang.requestedBy?.name, 'Admin 管理员');
    await api.fails('POST', '/api/access-requests', admin, { personId: wang.id, zoneId: 'lab', reason: 'twice' }, 409, [
      /already has a pending request/,
    ]);
    await api.fails(
      'POST',
      `/api/access-requests/${forWang.id}/approve`,
      zhangwei,
      {},
      403,
      [/Only the owner of 实验室 Lab or an admin decides/],
      'forbidden',
    );
    await api.fails(
      'POST',
      `/api/access-requests/${forWang.id}/approve`,
      admin,
      {},
      403,
      [/nobody decides a request they made/],
      'separation_of_duties',
    );
    await api.fails('POST', `/api/access-requests/${forWang.id}/refuse`, lina, {}, 400, [/say why the request is refused/]);
    await api.fails('POST', `/api/access-requests/${forWang.id}/refuse`, lina, { reason: '' }, 400, [/reason must be longer/]);
    const refused = await api.ok<AccessRequestView>(
      'POST',
      `/api/access-requests/${forWang.id}/refuse`,
      lina,
      { reason: 'contractors are escorted in the lab' },
      200,
    );
    assert.deepEqual([refused.status, refused.decisionReason, refused.grantId], ['refused', 'contractors are escorted in the lab', null]);
    assert.deepEqual(await api.ok<GrantView[]>('GET', `/api/grants?personId=${wang.id}&zoneId=lab`, admin), []);

    // An owner asking for a zone they own is decided by an admin, never by themselves.
    await api.ok('POST', '/api/zones', admin, {
      id: 'cage',
      name: 'Cage',
      level: 3,
      parentId: 'office',
      ownerPersonId: person('Zhang Wei').id,
    });
    const own = await api.ok<AccessRequestView>('POST', '/api/access-requests', zhangwei, { zoneId: 'cage', reason: 'I own the cage' });
    await api.fails('POST', `/api/access-requests/${own.id}/approve`, zhangwei, {}, 403, [], 'separation_of_duties');
    assert.equal(
      (await api.ok<AccessRequestView>('POST', `/api/access-requests/${own.id}/approve`, await t.token('approver'), {}, 200)).status,
      'approved',
    );

    const withdrawn = await api.ok<AccessRequestView>('POST', '/api/access-requests', lina, {
      zoneId: 'machine-room',
      reason: 'inventory',
    });
    await api.fails('POST', `/api/access-requests/${withdrawn.id}/cancel`, zhangwei, undefined, 403);
    assert.equal(
      (await api.ok<AccessRequestView>('POST', `/api/access-requests/${withdrawn.id}/cancel`, lina, undefined, 200)).status,
      'cancelled',
    );
    await api.fails('POST', `/api/access-requests/${withdrawn.id}/approve`, zhangwei, {}, 409, [/already cancelled/]);
  });

  test('bad requests are refused and roles are enforced', async () => {
    const past = Date.now() - 1000;
    await api.fails('POST', '/api/access-requests', zhangwei, { zoneId: 'lab' }, 400, [/reason must be a string/]);
    await api.fails(
      'POST',
      '/api/access-requests',
      zhangwei,
      { zoneId: 'nowhere', scheduleId: 'never', until: past, reason: 'why not' },
      400,
      [/zoneId: no zone nowhere/, /scheduleId: no schedule never/, /until must be in the future/],
    );
    await api.fails('POST', '/api/access-requests', zhangwei, { zoneId: 'lab', reason: 'x' }, 400, [
      /reason must be longer than or equal to 3/,
    ]);
    await api.fails('POST', '/api/access-requests', zhangwei, { zoneId: 'lab', reason: 'for Li', personId: person('Li Na').id }, 403, [
      /for themselves only/,
    ]);
    await api.fails('POST', '/api/access-requests', admin, { zoneId: 'lab', reason: 'for nobody' }, 400, [/linked to no person/]);
    await api.fails('GET', '/api/access-requests?status=maybe', admin, undefined, 400, [
      /status must be one of: pending, approved, refused, cancelled/,
    ]);
    await api.fails('GET', '/api/access-requests?scope=everyone', admin, undefined, 400, [/scope must be one of: mine, to-decide, all/]);
    await api.fails('POST', '/api/access-requests/no-such/approve', admin, {}, 404);
    for (const user of ['guard', 'auditor'] as const) {
      const token = await t.token(user);
      await api.fails('POST', '/api/access-requests', token, { zoneId: 'lab', reason: 'let me in' }, 403, [], 'forbidden');
      assert.ok((await api.ok<AccessRequestView[]>('GET', '/api/access-requests', token)).length >= 3, `${user} reads every request`);
    }
    const someoneElses = (await api.ok<AccessRequestView[]>('GET', '/api/access-requests', admin)).find(
      (r) => r.personId === person('Wang Qiang').id,
    )!;
    await api.fails('GET', `/api/access-requests/${someoneElses.id}`, zhangwei, undefined, 403);
  });

  test('a review campaign covers every grant to L2/L3 zones; each owner sees and decides the grants to their zones', async () => {
    const started = await api.ok<ReviewCampaignDetailView>('POST', '/api/reviews', admin, { name: 'Q1 review' });
    assert.deepEqual(started.campaign.zoneIds, ['cage', 'lab', 'machine-room']);
    const zones = started.items.map((i) => `${i.zoneId}:${i.personName}`).sort();
    assert.deepEqual(zones, [
      'cage:张伟 Zhang Wei',
      'lab:张伟 Zhang Wei',
      'lab:李娜 Li Na',
      'machine-room:张伟 Zhang Wei',
      'machine-room:王强 Wang Qiang',
    ]);
    assert.deepEqual(started.campaign.progress, { total: 5, decided: 0, kept: 0, removed: 0 });

    const linaView = await api.ok<ReviewCampaignDetailView>('GET', `/api/reviews/${started.campaign.id}`, lina);
    assert.deepEqual(
      linaView.items.map((i) => i.zoneId),
      ['lab', 'lab'],
    );
    assert.deepEqual((await api.ok<ReviewCampaignView[]>('GET', '/api/reviews', lina))[0]!.progress, {
      total: 2,
      decided: 0,
      kept: 0,
      removed: 0,
    });
    const zhangView = await api.ok<ReviewCampaignDetailView>('GET', `/api/reviews/${started.campaign.id}`, zhangwei);
    assert.deepEqual(zhangView.items.map((i) => i.zoneId).sort(), ['cage', 'machine-room', 'machine-room']);

    const item = (zone: string, name: string) => started.items.find((i) => i.zoneId === zone && i.personName.includes(name))!;
    const decide = (token: string, i: ReviewItemView, body: unknown) =>
      t.request<ReviewItemView>('POST', `/api/reviews/${started.campaign.id}/items/${i.id}/decision`, { token, body });

    await api.fails(
      'POST',
      `/api/reviews/${started.campaign.id}/items/${item('machine-room', 'Zhang Wei').id}/decision`,
      zhangwei,
      { decision: 'keep' },
      403,
      [/nobody recertifies their own access/],
      'separation_of_duties',
    );
    await api.fails(
      'POST',
      `/api/reviews/${started.campaign.id}/items/${item('machine-room', 'Wang Qiang').id}/decision`,
      lina,
      { decision: 'keep' },
      403,
      [/Only the owner of 机房 Machine room/],
    );

    const removed = await decide(zhangwei, item('machine-room', 'Wang Qiang'), { decision: 'remove', note: 'contract ended' });
    assert.equal(removed.status, 200);
    assert.deepEqual(
      [removed.body.decision, removed.body.decidedBy?.name, removed.body.note],
      ['remove', '张伟 Zhang Wei', 'contract ended'],
    );
    const grant = await t.server.app
      .get(DataSource)
      .getRepository(GrantEntity)
      .findOneByOrFail({ id: item('machine-room', 'Wang Qiang').grantId });
    assert.equal(grant.revokedReason, 'review_removed');
    const change = await lastChange();
    assert.equal(change.revokes, true);
    assert.match(change.reason, /removed in access review/);

    assert.equal((await decide(lina, item('lab', 'Zhang Wei'), { decision: 'keep' })).status, 200);
    assert.equal((await decide(admin, item('machine-room', 'Zhang Wei'), { decision: 'keep', note: 'on call' })).status, 200);
    await api.fails(
      'POST',
      `/api/reviews/${started.campaign.id}/items/${item('lab', 'Zhang Wei').id}/decision`,
      lina,
      { decision: 'remove' },
      409,
      [/already reviewed: keep/],
    );
    await api.fails(
      'POST',
      `/api/reviews/${started.campaign.id}/items/${item('lab', 'Li Na').id}/decision`,
      lina,
      { decision: 'maybe' },
      400,
      [/decision must be one of: keep, remove/],
    );
    assert.deepEqual((await api.ok<ReviewCampaignView[]>('GET', '/api/reviews', admin))[0]!.progress, {
      total: 5,
      decided: 3,
      kept: 2,
      removed: 1,
    });
  });

  test("the results export as CSV in the reader's language; a closed campaign takes no more decisions", async () => {
    const campaign = (await api.ok<ReviewCampaignView[]>('GET', '/api/reviews', admin))[0]!;
    const en = await t.request<string>('GET', `/api/reviews/${campaign.id}/export.csv`, { token: admin });
    assert.equal(en.status, 200);
    assert.match(en.headers.get('content-type') ?? '', /text\/csv/);
    const lines = en.body.trimEnd().split('\r\n');
    assert.equal(
      lines[0],
      'Zone,Zone id,Person,Schedule,Valid until (Asia/Shanghai),Owner,Decision,Decided by,Decided at (Asia/Shanghai),Note',
    );
    assert.equal(lines.length, 6);
    const row = (zone: string, name: string) => lines.find((l) => l.includes(`,${zone},`) && l.includes(name))!.split(',');
    assert.deepEqual(row('machine-room', 'Wang Qiang').slice(0, 8), [
      '机房 Machine room',
      'machine-room',
      '王强 Wang Qiang',
      '全天 Always',
      'No end',
      '张伟 Zhang Wei',
      'Removed',
      '张伟 Zhang Wei',
    ]);
    assert.equal(row('machine-room', 'Wang Qiang')[9], 'contract ended');
    assert.equal(row('lab', 'Li Na')[6], 'Not decided');
    assert.equal(row('cage', 'Zhang Wei')[3], 'At any time');

    const auditor = await t.token('auditor');
    await api.ok('PATCH', '/api/auth/me', auditor, { locale: 'zh-CN' });
    const zh = await t.request<string>('GET', `/api/reviews/${campaign.id}/export.csv`, { token: auditor });
    const zhLines = zh.body.trimEnd().split('\r\n');
    assert.equal(zhLines[0], '区域,区域编号,人员,时间表,有效期至（Asia/Shanghai）,负责人,审查结论,审查人,审查时间（Asia/Shanghai）,备注');
    assert.ok(zhLines.some((l) => l.includes('王强 Wang Qiang') && l.includes(',撤销,')));
    assert.ok(zhLines.some((l) => l.includes(',保留,')));
    await api.fails('GET', `/api/reviews/${campaign.id}/export.csv`, zhangwei, undefined, 403);
    await api.fails('GET', '/api/reviews/no-such/export.csv', admin, undefined, 404);

    await api.fails('POST', `/api/reviews/${campaign.id}/close`, lina, undefined, 403);
    const closed = await api.ok<ReviewCampaignView>('POST', `/api/reviews/${campaign.id}/close`, admin, undefined, 200);
    assert.equal(closed.status, 'closed');
    const detail = await api.ok<ReviewCampaignDetailView>('GET', `/api/reviews/${campaign.id}`, admin);
    const open = detail.items.find((i) => i.decision === null)!;
    await api.fails('POST', `/api/reviews/${campaign.id}/items/${open.id}/decision`, admin, { decision: 'keep' }, 409, [/is closed/]);
    await api.fails('POST', `/api/reviews/${campaign.id}/close`, admin, undefined, 409, [/already closed/]);
  });

  test('bad campaign input is refused; only admins start campaigns', async () => {
    await api.fails('POST', '/api/reviews', admin, { zoneIds: ['lab', 'nowhere'] }, 400, [/zoneIds: no zone nowhere/]);
    await api.fails('POST', '/api/reviews', admin, { zoneIds: [] }, 400, [/zoneIds must contain at least 1 elements/]);
    await api.fails('POST', '/api/reviews', admin, { zoneIds: ['lab'], dueAt: 1000 }, 400, [/dueAt must be in the future/]);
    await api.fails('POST', '/api/reviews', admin, { zoneIds: 'lab' }, 400, [/zoneIds must be an array/]);
    await api.fails('GET', '/api/reviews/no-such', admin, undefined, 404);
    for (const user of ['guard', 'zhangwei', 'auditor'] as const) {
      await api.fails('POST', '/api/reviews', await t.token(user), {}, 403, [], 'forbidden');
    }
    const office = await api.ok<ReviewCampaignDetailView>('POST', '/api/reviews', admin, { zoneIds: ['office'] });
    assert.ok(office.items.length >= 3 && office.items.every((i) => i.ownerPersonId === null), 'an ownerless zone is reviewed by admins');
    assert.deepEqual(
      await api
        .ok<ReviewCampaignView[]>('GET', '/api/reviews', await t.token('zhangwei'))
        .then((c) => c.map((x) => x.id).includes(office.campaign.id)),
      false,
    );
  });
});
