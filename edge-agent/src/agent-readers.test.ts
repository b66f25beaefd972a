import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import type { ReaderDirection } from '@acs/shared/access/model';
import { startAgent, type AgentDecision, type RunningAgent } from './agent.js';
import { brokerAndServer } from './test-support/broker.js';
import { captureLogger, card, demoPermissionSet, simAgentConfig, snapshot, TAG_EMPLOYEE, until, waitFor } from './test-support/fixtures.js';

/**
 * One reader of each type on simulated hardware, in front of the real agent: the
 * simulator speaks each reader's byte or pulse protocol, the agent's own reader code
 * decodes it, and the decision engine decides.
 */
const READERS = [
  {
    id: 'office-gate-in',
    door: 'office-gate',
    direction: 'in',
    type: 'rdm6300',
    serial: { path: 'sim/og-in', driver: 'sim' },
    debounceMs: 0,
  },
  {
    id: 'office-gate-out',
    door: 'office-gate',
    direction: 'out',
    type: 'line',
    serial: { path: 'sim/og-out', driver: 'sim' },
    format: 'em4100-decimal',
    debounceMs: 0,
  },
  {
    id: 'lab-in',
    door: 'lab',
    direction: 'in',
    type: 'pn532',
    serial: { path: 'sim/lab-in', driver: 'sim' },
    pollIntervalMs: 30,
    debounceMs: 0,
  },
  {
    id: 'machine-room-in',
    door: 'machine-room',
    direction: 'in',
    type: 'wiegand',
    wiegand: { d0Line: 12, d1Line: 13 },
    debounceMs: 0,
    feedback: {
      greenLed: { line: 16 },
      redLed: { line: 20 },
      buzzer: { line: 21, activeLow: true },
      grant: { ledMs: 300, buzzerMs: 50, beeps: 1 },
      deny: { ledMs: 300, buzzerMs: 30, beeps: 2 },
    },
  },
  // Two OSDP readers on one RS-485 line: the line decodes Corporate 1000 35-bit first, the
  // machine room's exit reader only H10301 (the same formats a Wiegand reader takes).
  {
    id: 'rs485-1',
    type: 'osdp',
    serial: { path: 'sim/rs485-1', driver: 'sim', baudRate: 115200 },
    wiegandFormats: ['corp1000-35', 'h10301'],
    devices: [
      { id: 'lab-out', door: 'lab', direction: 'out', address: 1, secureChannel: false },
      { id: 'machine-room-out', door: 'machine-room', direction: 'out', address: 2, secureChannel: false, wiegandFormats: ['h10301'] },
    ],
  },
];

const UID = '04a1b2c3';
const WIEGAND = { facility: 123, card: 4567 };

const SET = demoPermissionSet({
  doors: demoPermissionSet().doors.map((d) => ({ ...d, releaseMs: 3000 })),
  cards: [
    ...demoPermissionSet().cards,
    card({ credential: `uid:${UID}`, cardId: 'card-chip', grants: [{ zoneId: 'lab', scheduleId: null, validUntil: null }] }),
    card({
      credential: `h10301:${WIEGAND.facility}:${WIEGAND.card}`,
      cardId: 'card-prox',
      grants: [{ zoneId: 'machine-room', scheduleId: null, validUntil: null }],
    }),
  ],
});

function nextDecision(agent: RunningAgent, readerId: string): Promise<AgentDecision> {
  return waitFor<AgentDecision>(
    (listener) => {
      agent.decisions.on('decision', listener);
      return () => agent.decisions.off('decision', listener);
    },
    (d) => d.readerId === readerId,
    3000,
    `a decision from ${readerId}`,
  );
}

async function present(
  agent: RunningAgent,
  doorId: string,
  cardText: string,
  direction: ReaderDirection,
  readerId: string,
): Promise<AgentDecision> {
  const decided = nextDecision(agent, readerId);
  const result = await agent.hardware.sim!.present(doorId, cardText, direction);
  assert.equal(result.delivered, true, `the ${readerId} reader was listening`);
  return decided;
}

