import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { join } from 'node:path';
import { runSimCli } from '@acs/hardware-sim';
import { startAgent } from './agent.js';
import { brokerAndServer } from './test-support/broker.js';
import { captureLogger, card, demoPermissionSet, simAgentConfig, snapshot } from './test-support/fixtures.js';

describe('acs-sim badge learns the reader type of the door', () => {
  test('--card 123:4567 at a Wiegand door, --card 04a1b2c3 at a PN532 door, 3887558 at an EM line reader, clear errors otherwise', async () => {
    const { dir, broker, server } = await brokerAndServer();
    const config = simAgentConfig(join(dir.path, 'agent-1'), broker.url, {
      sim: { controlServer: true },
      readers: [
        {
          id: 'office-gate-in',
          door: 'office-gate',
          direction: 'in',
          type: 'wiegand',
          wiegand: { d0Line: 12, d1Line: 13, formats: ['h10306', 'h10301'] },
        },
        { id: 'lab-in', door: 'lab', direction: 'in', type: 'pn532', serial: { path: 'sim/lab-in', driver: 'sim' }, pollIntervalMs: 50 },
        {
          id: 'machine-room-in',
          door: 'machine-room',
          direction: 'in',
          type: 'line',
          serial: { path: 'sim/mr-in', driver: 'sim' },
          format: 'em4100-decimal',
        },
      ],
    });
    const agent = await startAgent(config, { log: captureLogger().logger });
    onTestFinished(() => agent.stop());
    await server.waitFor('sync');
    const set = demoPermissionSet({
      cards: [
        ...demoPermissionSet().cards,
        card({ credential: 'h10306:1234:56789', cardId: 'card-prox', grants: [{ zoneId: 'office', scheduleId: null, validUntil: null }] }),
        card({ credential: 'uid:04a1b2c3', cardId: 'card-chip', grants: [{ zoneId: 'lab', scheduleId: null, validUntil: null }] }),
      ],
    });
    await server.publish('permissions', snapshot(set));
    await server.waitFor('applied');
    const cli = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runSimCli([...args, '--data-dir', dir.path], {
        out: (l) => (stdout += `${l}\n`),
        err: (l) => (stderr += `${l}\n`),
      });
      return { code, stdout, stderr };
    };

    const wiegand = await cli('badge', '--door', 'office-gate', '--card', '1234:56789');
    assert.equal(wiegand.code, 0, wiegand.stderr);
    assert.equal(wiegand.stdout.trim(), 'office-gate: card 1234:56789 → lock released (granted)');

    const chip = await cli('badge', '--door', 'lab', '--card', '04A1B2C3');
    assert.equal(chip.code, 0, chip.stderr);
    assert.equal(chip.stdout.trim(), 'lab: card 04A1B2C3 → lock released (granted)');

    const em = await cli('badge', '--door', 'machine-room', '--card', '3887558');
    assert.equal(em.code, 0, em.stderr);
    assert.equal(em.stdout.trim(), 'machine-room: card 0003887558 → lock released (granted)');

    const wrongAtWiegand = await cli('badge', '--door', 'office-gate', '--card', '3887558');
    assert.equal(wrongAtWiegand.code, 2);
    assert.match(
      wrongAtWiegand.stderr,
      /door office-gate: reader office-gate-in \(wiegand\) reads HID H10306 34-bit cards: the card must be <facility>:<card> with facility 0-65535 and card 0-65535/,
    );
    const wrongAtChip = await cli('badge', '--door', 'lab', '--card', '123:4567');
    assert.equal(wrongAtChip.code, 2);
    assert.match(wrongAtChip.stderr, /reader lab-in \(pn532\) reads chip UIDs: the card must be 4, 7 or 10 bytes of hex/);
    const wrongAtEm = await cli('badge', '--door', 'machine-room', '--card', '04a1b2c3');
    assert.equal(wrongAtEm.code, 2);
    assert.match(wrongAtEm.stderr, /reader machine-room-in \(line\) reads EM4100 cards: the card must be a decimal number/);
  });
});
