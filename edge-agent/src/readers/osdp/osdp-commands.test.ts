/**
 * The control panel and simulated PDs over real pseudo-terminals (socat + the operating
 * system's serial driver): every command the agent uses, in plain text and inside the
 * secure channel.
 */
import { test } from '@jest/globals';
import { describeUnless, onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { findSocat } from '@acs/hardware-sim';
import { eventually, OsdpRig } from '../../test-support/osdp-rig.js';
import { MemoryReaderSettingsStore } from '../reader-settings-store.js';
import { osdpRecordKey, type OsdpReaderRecord } from './osdp-reader.js';
import { CMD, LED_COLOR, SCS } from './osdp-protocol.js';

const skip = findSocat() ? false : 'socat is not installed (needed for pseudo-terminals)';
const KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

async function storeWithKey(readerId: string, key: Buffer, keyId = 'key-1'): Promise<MemoryReaderSettingsStore> {
  const store = new MemoryReaderSettingsStore();
  await store.write(osdpRecordKey(readerId), JSON.stringify({ scbk: key.toString('hex'), keyId, keyInstalledAt: 1_700_000_000_000 }));
  return store;
}

describeUnless(skip)('OSDP commands between the agent and a simulated reader over pseudo-terminals', () => {
  test('POLL, ID, CAP on start; RAW card data and keypad digits; LED and BUZ for grant, deny and lockdown; sequence 0 then 1→2→3→1', async () => {
    const rig = await OsdpRig.create({ transport: 'pty', baudRate: 9600, readers: [{ id: 'gate-in', address: 0x65 }] });
    onTestFinished(() => rig.close());
    const pd = rig.pd('gate-in');
    const reader = rig.reader('gate-in');
    await rig.start();

    const caps = await eventually(() => reader.session.status().capabilities, 'capabilities');
    // A probe the PD answered too late on a loaded machine is simply sent again: look from the last one.
    const id = pd.received.findIndex((c) => c.code === CMD.ID);
    const startUp = pd.received.slice(id - 1, id + 2).map((c) => [c.code, c.sequence, c.scbType]);
    assert.deepEqual(startUp, [
      [CMD.POLL, 0, null],
      [CMD.ID, 1, null],
      [CMD.CAP, 2, null],
    ]);
    assert.deepEqual(reader.describe().osdp?.identity, {
      vendorCode: '5a4353',
      model: 2,
      version: 1,
      serialNumber: 0x1000 + 0x65,
      firmware: '1.4.2',
    });
    assert.ok(
      caps.some((c) => c.function === 4 && c.items === 1),
      'the LED capability is reported',
    );
    assert.equal(reader.describe().online, true);
    assert.equal(reader.describe().osdp?.secureChannel, 'disabled');

    pd.presentH10301(123, 4567);
    const card = await eventually(() => rig.events.cards[0], 'the card read');
    assert.deepEqual([card.readerId, card.credential], ['gate-in', 'h10301:123:4567']);
    assert.equal(typeof card.receivedAtNs, 'bigint');
    pd.presentBits('1011', 0);
    assert.equal((await eventually(() => rig.events.cards[1], 'a raw card')).credential, 'raw:4:b');

    pd.type('1234#');
    const keypad = await eventually(() => rig.events.keypad[0], 'keypad digits');
    assert.deepEqual([keypad.readerId, keypad.keys], ['gate-in', '1234#']);

    reader.signal('grant');
    await eventually(() => pd.buzzer?.count === 1 && pd.led()?.temporary?.onColor === LED_COLOR.GREEN, 'green LED and one beep');
    reader.signal('deny');
    await eventually(() => pd.buzzer?.count === 3 && pd.led()?.temporary?.onColor === LED_COLOR.RED, 'red LED and three beeps');
    reader.indicateLockdown(true);
    await eventually(
      () => pd.led()?.permanent?.offTime === 5 && pd.led()?.permanent?.onColor === LED_COLOR.RED,
      'flashing red permanent LED',
    );
    reader.indicateLockdown(false);
    await eventually(() => pd.led()?.permanent?.offTime === 0, 'steady LED again');

    // After sequence 0 the numbers run 1, 2, 3, 1, 2, 3 ... (a retry repeats its number).
    const sequences = pd.received.slice(id - 1).map((c) => c.sequence);
    for (let i = 1; i < sequences.length; i++) {
      const expected = sequences[i - 1]! >= 3 ? 1 : sequences[i - 1]! + 1;
      assert.ok(sequences[i] === expected || sequences[i] === sequences[i - 1], `sequence ${sequences[i]} after ${sequences[i - 1]}`);
    }
    assert.ok(sequences.filter((s, i) => i > 0 && s === sequences[i - 1]).length <= rig.reader('gate-in').session.stats.retries);
    assert.equal(rig.line.stats.overlaps, 0);
  });

  test('COMSET moves a reader to another address (even when its answer is lost) and the move is remembered in the store', async () => {
    const store = new MemoryReaderSettingsStore();
    const rig = await OsdpRig.create({ transport: 'pty', store, readers: [{ id: 'lab-out', address: 3 }] });
    onTestFinished(() => rig.close());
    const pd = rig.pd('lab-out');
    const reader = rig.reader('lab-out');
    await rig.start();
    await eventually(() => reader.session.status().capabilities, 'start-up');

    await reader.comset(9, 115200);
    assert.equal(pd.address, 9);
    assert.ok(pd.received.some((c) => c.code === CMD.COMSET));
    await eventually(() => reader.describe().osdp?.address === 9 && reader.describe().online, 'the reader at its new address');
    pd.presentH10301(1, 1);
    assert.equal((await eventually(() => rig.events.cards[0], 'a card after the move')).credential, 'h10301:1:1');
    const record = JSON.parse((await store.read(osdpRecordKey('lab-out')))!) as OsdpReaderRecord;
    assert.deepEqual(record.address, { configured: 3, current: 9 });

    // The answer to a COMSET is lost but the PD moved: the control panel finds it at the new address.
    pd.fault('drop_reply', Infinity, CMD.COMSET);
    await reader.comset(12, 115200);
    assert.equal(pd.address, 12);
    assert.equal(reader.describe().osdp?.address, 12);
    const moved = JSON.parse((await store.read(osdpRecordKey('lab-out')))!) as OsdpReaderRecord;
    assert.deepEqual(moved.address, { configured: 3, current: 12 });
  });

  test('inside the secure channel: CHLNG/SCRYPT, then every command MACed and data encrypted, KEYSET installs a new key', async () => {
    const store = await storeWithKey('vault-in', KEY);
    const rig = await OsdpRig.create({
      transport: 'pty',
      store,
      readers: [{ id: 'vault-in', address: 1, secureChannel: true, pd: { scbk: KEY } }],
    });
    onTestFinished(() => rig.close());
    const pd = rig.pd('vault-in');
    const reader = rig.reader('vault-in');
    await rig.start();
    await eventually(() => reader.session.isSecure, 'the secure session');
    assert.equal(reader.describe().osdp?.secureChannel, 'secure');
    const chlng = pd.received.find((c) => c.code === CMD.CHLNG)!;
    assert.deepEqual([chlng.scbType, chlng.keySelector], [SCS.CHLNG, 1], 'CHLNG asks for the reader’s own key');
    assert.equal(pd.received.find((c) => c.code === CMD.SCRYPT)?.scbType, SCS.SCRYPT);

    pd.presentH10301(42, 4242);
    assert.equal((await eventually(() => rig.events.cards[0], 'a card over the secure channel')).credential, 'h10301:42:4242');
    reader.signal('grant');
    await eventually(() => pd.buzzer !== null, 'the beep');

    const newKey = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex');
    await reader.installKey(newKey, 'key-2');
    assert.deepEqual(pd.key, newKey, 'the reader stores the new key');
    await eventually(
      () => reader.session.isSecure && pd.received.filter((c) => c.code === CMD.CHLNG).length >= 2,
      'a new session with the new key',
    );
    const record = JSON.parse((await store.read(osdpRecordKey('vault-in')))!) as OsdpReaderRecord;
    assert.deepEqual([record.scbk, record.keyId, record.pendingScbk], [newKey.toString('hex'), 'key-2', null]);
    assert.equal(reader.describe().osdp?.keyId, 'key-2');

    // After the first SCRYPT nothing but the handshake travelled in plain text; commands with data were encrypted.
    const afterHandshake = pd.received.slice(pd.received.findIndex((c) => c.code === CMD.SCRYPT) + 1);
    for (const command of afterHandshake) {
      if (command.code === CMD.CHLNG || command.code === CMD.SCRYPT) continue;
      const withData = command.code !== CMD.POLL;
      assert.equal(command.scbType, withData ? SCS.CMD_MAC_ENC : SCS.CMD_MAC, `command 0x${command.code.toString(16)} was secured`);
    }
    assert.equal(pd.keysets, 1, 'one KEYSET was carried out (a retry gets the same answer again)');
    assert.equal(rig.line.stats.overlaps, 0);
  });

  test('a reader without LED or buzzer gets no LED or BUZ commands', async () => {
    const rig = await OsdpRig.create({
      transport: 'pty',
      readers: [
        {
          id: 'plain',
          address: 2,
          pd: {
            capabilities: [
              { function: 3, compliance: 1, items: 0 },
              { function: 8, compliance: 1, items: 0 },
            ],
          },
        },
      ],
    });
    onTestFinished(() => rig.close());
    await rig.start();
    const reader = rig.reader('plain');
    await eventually(() => reader.session.status().capabilities, 'capabilities');
    reader.signal('grant');
    reader.signal('deny');
    reader.indicateLockdown(true);
    const pd = rig.pd('plain');
    await eventually(() => pd.received.filter((c) => c.code === CMD.POLL).length > 5, 'polls all the same');
    assert.equal(pd.received.filter((c) => c.code === CMD.LED || c.code === CMD.BUZ).length, 0);
  });

  test('a reader that declares no CRC support is spoken to with checksums', async () => {
    const rig = await OsdpRig.create({
      transport: 'pty',
      readers: [
        {
          id: 'old',
          address: 4,
          pd: {
            capabilities: [
              { function: 3, compliance: 1, items: 0 },
              { function: 8, compliance: 0, items: 0 },
            ],
          },
        },
      ],
    });
    onTestFinished(() => rig.close());
    await rig.start();
    const reader = rig.reader('old');
    await eventually(() => reader.session.status().check === 'checksum', 'the switch to checksums');
    rig.pd('old').presentH10301(7, 7);
    assert.equal((await eventually(() => rig.events.cards[0], 'a card with checksums')).credential, 'h10301:7:7');
    assert.equal(rig.bus.stats.noReply, 0);
  });
});