describe('the agent decides badges from every reader type', () => {
  test('RDM6300, line, PN532, Wiegand and OSDP readers on simulated hardware, with LED and buzzer feedback', async () => {
    const { dir, broker, server } = await brokerAndServer();
    const agent = await startAgent(simAgentConfig(dir.path, broker.url, { readers: READERS }), { log: captureLogger().logger });
    onTestFinished(() => agent.stop());
    await server.waitFor('sync');
    await server.publish('permissions', snapshot(SET));
    await server.waitFor('applied');
    const sim = agent.hardware.sim!;

    const em = await present(agent, 'office-gate', String(TAG_EMPLOYEE), 'in', 'office-gate-in');
    assert.deepEqual([em.read.credential, em.decision.granted, em.decision.reason], [`em4100:${TAG_EMPLOYEE}`, true, 'granted']);

    const line = await present(agent, 'office-gate', String(TAG_EMPLOYEE), 'out', 'office-gate-out');
    assert.deepEqual(
      [line.read.credential, line.doorId, line.event.direction, line.decision.granted],
      [`em4100:${TAG_EMPLOYEE}`, 'office-gate', 'out', true],
    );

    const chip = await present(agent, 'lab', UID, 'in', 'lab-in');
    assert.deepEqual([chip.read.credential, chip.decision.granted, chip.event.holder], [`uid:${UID}`, true, 'Zhang Wei']);
    assert.equal(sim.lockReleases('lab').length, 1);

    const prox = await present(agent, 'machine-room', `${WIEGAND.facility}:${WIEGAND.card}`, 'in', 'machine-room-in');
    assert.deepEqual([prox.read.credential, prox.decision.granted], ['h10301:123:4567', true]);
    assert.equal(sim.lockReleases('machine-room').length, 1);
    // The reader's green LED and one beep (buzzer active low) on the grant.
    await until(() => sim.gpio.outputWrites(16).some((w) => w.level === 1), 1000, 'the green LED');
    await until(() => sim.gpio.outputWrites(21).filter((w) => w.level === 0).length === 1, 1000, 'one beep');

    const unknown = await present(agent, 'machine-room', '1:1', 'in', 'machine-room-in');
    assert.deepEqual([unknown.read.credential, unknown.decision.granted, unknown.decision.reason], ['h10301:1:1', false, 'unknown_card']);
    assert.equal(sim.lockReleases('machine-room').length, 1, 'no release on the deny');
    await until(() => sim.gpio.outputWrites(20).some((w) => w.level === 1), 1000, 'the red LED');
    await until(() => sim.gpio.outputWrites(21).filter((w) => w.level === 0).length === 3, 1000, 'two more beeps');
    await until(() => sim.gpio.level(20) === 0 && sim.gpio.level(21) === 1, 1000, 'the deny pattern to end');

    // OSDP: RAW Wiegand data through the shared format table. The H10301 card reads as at the
    // GPIO Wiegand reader; the line's first format is Corporate 1000 35-bit.
    const osdp = await present(agent, 'machine-room', `${WIEGAND.facility}:${WIEGAND.card}`, 'out', 'machine-room-out');
    assert.deepEqual([osdp.read.credential, osdp.event.direction], ['h10301:123:4567', 'out']);
    const corporate = await present(agent, 'lab', '4000:123456', 'out', 'lab-out');
    assert.deepEqual(
      [corporate.read.credential, corporate.decision.granted, corporate.decision.reason],
      ['corp1000-35:4000:123456', false, 'unknown_card'],
    );

    // Every decision became an access event with the credential as read.
    await until(() => server.events().filter((e) => e.kind === 'access').length >= 7, 3000, 'seven access events');
    const credentials = server
      .events()
      .filter((e) => e.kind === 'access')
      .map((e) => (e as { credential: string }).credential);
    assert.deepEqual(credentials, [
      `em4100:${TAG_EMPLOYEE}`,
      `em4100:${TAG_EMPLOYEE}`,
      `uid:${UID}`,
      'h10301:123:4567',
      'h10301:1:1',
      'h10301:123:4567',
      'corp1000-35:4000:123456',
    ]);
  });
});
