/**
 * The secure channel's rules, end to end over pseudo-terminals: a failed MAC or a
 * plaintext reply inside a session is refused; the default key only inside a
 * provisioning window; a reader that forgot its key raises an alert and is never
 * re-keyed on its own.
 */
import { test } from '@jest/globals';
import { describeUnless, onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { findSocat } from '@acs/hardware-sim';
import { eventually, OsdpRig } from '../../test-support/osdp-rig.js';
import { MemoryReaderSettingsStore } from '../reader-settings-store.js';
import { OsdpCommandError } from './osdp-pd-session.js';
import { osdpRecordKey, type OsdpReaderRecord } from './osdp-reader.js';
import { CMD } from './osdp-protocol.js';

const skip = findSocat() ? false : 'socat is not installed (needed for pseudo-terminals)';
const KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const NEW_KEY = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf', 'hex');

async function storeWith(readerId: string, record: Partial<OsdpReaderRecord>): Promise<MemoryReaderSettingsStore> {
  const store = new MemoryReaderSettingsStore();
  await store.write(osdpRecordKey(readerId), JSON.stringify(record));
  return store;
}

async function secureRig(pdKey: Buffer | null = KEY) {
  const store = await storeWith('r', { scbk: KEY.toString('hex'), keyId: 'key-1', keyInstalledAt: 1 });
  const rig = await OsdpRig.create({
    transport: 'pty',
    store,
    readers: [{ id: 'r', address: 1, secureChannel: true, pd: { scbk: pdKey } }],
  });
  await rig.start();
  return rig;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeUnless(skip)('OSDP secure channel rules', () => {
  test('a reply whose MAC does not verify is refused (its card data too); the session is set up again', async () => {
    const rig = await secureRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const session = rig.reader('r').session;
    await eventually(() => session.isSecure, 'the session');
    const handshakes = pd.received.filter((c) => c.code === CMD.CHLNG).length;
    pd.fault('corrupt_mac', 1, CMD.POLL);
    pd.presentH10301(66, 666);
    await eventually(() => session.stats.securityFailures === 1, 'the refused reply');
    await eventually(() => session.isSecure && pd.received.filter((c) => c.code === CMD.CHLNG).length > handshakes, 'a new session');
    await sleep(100);
    assert.deepEqual(rig.events.cards, [], 'the card of the refused reply was not used');
    pd.presentH10301(66, 667);
    assert.equal((await eventually(() => rig.events.cards[0], 'the next card')).credential, 'h10301:66:667');
  });

  test('a plaintext reply inside the session is refused and ends the session', async () => {
    const rig = await secureRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const session = rig.reader('r').session;
    await eventually(() => session.isSecure, 'the session');
    pd.fault('plaintext_reply', 1, CMD.POLL);
    pd.presentH10301(1, 100);
    await eventually(() => session.stats.securityFailures === 1, 'the refused plaintext reply');
    await sleep(100);
    assert.deepEqual(rig.events.cards, []);
    assert.match(rig.log.find('plaintext RAW inside the secure session refused').join('\n'), /refused/);
    await eventually(() => session.isSecure, 'a new session');
  });

  test('without a key and without a provisioning window: no handshake with SCBK-D, cards refused, state awaiting_key', async () => {
    const rig = await OsdpRig.create({
      transport: 'pty',
      timing: { keyInstallTimeoutMs: 500 },
      readers: [{ id: 'r', address: 1, secureChannel: true }],
    });
    onTestFinished(() => rig.close());
    await rig.start();
    const reader = rig.reader('r');
    const pd = rig.pd('r');
    await eventually(() => reader.session.status().capabilities, 'start-up');
    pd.presentH10301(2, 200);
    await sleep(400);
    assert.equal(reader.describe().osdp?.secureChannel, 'awaiting_key');
    assert.equal(pd.received.filter((c) => c.code === CMD.CHLNG).length, 0, 'no handshake at all');
    assert.deepEqual(rig.events.cards, [], 'cards outside the secure channel are refused');
    assert.ok(reader.session.stats.refusedCards >= 1);
    await assert.rejects(reader.installKey(NEW_KEY, 'key-x'), (err: unknown) => err instanceof OsdpCommandError && err.code === 'not_sent');
    assert.equal(pd.keysets, 0);
    assert.equal(pd.key, null);
  });

  test('inside a provisioning window: install mode with SCBK-D, then KEYSET to the reader’s own key; the window closing ends install mode', async () => {
    const store = new MemoryReaderSettingsStore();
    const rig = await OsdpRig.create({
      transport: 'pty',
      store,
      readers: [
        { id: 'r', address: 1, secureChannel: true },
        { id: 'other', address: 2, secureChannel: true },
      ],
    });
    onTestFinished(() => rig.close());
    await rig.start();
    const reader = rig.reader('r');
    const pd = rig.pd('r');
    await eventually(() => reader.describe().osdp?.secureChannel === 'awaiting_key', 'awaiting a key');

    reader.openProvisioningWindow(60_000);
    await eventually(() => reader.describe().osdp?.secureChannel === 'install_mode', 'install mode');
    assert.equal(pd.received.find((c) => c.code === CMD.CHLNG)?.keySelector, 0, 'CHLNG asked for SCBK-D');
    assert.ok(pd.sessionUsesDefaultKey);
    assert.equal(pd.keysets, 0, 'no key is installed without being asked');
    assert.equal(rig.pd('other').received.filter((c) => c.code === CMD.CHLNG).length, 0, 'the window is for this reader only');

    await reader.installKey(NEW_KEY, 'key-9');
    assert.deepEqual(pd.key, NEW_KEY);
    await eventually(() => reader.describe().osdp?.secureChannel === 'secure', 'a session with its own key');
    assert.equal(pd.received.filter((c) => c.code === CMD.CHLNG).at(-1)?.keySelector, 1);
    const record = JSON.parse((await store.read(osdpRecordKey('r')))!) as OsdpReaderRecord;
    assert.deepEqual([record.scbk, record.keyId], [NEW_KEY.toString('hex'), 'key-9']);
    assert.ok(!rig.log.lines.some((l) => l.includes(NEW_KEY.toString('hex'))), 'the key never appears in the log');

    // A window that closes without a key ends install mode.
    const other = rig.reader('other');
    other.openProvisioningWindow(400);
    await eventually(() => other.describe().osdp?.secureChannel === 'install_mode', 'install mode of the other reader');
    await eventually(() => other.describe().osdp?.secureChannel === 'awaiting_key', 'back to awaiting a key when the window closes', 3000);
    assert.equal(other.session.isSecure, false);
  });

  test('a reader that had its own key and answers with SCBK-D: one alert, no install mode, no re-key', async () => {
    const rig = await secureRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const reader = rig.reader('r');
    await eventually(() => reader.session.isSecure, 'the session');
    pd.keyReset();
    const alert = await eventually(() => rig.events.alerts[0], 'the alert');
    assert.deepEqual([alert.readerId, alert.type], ['r', 'reader_key_reset']);
    assert.equal(reader.describe().osdp?.secureChannel, 'key_reset');
    await sleep(800); // several handshake attempts (retry every 300 ms)
    assert.equal(rig.events.alerts.length, 1, 'one alert per episode');
    assert.ok(pd.received.filter((c) => c.code === CMD.CHLNG).length >= 3, 'the handshake was tried again');
    assert.ok(
      pd.received.every((c) => c.code !== CMD.CHLNG || c.keySelector === 1),
      'never with SCBK-D',
    );
    assert.equal(pd.keysets, 0, 'no automatic re-key');
    assert.equal(pd.key, null);
    pd.presentH10301(3, 300);
    await sleep(150);
    assert.deepEqual(rig.events.cards, [], 'cards are refused meanwhile');

    // An admin opens a provisioning window: install mode is possible, still no automatic KEYSET.
    reader.openProvisioningWindow(60_000);
    await eventually(() => reader.describe().osdp?.secureChannel === 'install_mode', 'install mode');
    assert.equal(pd.keysets, 0);
    await reader.installKey(NEW_KEY, 'key-2');
    await eventually(() => reader.describe().osdp?.secureChannel === 'secure', 'secure with the new key');
    assert.equal(rig.events.alerts.length, 1);
  });

  test('a reader reset to a factory state with an all-zero key, answering for its own key: reader_key_reset, not secure_channel_failed, and no re-key', async () => {
    const rig = await secureRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const reader = rig.reader('r');
    await eventually(() => reader.session.isSecure, 'the session');
    pd.keyReset(Buffer.alloc(16));
    const alert = await eventually(() => rig.events.alerts[0], 'the alert');
    assert.deepEqual([alert.readerId, alert.type], ['r', 'reader_key_reset']);
    assert.match(alert.detail, /all-zero/);
    assert.equal(reader.describe().osdp?.secureChannel, 'key_reset');
    await sleep(700); // two more handshake attempts (retry every 300 ms)
    assert.equal(rig.events.alerts.length, 1, 'one alert per episode');
    assert.deepEqual(
      rig.events.faults.filter((f) => f.code === 'secure_channel_failed'),
      [],
      'not reported as a plain handshake failure',
    );
    assert.ok(
      pd.received.every((c) => c.code !== CMD.CHLNG || c.keySelector === 1),
      'never with a default key',
    );
    assert.deepEqual([pd.keysets, pd.key], [0, null], 'no automatic re-key');

    // Provisioning still works the usual way: a window, install mode with SCBK-D, a key installed by an admin.
    reader.openProvisioningWindow(60_000);
    await eventually(() => reader.describe().osdp?.secureChannel === 'install_mode', 'install mode');
    await reader.installKey(NEW_KEY, 'key-4');
    await eventually(() => reader.describe().osdp?.secureChannel === 'secure', 'secure with the new key');
  });

  test('a reader holding another key: handshake fails, fault secure_channel_failed, no alert', async () => {
    const rig = await secureRig(Buffer.alloc(16, 0x77));
    onTestFinished(() => rig.close());
    const fault = await eventually(() => rig.events.faults[0], 'the fault');
    assert.equal(fault.code, 'secure_channel_failed');
    assert.equal(rig.reader('r').describe().osdp?.secureChannel, 'failed');
    assert.deepEqual(rig.events.alerts, []);
  });

  test('a reader that insists on the secure channel (NAK 6 to plaintext) counts as online; a failing handshake keeps its retry schedule', async () => {
    const store = await storeWith('r', { scbk: KEY.toString('hex'), keyId: 'key-1', keyInstalledAt: 1 });
    const rig = await OsdpRig.create({
      transport: 'pty',
      store,
      timing: { handshakeRetryMs: 1000 },
      readers: [{ id: 'r', address: 1, secureChannel: true, pd: { scbk: Buffer.alloc(16, 0x33), requireSecure: true } }],
    });
    onTestFinished(() => rig.close());
    await rig.start();
    const reader = rig.reader('r');
    await eventually(() => reader.describe().osdp?.secureChannel === 'failed', 'the failed handshake');
    assert.equal(reader.describe().online, true);
    const pd = rig.pd('r');
    const before = pd.received.filter((c) => c.code === CMD.CHLNG).length;
    await sleep(600);
    assert.equal(pd.received.filter((c) => c.code === CMD.CHLNG).length, before, 'no new handshake before the retry time');
    assert.ok(pd.received.filter((c) => c.code === CMD.POLL).length > 5, 'polled meanwhile');
    assert.equal(rig.log.find('requires a secure channel', 'WARN').length, 0, 'the refused polls do not flood the log');
  });

  test('a KEYSET whose confirmation is lost: the new key stays pending and the next session proves the reader holds it', async () => {
    const rig = await secureRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const reader = rig.reader('r');
    await eventually(() => reader.session.isSecure, 'the session');
    pd.fault('drop_reply', Infinity, CMD.KEYSET);
    await assert.rejects(reader.installKey(NEW_KEY, 'key-3'), (err: unknown) => err instanceof OsdpCommandError && err.code === 'timeout');
    assert.deepEqual(pd.key, NEW_KEY, 'the reader took the key before its answer was lost');
    await eventually(() => reader.session.isSecure && reader.describe().osdp?.keyId === 'key-3', 'a session with the pending key', 5000);
    const record = JSON.parse((await rig.store.read(osdpRecordKey('r')))!) as OsdpReaderRecord;
    assert.deepEqual([record.scbk, record.pendingScbk], [NEW_KEY.toString('hex'), null]);
  });
});
