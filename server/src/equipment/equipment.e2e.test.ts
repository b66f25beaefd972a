import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { AlertView } from '@acs/shared/api/alerts';
import type { CheckpointDecision, EquipmentView, GatePassView, MovementView, SealView } from '@acs/shared/api/equipment';
import type { PersonView } from '@acs/shared/api/people';
import { AlertsService } from '../alerts/alerts.service.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';
import { GatePassOverdueService } from '../gate-passes/gate-pass-overdue.service.js';
import { MovementEntity } from './equipment.entity.js';

const DAY = 86_400_000;

describe('equipment and media: register, gate passes, checkpoint, seals, repair', () => {
  let t: TestServer;
  let api: ApiCaller;
  let admin: string;
  let approver: string;
  let guard: string;
  let employee: string;
  let ownerId: string;
  const checkpoint = (body: Record<string, unknown>) => api.ok<CheckpointDecision>('POST', '/api/equipment/checkpoint', guard, body, 200);
  const alerts = async () => {
    await t.server.app.get(AlertsService).idle();
    return api.ok<AlertView[]>('GET', '/api/alerts', guard);
  };

  beforeAll(async () => {
    t = await startTestServer();
    api = apiCaller(t);
    admin = await t.token('admin');
    approver = await t.token('approver');
    guard = await t.token('guard');
    employee = await t.token('zhangwei');
    ownerId = (await api.ok<PersonView[]>('GET', '/api/people', admin)).find((p) => p.name.includes('Zhang Wei'))!.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  test('register: asset tags are unique, storage media always store data, bad input is refused', async () => {
    const laptop = await api.ok<EquipmentView>('POST', '/api/equipment', guard, {
      assetTag: 'eq-t-0001',
      serial: 'PF-1',
      kind: 'equipment',
      description: 'ThinkPad X1',
      ownerPersonId: ownerId,
      homeZoneId: 'lab',
      storesData: true,
    });
    assert.equal(laptop.assetTag, 'EQ-T-0001');
    assert.equal(laptop.status, 'in_service');
    const usb = await api.ok<EquipmentView>('POST', '/api/equipment', guard, {
      assetTag: 'USB-T7',
      kind: 'storage_medium',
      description: 'Kingston 64 GB',
      storesData: false,
    });
    assert.equal(usb.storesData, true);
    await api.fails('POST', '/api/equipment', guard, { assetTag: 'EQ-T-0001', kind: 'equipment', description: 'again' }, 409, [
      /already registered/,
    ]);
    await api.fails('POST', '/api/equipment', guard, { assetTag: 'bad tag!', kind: 'equipment', description: 'x' }, 400, [/assetTag/]);
    await api.fails('POST', '/api/equipment', guard, { assetTag: 'X-1', kind: 'spaceship', description: 'x' }, 400, [
      /kind must be one of/,
    ]);
    await api.fails('POST', '/api/equipment', guard, { assetTag: 'X-1', kind: 'equipment', description: 'x', homeZoneId: 'nowhere' }, 400, [
      /zone nowhere/,
    ]);
    await api.fails('POST', '/api/equipment', employee, { assetTag: 'X-1', kind: 'equipment', description: 'x' }, 403);
  });

  test('a gate pass from request to return: approved by someone else, checked at the checkpoint both ways', async () => {
    const pass = await api.ok<GatePassView>('POST', '/api/gate-passes', employee, {
      assetTag: 'EQ-T-0001',
      type: 'returnable',
      reason: 'Customer demo',
      expectedReturnAt: Date.now() + 2 * DAY,
    });
    assert.equal(pass.status, 'requested');
    assert.match(pass.number, /^GP-\d{6}$/);
    // At the checkpoint before approval: stop, and why.
    const early = await checkpoint({ assetTag: 'eq-t-0001', passNumber: pass.number, direction: 'out' });
    assert.equal(early.decision, 'stop');
    assert.equal(early.reason, 'pass_not_approved');
    // Approver is never the requester.
    const own = await api.ok<GatePassView>('POST', '/api/gate-passes', admin, {
      assetTag: 'USB-T7',
      type: 'non_returnable',
      reason: 'Give to auditor',
    });
    await api.fails('POST', `/api/gate-passes/${own.id}/decision`, admin, { decision: 'approved' }, 403, [/someone other/]);
    await api.fails('POST', `/api/gate-passes/${pass.id}/decision`, guard, { decision: 'approved' }, 403);
    const approved = await api.ok<GatePassView>(
      'POST',
      `/api/gate-passes/${pass.id}/decision`,
      admin,
      { decision: 'approved', note: 'ok' },
      200,
    );
    assert.equal(approved.approvedBy, 'Admin 管理员');
    assert.equal((await checkpoint({ assetTag: 'EQ-T-0001', direction: 'out' })).reason, 'no_pass');
    assert.equal((await checkpoint({ assetTag: 'EQ-T-0001', passNumber: own.number, direction: 'out' })).reason, 'pass_not_for_item');
    assert.equal((await checkpoint({ assetTag: 'NOPE-1', passNumber: pass.number, direction: 'out' })).reason, 'unknown_item');
    const out = await checkpoint({ assetTag: 'EQ-T-0001', passNumber: pass.number, direction: 'out' });
    assert.equal(out.decision, 'allow');
    assert.equal(out.equipment!.status, 'off_site');
    assert.equal((await checkpoint({ assetTag: 'EQ-T-0001', passNumber: pass.number, direction: 'out' })).reason, 'pass_used');
    assert.ok((await alerts()).some((a) => a.type === 'equipment_stopped'));
    const back = await checkpoint({ assetTag: 'EQ-T-0001', direction: 'in' });
    assert.equal(back.decision, 'allow');
    assert.equal(back.reason, 'return_recorded');
    assert.equal(back.pass!.status, 'returned');
    assert.equal(back.equipment!.status, 'in_service');
    assert.equal((await checkpoint({ assetTag: 'EQ-T-0001', direction: 'in' })).reason, 'item_not_out');
  });

  test('an overdue returnable pass raises an alert once', async () => {
    const pass = await api.ok<GatePassView>('POST', '/api/gate-passes', employee, {
      assetTag: 'EQ-T-0001',
      type: 'returnable',
      reason: 'Trade fair',
      expectedReturnAt: Date.now() + DAY,
    });
    await api.ok('POST', `/api/gate-passes/${pass.id}/decision`, approver, { decision: 'approved' }, 200);
    await checkpoint({ assetTag: 'EQ-T-0001', passNumber: pass.number, direction: 'out' });
    const service = t.server.app.get(GatePassOverdueService);
    assert.equal(await service.checkOverdue(Date.now() + 2 * DAY), 1);
    assert.equal(await service.checkOverdue(Date.now() + 3 * DAY), 0);
    assert.ok((await alerts()).some((a) => a.type === 'equipment_overdue' && a.detail!.includes('EQ-T-0001')));
    const passes = await api.ok<GatePassView[]>('GET', '/api/gate-passes?status=out', guard);
    assert.ok(passes.some((p) => p.id === pass.id));
    await checkpoint({ assetTag: 'EQ-T-0001', direction: 'in' });
  });

  test('repair: leaves only with a recorded wipe or storage removal, returns to service only after a seal/tamper check', async () => {
    const pass = await api.ok<GatePassView>('POST', '/api/gate-passes', employee, {
      assetTag: 'EQ-T-0001',
      type: 'repair',
      reason: 'Broken screen',
      expectedReturnAt: Date.now() + 5 * DAY,
    });
    await api.ok('POST', `/api/gate-passes/${pass.id}/decision`, admin, { decision: 'approved' }, 200);
    assert.equal(
      (await checkpoint({ assetTag: 'EQ-T-0001', passNumber: pass.number, direction: 'out' })).reason,
      'repair_without_data_handling',
    );
    await api.fails('POST', `/api/gate-passes/${pass.id}/data-handling`, employee, { dataHandling: 'wiped' }, 400, [/note/]);
    await api.ok(
      'POST',
      `/api/gate-passes/${pass.id}/data-handling`,
      employee,
      { dataHandling: 'storage_removed', note: 'SSD kept in safe B2' },
      200,
    );
    assert.equal((await checkpoint({ assetTag: 'EQ-T-0001', passNumber: pass.number, direction: 'out' })).equipment!.status, 'in_repair');
    const back = await checkpoint({ assetTag: 'EQ-T-0001', direction: 'in' });
    assert.equal(back.equipment!.status, 'awaiting_check');
    const item = back.equipment!;
    // No intact seal on record: a seal check is impossible, a tamper check is recorded instead.
    await api.fails('POST', `/api/equipment/${item.id}/return-to-service`, guard, { check: 'intact', note: 'looked fine' }, 409, [
      /no intact seal/,
    ]);
    await api.fails('POST', `/api/equipment/${item.id}/return-to-service`, guard, { check: 'tamper_free' }, 400, [/note/]);
    const ok = await api.ok<EquipmentView>(
      'POST',
      `/api/equipment/${item.id}/return-to-service`,
      guard,
      { check: 'tamper_free', note: 'Case screws and labels untouched' },
      200,
    );
    assert.equal(ok.status, 'in_service');
  });

  test('seals: applied, inspected, a broken one raises an alert, replaced', async () => {
    const seal = await api.ok<SealView>('POST', '/api/seals', guard, { number: 's-100', assetTag: 'EQ-T-0001' });
    assert.equal(seal.number, 'S-100');
    assert.equal(seal.appliedBy, 'Guard 保安');
    await api.fails('POST', '/api/seals', guard, { number: 'S-100', location: 'Rack 4' }, 409, [/already on record/]);
    await api.fails('POST', '/api/seals', guard, { number: 'S-101' }, 400, [/assetTag\) or at a location/]);
    const intact = await api.ok<SealView>('POST', `/api/seals/${seal.id}/inspect`, guard, { result: 'intact' }, 200);
    assert.ok(intact.lastInspectedAt);
    const broken = await api.ok<SealView>(
      'POST',
      `/api/seals/${seal.id}/inspect`,
      guard,
      { result: 'broken', note: 'torn at the corner' },
      200,
    );
    assert.equal(broken.status, 'broken');
    const raised = (await alerts()).find((a) => a.type === 'seal_broken');
    assert.ok(raised);
    assert.equal(raised.severity, 'critical');
    const replacement = await api.ok<SealView>(
      'POST',
      `/api/seals/${seal.id}/replace`,
      guard,
      { newNumber: 'S-102', note: 'after inspection of contents' },
      200,
    );
    assert.equal(replacement.status, 'intact');
    const seals = await api.ok<SealView[]>('GET', '/api/seals', guard);
    assert.equal(seals.find((s) => s.id === seal.id)!.status, 'replaced');
  });

  test('unregistered media into L2/L3 is a violation; registered media and lower zones are recorded', async () => {
    const violation = await api.ok<{ decision: string; violation: boolean }>(
      'POST',
      '/api/equipment/media-check',
      guard,
      { description: 'Red USB stick', zoneId: 'lab', personId: ownerId },
      200,
    );
    assert.equal(violation.violation, true);
    assert.ok((await alerts()).some((a) => a.type === 'media_unregistered'));
    const registered = await api.ok<{ violation: boolean }>(
      'POST',
      '/api/equipment/media-check',
      guard,
      { assetTag: 'usb-t7', description: 'Kingston', zoneId: 'machine-room' },
      200,
    );
    assert.equal(registered.violation, false);
    const low = await api.ok<{ violation: boolean }>(
      'POST',
      '/api/equipment/media-check',
      guard,
      { description: 'SD card', zoneId: 'office' },
      200,
    );
    assert.equal(low.violation, false);
    await api.fails('POST', '/api/equipment/media-check', guard, { description: 'x', zoneId: 'nowhere' }, 400, [/zone nowhere/]);
  });

  test('every movement is appended with the item as it was then', async () => {
    const [item] = await api.ok<EquipmentView[]>('GET', '/api/equipment?q=EQ-T-0001', guard);
    await api.ok('PATCH', `/api/equipment/${item!.id}`, guard, { description: 'ThinkPad X1 (new screen)' });
    const moves = await api.ok<MovementView[]>('GET', `/api/equipment/movements?equipmentId=${item!.id}&limit=1000`, guard);
    const kinds = moves.map((m) => m.kind);
    for (const kind of [
      'registered',
      'pass_requested',
      'pass_approved',
      'exit',
      'return',
      'stopped',
      'returned_to_service',
      'seal_applied',
      'seal_inspected',
      'seal_replaced',
      'updated',
    ]) {
      assert.ok(kinds.includes(kind as MovementView['kind']), kind);
    }
    const first = moves.at(-1)!;
    assert.equal(first.kind, 'registered');
    assert.equal(first.itemSnapshot!.description, 'ThinkPad X1');
    assert.equal(moves[0]!.itemSnapshot!.description, 'ThinkPad X1 (new screen)');
    // Sequence numbers only grow: the log is appended to, never rewritten.
    const seqs = moves.map((m) => m.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => b - a),
    );
    assert.equal(
      await t.dataSource().getRepository(MovementEntity).count(),
      (await api.ok<MovementView[]>('GET', '/api/equipment/movements?limit=1000', guard)).length,
    );
  });

  test("the equipment and media log as CSV keeps each row's description as it was", async () => {
    const res = await t.request<string>('GET', `/api/reports/movements.csv?from=${Date.now() - 86_400_000}&to=${Date.now() + 1000}`, {
      token: admin,
    });
    assert.equal(res.status, 200);
    const lines = String(res.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.match(lines[0]!, /^Seq,Time \(Asia\/Shanghai\),Event,Asset tag,Description \(then\)/);
    assert.ok(lines.some((l) => /,registered,EQ-T-0001,ThinkPad X1,/.test(l)));
    assert.ok(lines.some((l) => /,updated,EQ-T-0001,ThinkPad X1 \(new screen\),/.test(l)));
    assert.ok(lines.some((l) => /,media_violation,,Red USB stick,stop,/.test(l)));
  });
});
