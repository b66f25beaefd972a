import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { DataSource } from 'typeorm';
import type { DoorView } from '@acs/shared/api/doors';
import type { PersonView } from '@acs/shared/api/people';
import type { SiteView } from '@acs/shared/api/site';
import type { ZoneView } from '@acs/shared/api/zones';
import type { Schedule } from '@acs/shared/mqtt/payloads';
import { PermissionChangeEntity } from '../site/permission-change.entity.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

describe('controlled areas: zones, doors, schedules and site settings', () => {
  let t: TestServer;
  let api: ApiCaller;
  let admin: string;
  let people: PersonView[];
  const person = (name: string) => people.find((p) => p.name.includes(name))!;

  async function lastChange(): Promise<PermissionChangeEntity> {
    const rows = await t.server.app
      .get(DataSource)
      .getRepository(PermissionChangeEntity)
      .find({ order: { version: 'DESC' }, take: 1 });
    return rows[0]!;
  }
  async function version(): Promise<number> {
    return (await api.ok<SiteView>('GET', '/api/site', admin)).permissionVersion;
  }

  beforeAll(async () => {
    t = await startTestServer();
    api = apiCaller(t);
    admin = await t.token('admin');
    people = await api.ok<PersonView[]>('GET', '/api/people', admin);
  });
  afterAll(async () => {
    await t?.close();
  });

  test('a zone is edited (name, level, parent, owner, anti-passback) and each edit is a structural change by the admin', async () => {
    await api.ok('POST', '/api/zones', admin, {
      id: 'archive',
      name: 'Archive',
      level: 2,
      parentId: 'office',
      ownerPersonId: person('Li Na').id,
    });
    const me = await api.ok<{ id: string }>('GET', '/api/auth/me', admin);
    const zone = await api.ok<ZoneView>('PATCH', '/api/zones/archive', admin, {
      name: '档案室 Archive',
      level: 3,
      ownerPersonId: person('Zhang Wei').id,
      antiPassback: 'hard',
    });
    assert.deepEqual(zone, {
      id: 'archive',
      name: '档案室 Archive',
      level: 3,
      parentId: 'office',
      ownerPersonId: person('Zhang Wei').id,
      antiPassback: 'hard',
      twoPerson: true,
    });
    const change = await lastChange();
    assert.equal(change.reason, 'zone archive updated');
    assert.equal(change.structural, true);
    assert.equal(change.actorUserId, me.id);
    assert.deepEqual(await api.ok<ZoneView>('GET', '/api/zones/archive', await t.token('zhangwei')), zone);
  });

  test('nesting is checked: no cycles, and an inner zone is never less restricted than its outer zone', async () => {
    await api.fails('PATCH', '/api/zones/office', admin, { parentId: 'lab' }, 400, [/cannot be inside itself or one of its inner zones/]);
    await api.fails('PATCH', '/api/zones/lobby', admin, { parentId: 'lobby' }, 400, [/inside itself/]);
    await api.fails('PATCH', '/api/zones/lab', admin, { level: 0 }, 400, [/at least as restricted as its outer zone office \(L1\)/]);
    await api.fails('PATCH', '/api/zones/office', admin, { level: 3 }, 400, [/inner zones lab \(L2\) would be less restricted/]);
    await api.fails('POST', '/api/zones', admin, { name: 'Closet', level: 0, parentId: 'office' }, 400, [/at least as restricted/]);
    await api.fails('PATCH', '/api/zones/nowhere', admin, { name: 'x' }, 404);
  });

  test('an L2/L3 zone keeps a responsible owner: clearing it or raising an ownerless zone is refused', async () => {
    await api.fails('PATCH', '/api/zones/lab', admin, { ownerPersonId: null }, 400, [
      /ownerPersonId is required for a zone of level 2 or above/,
    ]);
    await api.fails('PATCH', '/api/zones/office', admin, { level: 2 }, 400, [/ownerPersonId is required/]);
    await api.fails('PATCH', '/api/zones/lab', admin, { ownerPersonId: person('Wang Qiang').id }, 400, [/must be an employee/]);
    await api.fails('PATCH', '/api/zones/lab', admin, { ownerPersonId: 'no-such-person' }, 400, [/no person no-such-person/]);
  });

  test('moving a zone that a door joins to a non-adjacent place is refused', async () => {
    await api.ok('POST', '/api/zones', admin, { id: 'yard', name: 'Yard', level: 0 });
    await api.fails(
      'PATCH',
      '/api/zones/lab',
      admin,
      { parentId: 'yard' },
      409,
      [/moving zone lab would break doors lab: a door joins a zone and one of its inner zones/],
      'conflict',
    );
    assert.equal((await api.ok<ZoneView>('GET', '/api/zones/lab', admin)).parentId, 'office');
  });

  test('only an unused zone is deleted; a used one is 409 with what uses it', async () => {
    const before = await version();
    await api.ok('DELETE', '/api/zones/yard', admin);
    assert.equal(await version(), before + 1);
    assert.equal((await lastChange()).reason, 'zone yard deleted');
    await api.fails('GET', '/api/zones/yard', admin, undefined, 404);
    await api.fails('DELETE', '/api/zones/office', admin, undefined, 409, [/inner zone\(s\)/, /door\(s\)/, /grant\(s\)/]);
    await api.fails('DELETE', '/api/zones/lobby', admin, undefined, 409, [/in use/]);
  });

  test('doors join adjacent zones only, release at least 3 s, and record their fail mode', async () => {
    await api.fails('POST', '/api/doors', admin, { name: 'Shortcut', fromZoneId: 'lobby', toZoneId: 'lab' }, 400, [
      /zones lobby and lab are not adjacent: a door joins a zone and one of its inner zones, or two zones inside the same outer zone/,
    ]);
    const sibling = await api.ok<DoorView>('POST', '/api/doors', admin, {
      id: 'lab-to-mr',
      name: 'Lab ↔ machine room',
      fromZoneId: 'lab',
      toZoneId: 'machine-room',
      failMode: 'safe',
    });
    assert.equal(sibling.failMode, 'safe');
    assert.equal(sibling.releaseMs, 5000);
    const edited = await api.ok<DoorView>('PATCH', '/api/doors/lab-to-mr', admin, {
      releaseMs: 8000,
      heldOpenMs: 60_000,
      agentId: 'agent-1',
      failMode: 'secure',
    });
    assert.deepEqual(
      { releaseMs: edited.releaseMs, heldOpenMs: edited.heldOpenMs, agentId: edited.agentId, failMode: edited.failMode },
      { releaseMs: 8000, heldOpenMs: 60_000, agentId: 'agent-1', failMode: 'secure' },
    );
    assert.equal((await lastChange()).structural, true);
    await api.fails('PATCH', '/api/doors/lab-to-mr', admin, { releaseMs: 2999 }, 400, [/releaseMs must not be less than 3000/]);
    await api.fails('PATCH', '/api/doors/lab-to-mr', admin, { failMode: 'open' }, 400, [/failMode must be one of: secure, safe/]);
    await api.fails('PATCH', '/api/doors/lab-to-mr', admin, { toZoneId: 'lobby' }, 400, [/not adjacent/]);
    await api.fails('PATCH', '/api/doors/lab-to-mr', admin, { agentId: 'agent-9' }, 400, [/no agent agent-9/]);
    await api.fails('PATCH', '/api/doors/lab-to-mr', admin, { agentId: 'Agent 9!' }, 400, [/agentId must be lowercase/]);
    await api.fails('PATCH', '/api/doors/nowhere', admin, { name: 'x' }, 404);
    await api.fails('GET', '/api/doors/nowhere', admin, undefined, 404);
    assert.equal((await api.ok<DoorView>('GET', '/api/doors/lab-to-mr', await t.token('guard'))).failMode, 'secure');
    await api.ok('DELETE', '/api/doors/lab-to-mr', admin);
    assert.equal((await lastChange()).reason, 'door lab-to-mr deleted');
    await api.fails('DELETE', '/api/doors/lab-to-mr', admin, undefined, 404);
  });

  test('schedules are edited with their windows and holiday mode; an empty window or a schedule in use is refused', async () => {
    const created = await api.ok<Schedule>('POST', '/api/schedules', admin, {
      id: 'night',
      name: 'Night',
      holidays: 'normal',
      windows: [{ days: [1, 2], start: '22:00', end: '06:00' }],
    });
    assert.equal(created.holidays, 'normal');
    const edited = await api.ok<Schedule>('PATCH', '/api/schedules/night', admin, {
      holidays: 'closed',
      windows: [{ days: [5, 1], start: '20:00', end: '07:00' }],
    });
    assert.deepEqual(edited, { id: 'night', name: 'Night', holidays: 'closed', windows: [{ days: [1, 5], start: '20:00', end: '07:00' }] });
    assert.equal((await lastChange()).reason, 'schedule night updated');
    await api.fails('PATCH', '/api/schedules/night', admin, { windows: [{ days: [1], start: '08:00', end: '08:00' }] }, 400, [
      /window would be empty/,
    ]);
    await api.fails('PATCH', '/api/schedules/night', admin, { holidays: 'sometimes' }, 400, [/holidays must be "closed" or "normal"/]);
    await api.fails('PATCH', '/api/schedules/night', admin, { windows: [{ days: [0], start: '8:00', end: '09:00' }] }, 400, [
      /windows\.0\.days/,
      /windows\.0\.start must be HH:MM/,
    ]);
    await api.fails('DELETE', '/api/schedules/always', admin, undefined, 409, [/grant\(s\)/, /default zones of IT/]);
    await api.ok('DELETE', '/api/schedules/night', admin);
    await api.fails('DELETE', '/api/schedules/night', admin, undefined, 404);
  });

  test('the site time zone, holiday calendar, level names and card types are edited; only what doors enforce raises the version', async () => {
    const before = await api.ok<SiteView>('GET', '/api/site', admin);
    assert.equal(before.timeZone, 'Asia/Shanghai');
    assert.deepEqual(before.cardTypes.contractor, { ceiling: 2, validityDays: 180 });
    assert.deepEqual(before.levelNames, {});

    const named = await api.ok<SiteView>('PATCH', '/api/site', admin, {
      levelNames: { '2': '受控区 Controlled', '4': 'Vault' },
      cardTypes: { temporary: { validityDays: 7 } },
    });
    assert.deepEqual(named.levelNames, { '2': '受控区 Controlled', '4': 'Vault' });
    assert.deepEqual(named.cardTypes.temporary, { ceiling: 2, validityDays: 7 });
    assert.equal(named.permissionVersion, before.permissionVersion, 'names and default validity do not reach the doors');

    const holidays = [
      { date: '2026-10-01', name: '国庆节 National Day' },
      { date: '2026-02-17', name: '春节 Spring Festival' },
    ];
    const changed = await api.ok<SiteView>('PATCH', '/api/site', admin, {
      timeZone: 'Europe/Berlin',
      holidays,
      cardTypes: { contractor: { ceiling: 1 } },
    });
    assert.equal(changed.timeZone, 'Europe/Berlin');
    assert.deepEqual(changed.holidays, [holidays[1], holidays[0]]);
    assert.equal(changed.cardTypes.contractor.ceiling, 1);
    assert.equal(changed.permissionVersion, before.permissionVersion + 1);
    const change = await lastChange();
    assert.equal(change.structural, true);
    assert.match(change.reason, /time zone, holidays, card type ceilings/);

    const cleared = await api.ok<SiteView>('PATCH', '/api/site', admin, { levelNames: { '4': '' } });
    assert.deepEqual(cleared.levelNames, { '2': '受控区 Controlled' });
    assert.deepEqual((await api.ok<SiteView>('GET', '/api/site', await t.token('zhangwei'))).levelNames, { '2': '受控区 Controlled' });
  });

  test('bad site settings are refused with the path of each problem, and nothing changes', async () => {
    const before = await api.ok<SiteView>('GET', '/api/site', admin);
    await api.fails('PATCH', '/api/site', admin, { timeZone: 'Mars/Olympus' }, 400, [/timeZone: Mars\/Olympus is not an IANA time zone/]);
    await api.fails(
      'PATCH',
      '/api/site',
      admin,
      {
        holidays: [
          { date: '2026-02-30', name: 'x' },
          { date: '2026-05-01', name: 'a' },
          { date: '2026-05-01', name: 'b' },
        ],
      },
      400,
      [/holidays\.0\.date: 2026-02-30 is not a calendar date/, /holidays\.2\.date: 2026-05-01 is listed twice/],
    );
    await api.fails('PATCH', '/api/site', admin, { holidays: [{ date: '1 May', name: '' }] }, 400, [
      /holidays\.0\.date must be YYYY-MM-DD/,
      /holidays\.0\.name must be longer/,
    ]);
    await api.fails('PATCH', '/api/site', admin, { levelNames: { '10': 'x', a: 'y', '3': 7 } }, 400, [
      /levelNames\.10: levels are 0-9/,
      /levelNames\.a/,
      /levelNames\.3 must be a name/,
    ]);
    await api.fails('PATCH', '/api/site', admin, { cardTypes: { visitor: { ceiling: 3 } } }, 400, [/visitor cards never open L3/]);
    await api.fails('PATCH', '/api/site', admin, { cardTypes: { robot: {}, employee: { validityDays: 0, colour: 'red' } } }, 400, [
      /cardTypes\.robot: card types are employee, contractor, temporary, visitor/,
      /cardTypes\.employee\.validityDays must be a whole number of days/,
      /cardTypes\.employee\.colour: property colour should not exist/,
    ]);
    await api.fails('PATCH', '/api/site', admin, { levelNames: 'L2' }, 400, [/levelNames must be an object/]);
    await api.fails('PATCH', '/api/site', admin, { permissionVersion: 1 }, 400, [/property permissionVersion should not exist/]);
    assert.deepEqual(await api.ok<SiteView>('GET', '/api/site', admin), before);
  });

  test('only admins change controlled areas; guards, employees and auditors are refused', async () => {
    for (const user of ['guard', 'zhangwei', 'auditor'] as const) {
      const token = await t.token(user);
      for (const [method, path, body] of [
        ['PATCH', '/api/zones/lab', { name: 'x' }],
        ['DELETE', '/api/zones/lab', undefined],
        ['PATCH', '/api/doors/lab', { name: 'x' }],
        ['DELETE', '/api/doors/lab', undefined],
        ['PATCH', '/api/schedules/always', { name: 'x' }],
        ['DELETE', '/api/schedules/always', undefined],
        ['PATCH', '/api/site', { name: 'x' }],
      ] as const) {
        await api.fails(method, path, token, body, 403, [], 'forbidden');
      }
      assert.equal((await api.ok<SiteView>('GET', '/api/site', token)).name, 'Demo HQ');
    }
  });
});
