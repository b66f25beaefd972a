/**
 * Faults of a simulated reader and what the control panel does about them: retries,
 * NAK handling, offline after the timeout, recovery. Timing is the test timing of the rig
 * (same behaviour as the defaults, shorter): reply timeout 250 ms, retry after 60 ms, up
 * to 4 retries, offline after 2 s at the latest, probes every 150 ms.
 */
import { test } from '@jest/globals';
import { describeUnless, onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { findSocat } from '@acs/hardware-sim';
import { eventually, OsdpRig } from '../../test-support/osdp-rig.js';
import { ledPayload } from './osdp-messages.js';
import { OsdpCommandError } from './osdp-pd-session.js';
import { CMD, LED_COLOR } from './osdp-protocol.js';

const skip = findSocat() ? false : 'socat is not installed (needed for pseudo-terminals)';

async function onlineRig(transport: 'pty' | 'in-process' = 'pty') {
  const rig = await OsdpRig.create({ transport, readers: [{ id: 'r', address: 1 }] });
  await rig.start();
  await eventually(() => rig.reader('r').session.status().capabilities, 'start-up');
  return rig;
}

const led = () => ledPayload({ temporary: { onTime: 1, offTime: 0, onColor: LED_COLOR.GREEN, offColor: 0, timer: 5 } });

describeUnless(skip)('OSDP faults and the control panel’s reaction', () => {
  test('dropped replies: the same packet is sent again and the PD repeats its last reply; no fault', async () => {
    const rig = await onlineRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const before = rig.reader('r').session.stats.retries;
    pd.fault('drop_reply', 2);
    pd.presentH10301(5, 55);
    assert.equal((await eventually(() => rig.events.cards[0], 'the card despite lost replies')).credential, 'h10301:5:55');
    assert.ok(rig.reader('r').session.stats.retries >= before + 2, 'retried');
    const seqs = pd.received.map((c) => c.sequence);
    assert.ok(
      seqs.some((s, i) => i > 0 && s === seqs[i - 1]),
      'a sequence number was sent twice (a retry)',
    );
    assert.deepEqual(rig.events.faults, []);
  });

  test('no replies at all: offline (fault no_response) after the timeout, recovered when the PD answers again', async () => {
    const rig = await onlineRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const started = Date.now();
    pd.fault('drop_reply');
    const fault = await eventually(() => rig.events.faults[0], 'the offline fault', 5000);
    const took = Date.now() - started;
    assert.deepEqual([fault.readerId, fault.code], ['r', 'no_response']);
    assert.ok(took >= 250, `offline only after retries (${took} ms)`);
    assert.equal(rig.reader('r').describe().online, false);
    const probesBefore = pd.received.filter((c) => c.sequence === 0).length;
    pd.clearFaults();
    await eventually(() => rig.events.recovered[0], 'recovery');
    assert.ok(pd.received.filter((c) => c.sequence === 0).length > probesBefore, 'recovery starts again from sequence 0');
    assert.equal(rig.reader('r').describe().online, true);
    pd.presentH10301(9, 9);
    assert.equal((await eventually(() => rig.events.cards[0], 'a card after recovery')).credential, 'h10301:9:9');
  });

  test('corrupted CRC: the reply is thrown away, the command is retried, the reader stays online', async () => {
    const rig = await onlineRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    pd.fault('corrupt_check', 3);
    pd.presentH10301(1, 2);
    assert.equal((await eventually(() => rig.events.cards[0], 'the card')).credential, 'h10301:1:2');
    assert.ok(rig.bus.stats.rejectedFrames >= 3, 'the corrupted replies were rejected');
    assert.deepEqual(rig.events.faults, []);
  });

  test('a reply with the wrong sequence number is ignored and retried; for good it makes the PD offline, then it recovers', async () => {
    const rig = await onlineRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    pd.fault('wrong_sequence', 1);
    await eventually(() => rig.reader('r').session.stats.invalidReplies >= 1, 'a refused reply');
    assert.deepEqual(rig.events.faults, []);
    pd.fault('wrong_sequence');
    await eventually(() => rig.events.faults[0]?.code === 'no_response', 'offline');
    pd.clearFaults();
    await eventually(() => rig.events.recovered.length === 1, 'recovery');
  });

  test('a reader that lost power answers NAK 4 with its own sequence number: the panel restarts at sequence 0 at once, without retries or a fault', async () => {
    const rig = await onlineRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const session = rig.reader('r').session;
    await eventually(() => pd.received.length > 5 && pd.received.at(-1)!.sequence !== 0, 'polling mid-sequence');
    const retries = session.stats.retries;
    const from = pd.received.length;
    pd.powerCycle();
    await eventually(() => pd.received.length >= from + 2, 'the refused packet and the next one');
    const [refused, next] = pd.received.slice(from);
    assert.notEqual(refused!.sequence, 0, 'the panel was mid-conversation');
    assert.deepEqual([next!.code, next!.sequence], [CMD.POLL, 0], 'the very next packet restarts at sequence 0');
    pd.presentH10301(4, 44);
    assert.equal((await eventually(() => rig.events.cards[0], 'a card after the restart')).credential, 'h10301:4:44');
    assert.equal(session.stats.retries, retries, 'nothing was sent again with the old sequence');
    assert.deepEqual(rig.events.faults, [], 'the reader never went offline');
  });

  test('BUSY: the command is sent again a little later and completes', async () => {
    const rig = await onlineRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const session = rig.reader('r').session;
    pd.fault('busy', 3);
    const reply = await session.send({ code: CMD.LED, data: led() });
    rig.bus.wake();
    assert.equal(reply.code, 0x40);
    assert.ok(session.stats.busy >= 3);
    assert.equal(pd.led()?.temporary?.onColor, LED_COLOR.GREEN);
    assert.deepEqual(rig.events.faults, []);
  });

  test('slow replies: beyond the reply timeout they count as missing and are retried; late replies are not taken for later ones', async () => {
    const rig = await onlineRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const session = rig.reader('r').session;
    pd.slowReplies(30);
    pd.presentH10301(3, 2);
    assert.equal((await eventually(() => rig.events.cards[0], 'a card from a slow reader')).credential, 'h10301:3:2');
    pd.slowReplies(400);
    await eventually(() => session.stats.timeouts >= 2, 'timeouts');
    pd.slowReplies(0);
    pd.presentH10301(3, 3);
    assert.equal((await eventually(() => rig.events.cards[1], 'a card after slow replies')).credential, 'h10301:3:3');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(rig.events.cards.length, 2, 'each card was reported once');
  });

  test('every NAK code is understood: check error → same packet again, sequence → restart from 0, others → the command fails', async () => {
    const rig = await onlineRig();
    onTestFinished(() => rig.close());
    const pd = rig.pd('r');
    const session = rig.reader('r').session;
    const send = () => {
      const p = session.send({ code: CMD.LED, data: led() });
      rig.bus.wake();
      return p;
    };

    pd.nak(1, 1, CMD.LED);
    assert.equal((await send()).code, 0x40, 'NAK 1: resent, then accepted');

    const probes = pd.received.filter((c) => c.sequence === 0).length;
    pd.nak(4, 1, CMD.LED);
    assert.equal((await send()).code, 0x40, 'NAK 4: sent again after a restart');
    assert.equal(pd.received.filter((c) => c.sequence === 0).length, probes + 1, 'the restart used sequence 0');

    for (const [code, reason] of [
      [2, 'command_length'],
      [5, 'security_block_unsupported'],
      [6, 'security_conditions'],
      [7, 'bio_type'],
      [8, 'bio_format'],
      [9, 'record'],
      [0x33, 'unknown'],
    ] as const) {
      pd.nak(code, 1, CMD.LED);
      await assert.rejects(send(), (err: unknown) => err instanceof OsdpCommandError && err.code === `nak:${reason}`, `NAK ${code}`);
    }
    pd.nak(3, 1, CMD.LED);
    await assert.rejects(send(), (err: unknown) => err instanceof OsdpCommandError && err.code === 'nak:unknown_command');
    assert.equal(session.supports(CMD.LED), false, 'after NAK 3 the LED command is not used again');
    assert.equal(rig.reader('r').describe().online, true);
    assert.deepEqual(rig.events.faults, []);
  });

  test('an unplugged line is a port fault for every reader on it; they recover when it is back', async () => {
    const rig = await OsdpRig.create({
      transport: 'in-process',
      readers: [
        { id: 'a', address: 1 },
        { id: 'b', address: 2 },
      ],
    });
    onTestFinished(() => rig.close());
    await rig.start();
    await eventually(() => rig.reader('a').describe().online && rig.reader('b').describe().online, 'both online');
    rig.simBinding!.unplug(rig.bus.path);
    await eventually(() => rig.events.faults.length === 2, 'a fault per reader');
    assert.deepEqual(rig.events.faults.map((f) => [f.readerId, f.code]).sort(), [
      ['a', 'port_closed'],
      ['b', 'port_closed'],
    ]);
    rig.simBinding!.replug(rig.bus.path);
    await eventually(() => rig.events.recovered.length === 2, 'both recovered');
    rig.pd('b').presentH10301(2, 2);
    assert.equal((await eventually(() => rig.events.cards[0], 'a card after the line came back')).readerId, 'b');
  });
});
