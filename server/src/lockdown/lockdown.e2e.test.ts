import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { DataSource } from 'typeorm';
import { io, type Socket } from 'socket.io-client';
import type { AuditEntryView } from '@acs/shared/api/audit';
import type { CardView } from '@acs/shared/api/cards';
import type { Page } from '@acs/shared/api/http';
import type { LockdownView } from '@acs/shared/api/lockdown';
import type { SiteView } from '@acs/shared/api/site';
import type { ZoneView } from '@acs/shared/api/zones';
import type { ServerToClientEvents } from '@acs/shared/realtime/events';
import { PermissionChangeEntity } from '../site/permission-change.entity.js';
import { PermissionCompiler } from '../sync/permission-compiler.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

describe('lockdown, designated cards, two-person zones and door rule settings', () => {
  let t: TestServer;
  let api: ApiCaller;
  let admin: string;
  let guard: string;
  let live: Socket<ServerToClientEvents>;
  const pushes: LockdownView[] = [];

  const agentSet = async () => (await t.server.app.get(PermissionCompiler).compile('agent-1', Date.now())).set;
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
    guard = await t.token('guard');
    live = io(t.url, { auth: { token: guard }, transports: ['websocket'], reconnection: false, forceNew: true });
    live.on('lockdown:v1', (view) => pushes.push(view));
    await waitFor(() => live.connected, 'the guard socket');
  });
  afterAll(async () => {
    live?.close();
    await t?.close();
  });

  test('a guard locks the site down with a reason: agents get it on the priority path, guards see it live, the audit log keeps it', async () => {
    const view = await api.ok<LockdownView>(
      'POST',
      '/api/lockdown/start',
      guard,
      { scope: 'site', reason: 'intruder reported in the car park' },
      200,
    );
    assert.equal(view.active, true);
    assert.equal(view.site?.reason, 'intruder reported in the car park');
    assert.equal(view.site?.startedBy, 'Guard 保安');
    assert.deepEqual((await agentSet()).lockdown, { site: true, zoneIds: [] });
    const change = await lastChange();
    assert.equal(change.revokes, true, 'starting a lockdown takes access away: priority path');
    assert.equal(change.structural, true);
    await waitFor(() => pushes.some((p) => p.site !== null), 'a lockdown:v1 push');

    const audit = await api.ok<Page<AuditEntryView>>('GET', '/api/audit?limit=20', admin);
    const entry = audit.items.find((e) => e.action === 'lockdown.start');
    assert.ok(entry, 'lockdown.start is in the audit log');
    assert.equal(entry.actorUsername, 'guard');
    assert.match(entry.detail ?? '', /site: intruder reported in the car park/);
  });

  test('the same lockdown twice, ending what is not locked, missing reasons and bad scopes are refused clearly', async () => {
    await api.fails('POST', '/api/lockdown/start', guard, { scope: 'site', reason: 'again' }, 409, [/already locked down/]);
    await api.fails('POST', '/api/lockdown/start', guard, { scope: 'zone', zoneId: 'lab' }, 400, [/reason/]);
    await api.fails('POST', '/api/lockdown/start', guard, { scope: 'building', reason: 'x' }, 400, [/scope must be one of: site, zone/]);
    await api.fails('POST', '/api/lockdown/start', guard, { scope: 'zone', reason: 'x' }, 400, [/zoneId is required/]);
    await api.fails('POST', '/api/lockdown/start', guard, { scope: 'zone', zoneId: 'nowhere', reason: 'x' }, 404, [/zone nowhere/]);
    await api.fails('POST', '/api/lockdown/end', guard, { scope: 'zone', zoneId: 'lab' }, 409, [/not locked down/]);
    await api.fails('POST', '/api/lockdown/start', guard, { scope: 'site', reason: 'x', extra: 1 }, 400, [/extra/]);
  });

  test('a zone lockdown reaches the agents with its zone; ending the site lockdown leaves the zone one', async () => {
    await api.ok('POST', '/api/lockdown/start', admin, { scope: 'zone', zoneId: 'lab', reason: 'chemical spill' }, 200);
    assert.deepEqual((await agentSet()).lockdown, { site: true, zoneIds: ['lab'] });
    const ended = await api.ok<LockdownView>('POST', '/api/lockdown/end', guard, { scope: 'site', reason: 'all clear' }, 200);
    assert.equal(ended.site, null);
    assert.deepEqual(
      ended.zones.map((z) => [z.zoneId, z.reason]),
      [['lab', 'chemical spill']],
    );
    assert.equal((await lastChange()).revokes, false, 'ending a lockdown gives access back: no priority needed');
    assert.deepEqual((await agentSet()).lockdown, { site: false, zoneIds: ['lab'] });
    await api.ok('POST', '/api/lockdown/end', guard, { scope: 'zone', zoneId: 'lab' }, 200);
    assert.equal((await agentSet()).lockdown, undefined, 'no lockdown: nothing in the set');
    assert.equal((await api.ok<LockdownView>('GET', '/api/lockdown', guard)).active, false);
  });

  test('an admin designates a card for lockdown; visitor cards cannot be; the agents receive the flag', async () => {
    const cards = await api.ok<CardView[]>('GET', '/api/cards', admin);
    const zhang = cards.find((c) => c.credential === 'em4100:3887558')!;
    const updated = await api.ok<CardView>('PATCH', `/api/cards/${zhang.id}`, admin, { lockdownAccess: true });
    assert.equal(updated.lockdownAccess, true);
    assert.equal((await agentSet()).cards.find((c) => c.cardId === zhang.id)!.lockdownAccess, true);
    const visitor = cards.find((c) => c.type === 'visitor')!;
    await api.fails('PATCH', `/api/cards/${visitor.id}`, admin, { lockdownAccess: true }, 400, [/visitor cards are never designated/]);
    await api.fails('PATCH', `/api/cards/${zhang.id}`, admin, { lockdownAccess: 'yes' }, 400, [/lockdownAccess must be true or false/]);
    await api.ok('PATCH', `/api/cards/${zhang.id}`, admin, { lockdownAccess: false });
    assert.equal((await lastChange()).revokes, true, 'withdrawing the designation takes access away');
  });

  test('L3 zones carry the two-person rule (new ones by default); an admin may switch it per zone', async () => {
    const zones = await api.ok<ZoneView[]>('GET', '/api/zones', admin);
    assert.equal(zones.find((z) => z.id === 'machine-room')!.twoPerson, true);
    assert.equal(zones.find((z) => z.id === 'lab')!.twoPerson, false);
    assert.equal((await agentSet()).zones.find((z) => z.id === 'machine-room')!.twoPerson, true);
    const vault = await api.ok<ZoneView>('POST', '/api/zones', admin, {
      id: 'vault',
      name: 'Vault',
      level: 3,
      parentId: 'office',
      ownerPersonId: zones.find((z) => z.id === 'machine-room')!.ownerPersonId,
    });
    assert.equal(vault.twoPerson, true);
    const off = await api.ok<ZoneView>('PATCH', '/api/zones/vault', admin, { twoPerson: false });
    assert.equal(off.twoPerson, false);
    await api.fails('PATCH', '/api/zones/vault', admin, { twoPerson: 1 }, 400, [/twoPerson must be true or false/]);
  });

  test('door rule settings: defaults, an admin change reaches the agents, bad values are named', async () => {
    const site = await api.ok<SiteView>('GET', '/api/site', guard);
    assert.deepEqual(site.doorRules, {
      escortWindowSec: 30,
      twoPersonWindowSec: 15,
      offlineLimitHours: { employee: null, contractor: null, temporary: 24, visitor: 12 },
    });
    assert.deepEqual((await agentSet()).rules, {
      escortWindowMs: 30_000,
      twoPersonWindowMs: 15_000,
      offlineLimitsMs: { temporary: 24 * 3_600_000, visitor: 12 * 3_600_000 },
    });
    const changed = await api.ok<SiteView>('PATCH', '/api/site', admin, {
      doorRules: { escortWindowSec: 45, offlineLimitHours: { visitor: 6, contractor: 72 } },
    });
    assert.equal(changed.doorRules.escortWindowSec, 45);
    assert.equal(changed.doorRules.offlineLimitHours.visitor, 6);
    assert.match((await lastChange()).reason, /door rules/);
    const rules = (await agentSet()).rules!;
    assert.equal(rules.escortWindowMs, 45_000);
    assert.equal(rules.offlineLimitsMs!.contractor, 72 * 3_600_000);
    await api.fails(
      'PATCH',
      '/api/site',
      admin,
      { doorRules: { escortWindowSec: 0, offlineLimitHours: { robot: 1, visitor: 0.5 }, colour: 'red' } },
      400,
      [
        /doorRules.escortWindowSec must be a whole number of seconds 1-600/,
        /doorRules.offlineLimitHours.robot: card types are/,
        /doorRules.offlineLimitHours.visitor must be whole hours/,
        /doorRules.colour: property colour should not exist/,
      ],
    );
  });
});
