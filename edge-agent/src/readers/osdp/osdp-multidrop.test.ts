/**
 * Several readers on one RS-485 line (multi-drop) over a pseudo-terminal: one command on
 * the wire at a time, each reader's cards and feedback kept apart, one silent reader not
 * holding up the others.
 */
import { test } from '@jest/globals';
import { describeUnless, onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { findSocat } from '@acs/hardware-sim';
import { eventually, OsdpRig, type RigReaderSpec } from '../../test-support/osdp-rig.js';
import { MemoryReaderSettingsStore } from '../reader-settings-store.js';
import { osdpRecordKey } from './osdp-reader.js';
import { CMD } from './osdp-protocol.js';

const skip = findSocat() ? false : 'socat is not installed (needed for pseudo-terminals)';

describeUnless(skip)('several OSDP readers on one line', () => {
  for (const count of [2, 4]) {
    test(`${count} readers at 9600 baud: all online, cards and feedback kept apart, never two commands on the wire`, async () => {
      const specs: RigReaderSpec[] = Array.from({ length: count }, (_, i) => ({ id: `r${i + 1}`, address: 10 + i }));
      const rig = await OsdpRig.create({ transport: 'pty', baudRate: 9600, readers: specs });
      onTestFinished(() => rig.close());
      await rig.start();
      await eventually(() => specs.every((s) => rig.reader(s.id).session.status().capabilities), 'every reader online', 8000);
      const serials = specs.map((s) => rig.reader(s.id).describe().osdp?.identity?.serialNumber);
      assert.deepEqual(
        serials,
        specs.map((s) => 0x1000 + s.address),
        'each reader answered with its own identity',
      );

      specs.forEach((s, i) => rig.pd(s.id).presentH10301(100 + i, 1000 + i));
      await eventually(() => rig.events.cards.length === count, 'a card from every reader', 8000);
      for (const [i, s] of specs.entries()) {
        assert.equal(rig.events.cards.find((c) => c.readerId === s.id)?.credential, `h10301:${100 + i}:${1000 + i}`);
      }

      rig.reader('r2').signal('grant');
      await eventually(() => rig.pd('r2').buzzer !== null, 'the beep at r2');
      for (const s of specs) if (s.id !== 'r2') assert.equal(rig.pd(s.id).buzzer, null, `${s.id} stayed quiet`);

      await eventually(
        () => specs.every((s) => rig.pd(s.id).received.filter((c) => c.code === CMD.POLL).length >= 5),
        'every reader polled again and again',
      );
      assert.equal(rig.line.stats.overlaps, 0, 'one command on the wire at a time');
      assert.deepEqual(rig.events.faults, []);
    });
  }

  test('a silent reader goes offline alone; secure and plain readers share the line', async () => {
    const key = Buffer.alloc(16, 0x42);
    const store = new MemoryReaderSettingsStore();
    await store.write(osdpRecordKey('secure'), JSON.stringify({ scbk: key.toString('hex'), keyId: 'k', keyInstalledAt: 1 }));
    const rig = await OsdpRig.create({
      transport: 'pty',
      store,
      readers: [
        { id: 'secure', address: 1, secureChannel: true, pd: { scbk: key } },
        { id: 'plain', address: 2 },
        { id: 'silent', address: 3 },
      ],
    });
    onTestFinished(() => rig.close());
    await rig.start();
    await eventually(
      () => rig.reader('secure').session.isSecure && rig.reader('plain').describe().online && rig.reader('silent').describe().online,
      'all up',
    );
    rig.pd('silent').fault('drop_reply');
    const fault = await eventually(() => rig.events.faults[0], 'the silent reader’s fault', 5000);
    assert.deepEqual([fault.readerId, fault.code], ['silent', 'no_response']);
    rig.pd('secure').presentH10301(1, 11);
    rig.pd('plain').presentH10301(2, 22);
    await eventually(() => rig.events.cards.length === 2, 'cards from the others while one is offline');
    assert.deepEqual(rig.events.cards.map((c) => c.readerId).sort(), ['plain', 'secure']);
    assert.equal(rig.events.faults.length, 1);
  });
});
