/**
 * The agent with a simulated OSDP reader (in-process RS-485 line): the readers report,
 * provisioning window and key installation from the server's commands, a badge decided
 * at the OSDP reader with LED feedback, and the key-reset alert.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import type { ReadersReport } from '@acs/shared/readers/reader-report';
import { startAgent, type AgentDecision } from './agent.js';
import { LocalStore } from './store/local-store.js';
import { brokerAndServer } from './test-support/broker.js';
import { captureLogger, card, demoPermissionSet, simAgentConfig, snapshot, until, waitFor } from './test-support/fixtures.js';
import { osdpRecordKey, type OsdpReaderRecord } from './readers/osdp/osdp-reader.js';
import { LED_COLOR } from './readers/osdp/osdp-protocol.js';

const WIEGAND_CARD = 'h10301:123:4567';

describe('edge agent with an OSDP reader', () => {
  test('reports the reader, installs its key on the server’s command, decides a badge presented at it, and alerts on a key reset', async () => {
    const { dir, broker, server } = await brokerAndServer();
    const log = captureLogger();
    const base = simAgentConfig(dir.path, broker.url);
    const config = simAgentConfig(dir.path, broker.url, {
      readers: [
        ...base.readers,
        {
          id: 'rs485-1',
          type: 'osdp',
          serial: { path: 'sim/rs485-1', driver: 'sim', baudRate: 115200 },
          timing: { handshakeRetryMs: 300 },
          devices: [{ id: 'office-gate-out', door: 'office-gate', direction: 'out', address: 1 }],
        },
      ],
    });
    const agent = await startAgent(config, { log: log.logger, mqtt: { reconnectPeriodMs: 100, reconnectMaxMs: 1000 } });
    let stopped = false;
    onTestFinished(() => (stopped ? undefined : agent.stop()));
    const pd = agent.hardware.sim!.osdpReader('office-gate-out');

    // The readers report: every reader, the OSDP one with its identity, waiting for a key.
    const lastReport = () => server.received('readers').at(-1)?.payload as ReadersReport | undefined;
    const report = await server.waitFor('readers', (r: ReadersReport) =>
      r.readers.some(
        (e) => e.readerId === 'office-gate-out' && e.online && e.osdp?.identity !== null && e.osdp?.secureChannel === 'awaiting_key',
      ),
    );
    assert.deepEqual(
      (report as ReadersReport).readers.map((r) => [r.readerId, r.type]),
      [
        ['office-gate-in', 'rdm6300'],
        ['lab-in', 'rdm6300'],
        ['machine-room-in', 'rdm6300'],
        ['office-gate-out', 'osdp'],
      ],
    );

    // The server opens a provisioning window, then sends the key.
    const windowId = randomUUID();
    await server.publish('commands', {
      command: 'reader-provisioning-window',
      commandId: windowId,
      readerId: 'office-gate-out',
      durationMs: 60_000,
    });
    await server.waitFor('readers', (r: ReadersReport) => r.results.some((x) => x.commandId === windowId && x.status === 'done'));
    const key = 'c0c1c2c3c4c5c6c7c8c9cacbcccdcecf';
    const keyCommand = randomUUID();
    await server.publish('commands', { command: 'reader-key', commandId: keyCommand, readerId: 'office-gate-out', keyId: 'key-1', key });
    await server.waitFor('readers', (r: ReadersReport) => r.results.some((x) => x.commandId === keyCommand && x.status === 'done'), 8000);
    assert.equal(pd.key?.toString('hex'), key);
    await until(
      () => lastReport()?.readers.find((e) => e.readerId === 'office-gate-out')?.osdp?.secureChannel === 'secure',
      5000,
      'secure',
    );
    const entry = lastReport()!.readers.find((e) => e.readerId === 'office-gate-out')!;
    assert.equal(entry.osdp?.keyId, 'key-1');
    assert.ok(entry.osdp.keyInstalledAt! > 0);
    assert.ok(!JSON.stringify(server.received('readers')).includes(key), 'the key never travels in a report');

    // A command for a reader that cannot take it fails with a reason.
    const refused = randomUUID();
    await server.publish('commands', { command: 'reader-provisioning-window', commandId: refused, readerId: 'lab-in', durationMs: 1000 });
    const failed = await server.waitFor('readers', (r: ReadersReport) => r.results.some((x) => x.commandId === refused));
    assert.match((failed as ReadersReport).results.find((x) => x.commandId === refused)!.error!, /not an OSDP reader/);

    // A badge at the OSDP exit reader of the office gate, decided from the permission set.
    const set = demoPermissionSet({
      cards: [card({ credential: WIEGAND_CARD, grants: [{ zoneId: 'lobby', scheduleId: null, validUntil: null }] })],
    });
    await server.publish('permissions', snapshot(set));
    await server.waitFor('applied');
    const decided = waitFor<AgentDecision>(
      (listener) => {
        agent.decisions.on('decision', listener);
        return () => agent.decisions.off('decision', listener);
      },
      (d) => d.readerId === 'office-gate-out',
      5000,
      'a decision at the OSDP reader',
    );
    assert.deepEqual(await agent.hardware.sim!.present('office-gate', '123:4567', 'out'), { display: '123:4567', delivered: true });
    const decision = await decided;
    assert.deepEqual(
      [decision.event.credential, decision.event.direction, decision.decision.granted, decision.decision.reason],
      [WIEGAND_CARD, 'out', true, 'granted'],
    );
    assert.equal(agent.hardware.sim!.lockReleases('office-gate').length, 1);
    await until(() => pd.led()?.temporary?.onColor === LED_COLOR.GREEN, 3000, 'the green LED at the reader');

    // The reader loses its key: an alert (device event), no re-key.
    pd.keyReset();
    await until(
      () => server.events().some((e) => e.kind === 'device' && e.type === 'reader_key_reset' && e.deviceId === 'office-gate-out'),
      5000,
      'the alert event',
    );
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(pd.keysets, 1, 'only the KEYSET the server asked for');
    assert.equal(server.events().filter((e) => e.type === 'reader_key_reset').length, 1);

    // The key is in the agent's local store, not in the configuration or the log.
    await agent.stop();
    stopped = true;
    const store = await LocalStore.open(dir.path);
    const record = JSON.parse((await store.readSetting(osdpRecordKey('office-gate-out')))!) as OsdpReaderRecord;
    await store.close();
    assert.deepEqual([record.scbk, record.keyId], [key, 'key-1']);
    assert.ok(!log.lines.some((l) => l.includes(key)), 'never logged');
    assert.ok(!JSON.stringify(config).includes(key));
    const storeFile = await readFile(store.file);
    assert.ok(storeFile.length > 0);
  });
});
