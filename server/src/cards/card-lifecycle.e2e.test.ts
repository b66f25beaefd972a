import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { DataSource } from 'typeorm';
import type { CardHistoryView, CardTransitionResult, CardView } from '@acs/shared/api/cards';
import type { EventView } from '@acs/shared/api/events';
import type { ApiError, Page } from '@acs/shared/api/http';
import type { PersonView } from '@acs/shared/api/people';
import type { UserView } from '@acs/shared/api/users';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { ManualClock } from '../common/clock.js';
import { PermissionChangeEntity } from '../site/permission-change.entity.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { connectAgent, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

const DAY = 86_400_000;

describe('card lifecycle with separation of duties', () => {
  let t: TestServer;
  let api: ApiCaller;
  const clock = new ManualClock();
  let admin: string;
  let approver: string;
  let adminUser: UserView;
  let approverUser: UserView;
  let people: PersonView[];
  const person = (name: string) => people.find((p) => p.name.includes(name))!;

  const step = (id: string, token: string, to: string, note?: string) =>
    api.ok<CardTransitionResult>('POST', `/api/cards/${id}/transition`, token, { to, ...(note ? { note } : {}) }, 201);
  async function change(version: number): Promise<PermissionChangeEntity> {
    return t.server.app.get(DataSource).getRepository(PermissionChangeEntity).findOneByOrFail({ version });
  }

  beforeAll(async () => {
    t = await startTestServer({}, { clock });
    api = apiCaller(t);
    admin = await t.token('admin');
    approver = await t.token('approver');
    adminUser = await api.ok<UserView>('GET', '/api/auth/me', admin);
    approverUser = await api.ok<UserView>('GET', '/api/auth/me', approver);
    people = await api.ok<PersonView[]>('GET', '/api/people', admin);
  });
  afterAll(async () => {
    await t?.close();
  });

  test('a card number typed as FC:CN with its format becomes the canonical credential, and the card starts as a request', async () => {
    const card = await api.ok<CardView>('POST', '/api/cards', admin, {
      format: 'h10301',
      cardNumber: ' 123:4567 ',
      type: 'contractor',
      personId: person('Wang Qiang').id,
      note: 'new contract',
    });
    assert.equal(card.credential, 'h10301:123:4567');
    assert.equal(card.display, '123:4567');
    assert.equal(card.status, 'requested');
    assert.deepEqual(card.requestedBy, { id: adminUser.id, name: adminUser.displayName });
    assert.equal(card.approvedBy, null);
    const em = await api.ok<CardView>('POST', '/api/cards', admin, { format: 'em4100', cardNumber: '0012345678', type: 'temporary' });
    assert.equal(em.credential, 'em4100:12345678');
    assert.equal(em.display, '0012345678');
  });

  test('the requester cannot approve and the approver cannot issue; another admin can', async () => {
    const card = (await api.ok<CardView[]>('GET', `/api/cards?personId=${person('Wang Qiang').id}&status=requested`, admin))[0]!;
    const refused = await api.fails(
      'POST',
      `/api/cards/${card.id}/transition`,
      admin,
      { to: 'approved' },
      403,
      [/you requested card 123:4567; someone else must approve it/],
      'separation_of_duties',
    );
    assert.equal(refused.statusCode, 403);
    const approved = await step(card.id, approver, 'approved');
    assert.deepEqual(approved.card.approvedBy, { id: approverUser.id, name: approverUser.displayName });
    await api.fails(
      'POST',
      `/api/cards/${card.id}/transition`,
      approver,
      { to: 'issued' },
      403,
      [/you approved card 123:4567; someone else must issue it/],
      'separation_of_duties',
    );
    await api.fails('PATCH', `/api/cards/${card.id}`, approver, { status: 'issued' }, 403, [], 'separation_of_duties');
    const issued = await step(card.id, admin, 'issued');
    assert.deepEqual(issued.card.issuedBy, { id: adminUser.id, name: adminUser.displayName });
    assert.equal(issued.card.status, 'issued');
  });

  test('activation gives the card its type default validity, counted from the activation', async () => {
    const card = (await api.ok<CardView[]>('GET', `/api/cards?personId=${person('Wang Qiang').id}&status=issued`, admin))[0]!;
    clock.advance(60_000);
    const active = await step(card.id, approver, 'active', 'handed over at reception');
    assert.equal(active.card.status, 'active');
    assert.equal(active.card.validUntil, clock.now() + 180 * DAY);
    assert.equal(active.card.statusChangedAt, clock.now());
    const recorded = await change(active.permissionVersion);
    assert.equal(recorded.revokes, false);
    assert.deepEqual(JSON.parse(recorded.cardIds), [card.id]);
    assert.equal(recorded.actorUserId, approverUser.id);
  });

  test('illegal transitions are 409 and list the allowed ones; closed cards never come back', async () => {
    const requested = await api.ok<CardView>('POST', '/api/cards', admin, {
      credential: 'uid:04a1b2c3d4',
      type: 'employee',
      personId: person('Zhao Min').id,
    });
    await api.fails(
      'POST',
      `/api/cards/${requested.id}/transition`,
      approver,
      { to: 'active' },
      409,
      [/card 04A1B2C3D4 is requested; it can go to: approved, revoked, destroyed \(not active\)/],
      'conflict',
    );
    await api.fails('POST', `/api/cards/${requested.id}/transition`, approver, { to: 'issued' }, 409, [
      /it can go to: approved, revoked, destroyed/,
    ]);
    await step(requested.id, approver, 'revoked', 'not needed after all');
    await api.fails('POST', `/api/cards/${requested.id}/transition`, approver, { to: 'approved' }, 409, [
      /is revoked; it can go to: destroyed/,
    ]);
    await step(requested.id, approver, 'destroyed');
    await api.fails('POST', `/api/cards/${requested.id}/transition`, approver, { to: 'active' }, 409, [
      /is destroyed; nothing follows destroyed/,
    ]);
    await api.fails('PATCH', `/api/cards/${requested.id}`, admin, { status: 'active' }, 409);
  });

  test('suspending or losing an active card is a revocation; a lost card stays lost and is replaced by a new request', async () => {
    const cards = await api.ok<CardView[]>('GET', '/api/cards?status=active', admin);
    const zhang = cards.find((c) => c.credential === 'em4100:3887558')!;
    const suspended = await step(zhang.id, admin, 'suspended', 'investigation');
    assert.equal((await change(suspended.permissionVersion)).revokes, true);
    const back = await step(zhang.id, admin, 'active');
    assert.equal((await change(back.permissionVersion)).revokes, false);
    const lost = await step(zhang.id, admin, 'lost', 'reported by phone');
    const recorded = await change(lost.permissionVersion);
    assert.equal(recorded.revokes, true, 'a lost card is revoked at once');
    assert.equal(recorded.reason, `card ${zhang.id} active → lost`);
    await api.fails('POST', `/api/cards/${zhang.id}/transition`, admin, { to: 'active' }, 409, [
      /is lost; it can go to: returned, destroyed/,
    ]);
    await api.fails('POST', `/api/cards/${zhang.id}/replacement`, admin, { credential: 'em4100:3887558' }, 409, [/already in use/]);

    const replacement = await api.ok<CardView>('POST', `/api/cards/${zhang.id}/replacement`, admin, {
      format: 'em4100',
      cardNumber: '0003887559',
    });
    assert.equal(replacement.status, 'requested');
    assert.equal(replacement.replacesCardId, zhang.id);
    assert.equal(replacement.personId, zhang.personId);
    assert.equal(replacement.type, 'employee');
    const other = cards.find((c) => c.credential === 'em4100:1234567')!;
    await api.fails('POST', `/api/cards/${other.id}/replacement`, admin, { credential: 'em4100:42' }, 409, [
      /is active; only a lost or destroyed card is replaced/,
    ]);
  });

  test('the history names each step, its actor and note; employees read only their own cards', async () => {
    const zhang = (await api.ok<CardView[]>('GET', '/api/cards', admin)).find((c) => c.credential === 'em4100:3887558')!;
    const history = await api.ok<CardHistoryView[]>('GET', `/api/cards/${zhang.id}/history`, admin);
    assert.deepEqual(
      history.map((h) => [h.from, h.to, h.actor?.id, h.note]),
      [
        ['active', 'suspended', adminUser.id, 'investigation'],
        ['suspended', 'active', adminUser.id, null],
        ['active', 'lost', adminUser.id, 'reported by phone'],
      ],
    );
    const employee = await t.token('zhangwei');
    assert.equal((await api.ok<CardHistoryView[]>('GET', `/api/cards/${zhang.id}/history`, employee)).length, 3);
    const mine = await api.ok<CardView[]>('GET', '/api/cards', employee);
    assert.ok(mine.length >= 2 && mine.every((c) => c.personId === zhang.personId));
    const liNaCard = (await api.ok<CardView[]>('GET', '/api/cards', admin)).find((c) => c.credential === 'em4100:1234567')!;
    await api.fails('GET', `/api/cards/${liNaCard.id}/history`, employee, undefined, 403);
    await api.fails('GET', `/api/cards/${liNaCard.id}`, employee, undefined, 403);
    await api.fails('GET', `/api/cards?personId=${liNaCard.personId}`, employee, undefined, 403);
    await api.fails('GET', '/api/cards/no-such-card/history', admin, undefined, 404);
  });

  test('one physical card, one holder: a handed-over card changes hands only by return and a new request', async () => {
    const liNaCard = (await api.ok<CardView[]>('GET', '/api/cards', admin)).find((c) => c.credential === 'em4100:1234567')!;
    await api.fails('PATCH', `/api/cards/${liNaCard.id}`, admin, { personId: person('Zhao Min').id }, 409, [
      /return it and request a new card for another holder/,
    ]);
    await api.fails('POST', '/api/cards', admin, { credential: 'em4100:1234567', type: 'employee' }, 409, [/already in use/]);
    await api.fails('POST', '/api/cards', admin, { format: 'em4100', cardNumber: '1234567', type: 'employee' }, 409, [/already in use/]);
  });

  test('a lost card presented later is stored with reason card_lost and found with GET /api/events?reason=card_lost', async () => {
    const agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    try {
      const zhang = person('Zhang Wei');
      const base = {
        agentId: 'agent-1',
        kind: 'access',
        doorId: 'lab',
        readerId: 'lab-in',
        direction: 'in',
        zoneId: 'lab',
        credential: 'em4100:3887558',
        cardId: null,
        personId: zhang.id,
        holder: zhang.name,
        permissionVersion: 9,
      };
      await agent.publishAsync(
        agentTopic('agent-1', 'events'),
        JSON.stringify({
          events: [
            { ...base, eventId: randomUUID(), seq: 1, occurredAt: Date.now(), granted: false, reason: 'card_lost' },
            { ...base, eventId: randomUUID(), seq: 2, occurredAt: Date.now(), granted: false, reason: 'no_permission' },
          ],
        }),
        { qos: 1 },
      );
      const guard = await t.token('guard');
      const found = await waitFor(async () => {
        const page = await api.ok<Page<EventView>>('GET', '/api/events?reason=card_lost', guard);
        return page.items.length ? page.items : null;
      }, 'the card_lost event');
      assert.deepEqual(
        found.map((e) => [e.reason, e.granted, e.credentialDisplay]),
        [['card_lost', false, '0003887558']],
      );
      await api.fails('GET', '/api/events?reason=stolen', guard, undefined, 400, [/reason must be a reason code/]);
    } finally {
      await agent.endAsync();
    }
  });

  test('bad card input is refused with a readable reason and changes nothing', async () => {
    const before = (await api.ok<CardView[]>('GET', '/api/cards', admin)).length;
    const id = (await api.ok<CardView[]>('GET', '/api/cards?status=active', admin))[0]!.id;
    await api.fails('POST', '/api/cards', admin, { type: 'employee' }, 400, [/credential must be a credential such as/]);
    await api.fails('POST', '/api/cards', admin, { credential: 'em4100:5', format: 'em4100', cardNumber: '6', type: 'employee' }, 400, [
      /either credential, or format and cardNumber, not both/,
    ]);
    await api.fails('POST', '/api/cards', admin, { format: 'h10301', type: 'employee' }, 400, [/cardNumber must be a string/]);
    await api.fails('POST', '/api/cards', admin, { cardNumber: '1:2', type: 'employee' }, 400, [/format must be one of: em4100, h10301/]);
    await api.fails('POST', '/api/cards', admin, { format: 'h10301', cardNumber: '300:1', type: 'employee' }, 400, [
      /facility code of h10301 is 0-255/,
    ]);
    await api.fails('POST', '/api/cards', admin, { format: 'wiegand', cardNumber: '1:1', type: 'employee' }, 400, [
      /format must be one of/,
    ]);
    await api.fails('POST', '/api/cards', admin, { credential: 'em4100:77', type: 'visitor', levelCeilingOverride: 3 }, 400, [
      /only contractor and temporary cards carry a recorded exception/,
    ]);
    await api.fails('POST', '/api/cards', admin, { credential: 'em4100:77', type: 'employee', validFrom: 2000, validUntil: 1000 }, 400, [
      /validUntil must be after validFrom/,
    ]);
    await api.fails('POST', '/api/cards', admin, { credential: 'em4100:77', type: 'employee', personId: 'nobody' }, 400, [
      /no person nobody/,
    ]);
    await api.fails('POST', `/api/cards/${id}/transition`, admin, { to: 'stolen' }, 400, [/to must be one of: requested, approved/]);
    await api.fails('POST', `/api/cards/${id}/transition`, admin, {}, 400, [/to must be one of/]);
    await api.fails('POST', `/api/cards/${id}/transition`, admin, { to: 'suspended', note: '' }, 400, [
      /note must be longer than or equal to 1/,
    ]);
    await api.fails('POST', '/api/cards/no-such-card/transition', admin, { to: 'suspended' }, 404);
    await api.fails('POST', `/api/cards/${id}/replacement`, admin, { cardNumber: 'x' }, 400, [/format must be one of/]);
    await api.fails('GET', '/api/cards?status=happy', admin, undefined, 400, [/status must be one of/]);
    const body = await t.request<ApiError>('POST', `/api/cards/${id}/transition`, { token: admin, rawBody: '{"to":' });
    assert.equal(body.status, 400);
    assert.equal((await api.ok<CardView[]>('GET', '/api/cards', admin)).length, before);
  });

  test('only admins move cards through the lifecycle', async () => {
    const id = (await api.ok<CardView[]>('GET', '/api/cards?status=active', admin))[0]!.id;
    for (const user of ['guard', 'zhangwei', 'auditor'] as const) {
      const token = await t.token(user);
      await api.fails('POST', `/api/cards/${id}/transition`, token, { to: 'suspended' }, 403, [], 'forbidden');
      await api.fails('POST', `/api/cards/${id}/replacement`, token, { credential: 'em4100:99' }, 403, [], 'forbidden');
      await api.fails('POST', '/api/cards', token, { credential: 'em4100:99', type: 'employee' }, 403, [], 'forbidden');
    }
  });
});
