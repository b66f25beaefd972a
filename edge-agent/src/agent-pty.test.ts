import { test } from '@jest/globals';
import { describeUnless, onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { findSocat, PtyPair, SimLineReader, SimPn532, SimRdm6300 } from '@acs/hardware-sim';
import type { AgentEvent } from '@acs/shared/mqtt/payloads';
import { startAgent, type AgentDecision, type RunningAgent } from './agent.js';
import { FakeServer, startBroker } from './test-support/broker.js';
import {
  captureLogger,
  card,
  demoPermissionSet,
  simAgentConfig,
  snapshot,
  TAG_EMPLOYEE,
  tempDir,
  until,
  waitFor,
} from './test-support/fixtures.js';

const socat = findSocat();
const skip = socat ? false : 'socat is not installed: the agent is not tested over real pseudo-terminals (apt-get install socat)';
if (skip) console.log(`# ${skip}`);

const UID = '04a1b2c3';

const SET = demoPermissionSet({
  doors: demoPermissionSet().doors.map((d) => ({ ...d, releaseMs: 3000 })),
  cards: [
    ...demoPermissionSet().cards,
    card({ credential: `uid:${UID}`, cardId: 'card-chip', grants: [{ zoneId: 'machine-room', scheduleId: null, validUntil: null }] }),
  ],
});

function nextDecision(agent: RunningAgent, readerId: string): Promise<AgentDecision> {
  return waitFor<AgentDecision>(
    (listener) => {
      agent.decisions.on('decision', listener);
      return () => agent.decisions.off('decision', listener);
    },
    (d) => d.readerId === readerId,
    10_000,
    `a decision from ${readerId}`,
  );
}

describeUnless(skip)("the agent's real serial path over pseudo-terminals (socat)", () => {
  test('RDM6300, line and PN532 readers decide over ptys; an unplugged reader reports reader_fault and reader_recovered while the others keep deciding', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const rdmLine = await PtyPair.create({ dir: dir.path, name: 'rdm6300' });
    onTestFinished(() => rdmLine.close());
    const wedgeLine = await PtyPair.create({ dir: dir.path, name: 'wedge' });
    onTestFinished(() => wedgeLine.close());
    const nfcLine = await PtyPair.create({ dir: dir.path, name: 'pn532', baudRate: 115200 });
    onTestFinished(() => nfcLine.close());
    const rdm = new SimRdm6300(rdmLine.device);
    const wedge = new SimLineReader(wedgeLine.device);
    const nfc = new SimPn532(nfcLine.device);
    onTestFinished(() => nfc.close());

    const broker = await startBroker();
    onTestFinished(() => broker.close());
    const server = await FakeServer.connect(broker.url);
    onTestFinished(() => server.close());
    // The readers use `driver: system`: serialport's native binding, as on a Pi.
    const config = simAgentConfig(dir.path, broker.url, {
      readers: [
        {
          id: 'office-gate-in',
          door: 'office-gate',
          direction: 'in',
          type: 'rdm6300',
          serial: { path: rdmLine.hostPath, driver: 'system' },
          debounceMs: 0,
        },
        {
          id: 'lab-in',
          door: 'lab',
          direction: 'in',
          type: 'line',
          serial: { path: wedgeLine.hostPath, driver: 'system' },
          format: 'em4100-decimal',
          debounceMs: 0,
        },
        {
          id: 'machine-room-in',
          door: 'machine-room',
          direction: 'in',
          type: 'pn532',
          serial: { path: nfcLine.hostPath, driver: 'system', baudRate: 115200 },
          pollIntervalMs: 50,
          ackTimeoutMs: 300,
          replyTimeoutMs: 1000,
          debounceMs: 0,
        },
      ],
    });
    const log = captureLogger();
    const agent = await startAgent(config, { log: log.logger });
    onTestFinished(() => agent.stop());
    const events: AgentEvent[] = [];
    agent.decisions.on('event', (e) => events.push(e));
    const count = (type: string, deviceId: string) =>
      events.filter((e) => e.kind === 'device' && e.type === type && e.deviceId === deviceId).length;
    /** Waits for one more `type` event of `deviceId` than there is now. */
    const another = (type: 'reader_fault' | 'reader_recovered', deviceId: string) => {
      const before = count(type, deviceId);
      return () => until(() => count(type, deviceId) > before, 10_000, `${type} of ${deviceId}`);
    };
    await server.waitFor('sync');
    await server.publish('permissions', snapshot(SET));
    await server.waitFor('applied');
    // First contact, or a recovery if a loaded machine made the first attempt time out.
    await until(
      () => log.find('reader machine-room-in polling', 'INFO').length + log.find('reader machine-room-in recovered', 'INFO').length > 0,
      10_000,
      'the PN532 to answer over its pty',
    );

    const badgeEm = async () => {
      const decided = nextDecision(agent, 'office-gate-in');
      assert.equal(await rdm.present(TAG_EMPLOYEE, { chunks: 2 }), true);
      return decided;
    };
    const badgeLine = async () => {
      const decided = nextDecision(agent, 'lab-in');
      assert.equal(await wedge.sendLine('0003887558'), true);
      return decided;
    };
    const badgeChip = async () => {
      await sleep(200); // the previous card has been out of the field for a few polls
      const decided = nextDecision(agent, 'machine-room-in');
      assert.equal(await nfc.present(UID, 800), true, 'a poll saw the card');
      return decided;
    };

    for (const decision of [await badgeEm(), await badgeLine(), await badgeChip()]) {
      assert.deepEqual([decision.decision.granted, decision.decision.reason], [true, 'granted'], decision.readerId);
    }
    assert.equal((await badgeChip()).read.credential, `uid:${UID}`, 'the card presented again is read again');

    // Pull the RDM6300's cable: a fault, and the other two readers keep deciding.
    let fault = another('reader_fault', 'office-gate-in');
    let recovered = another('reader_recovered', 'office-gate-in');
    await rdmLine.unplug();
    await fault();
    assert.equal((await badgeLine()).decision.granted, true, 'the line reader decides meanwhile');
    assert.equal((await badgeChip()).decision.granted, true, 'the PN532 decides meanwhile');
    await rdmLine.replug();
    await recovered();
    assert.equal((await badgeEm()).decision.granted, true, 'the RDM6300 reads again');

    // Pull the PN532 (it loses power with its cable): fault, recovery after a new wake-up.
    fault = another('reader_fault', 'machine-room-in');
    recovered = another('reader_recovered', 'machine-room-in');
    await nfcLine.unplug();
    nfc.reset();
    await fault();
    assert.equal((await badgeEm()).decision.granted, true);
    await sleep(100);
    await nfcLine.replug();
    await recovered();
    assert.equal((await badgeChip()).decision.granted, true, 'the PN532 reads again');

    // The line reader too.
    fault = another('reader_fault', 'lab-in');
    recovered = another('reader_recovered', 'lab-in');
    await wedgeLine.unplug();
    await fault();
    assert.equal((await badgeChip()).decision.granted, true);
    await wedgeLine.replug();
    await recovered();
    assert.equal((await badgeLine()).decision.granted, true, 'the line reader reads again');

    // The fault and recovery events reach the server like every event.
    const atServer = (type: string) =>
      new Set(
        server
          .events()
          .filter((e) => e.kind === 'device' && e.type === type)
          .map((e) => e.deviceId),
      );
    await until(
      () =>
        ['reader_fault', 'reader_recovered'].every((type) =>
          ['office-gate-in', 'machine-room-in', 'lab-in'].every((id) => atServer(type).has(id)),
        ),
      10_000,
      'the faults and recoveries of the three readers at the server',
    );
    const rdmFault = server.events().find((e) => e.kind === 'device' && e.type === 'reader_fault' && e.deviceId === 'office-gate-in');
    assert.match(rdmFault.detail, /^port_closed: /);
  }, 90_000);
});
