/**
 * The control panel's session with one PD, driven exchange by exchange on a fake clock
 * against the simulated PD (no port, no timers): what it sends next after a given reply
 * is visible packet by packet.
 */
import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { SimFrameReader, SimOsdpPd } from '@acs/hardware-sim';
import { captureLogger } from '../../test-support/fixtures.js';
import { TEST_TIMING } from '../../test-support/osdp-rig.js';
import { parsePacket, type Sequence } from './osdp-packet.js';
import { OsdpPdSession } from './osdp-pd-session.js';
import { CMD } from './osdp-protocol.js';
import { osdpTiming } from './osdp-timing.js';

const KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

interface Sent {
  code: number;
  sequence: Sequence;
  atMs: number;
}

/** A session and a simulated PD, with a clock that only moves when the session waits. */
function harness(options: { secureChannel?: boolean; pdKey?: Buffer | null } = {}) {
  const timing = osdpTiming(TEST_TIMING);
  let clock = 1_000_000;
  const session = new OsdpPdSession({
    readerId: 'r',
    address: 1,
    secureChannel: options.secureChannel ?? false,
    timing,
    log: captureLogger().logger,
    now: () => clock,
  });
  const pd = new SimOsdpPd({ address: 1, scbk: options.pdKey ?? null });
  const sent: Sent[] = [];
  const keyResets: string[] = [];
  session.on('keyReset', (detail) => keyResets.push(detail));
  session.onPortUp();

  /** One exchange: waits (on the fake clock) until the session wants the bus, sends, answers. */
  const step = (): Sent => {
    const at = session.readyAt(clock);
    assert.ok(Number.isFinite(at), 'the session has something to send');
    clock = Math.max(clock, at);
    const exchange = session.prepare(clock);
    assert.ok(exchange, 'a packet to send');
    const [frame] = new SimFrameReader().push(exchange.bytes);
    assert.ok(frame, 'the session sent a whole frame');
    const packet = { code: frame.code, sequence: frame.sequence as Sequence, atMs: clock };
    sent.push(packet);
    const reply = pd.handle(frame, clock);
    clock += 5;
    if (!reply) {
      clock += timing.replyTimeoutMs;
      session.onNoReply(clock);
      return packet;
    }
    reply.after?.();
    const parsed = parsePacket(reply.bytes.subarray(1));
    assert.ok(parsed.ok, 'the PD sent a valid frame');
    session.onReply(parsed.packet, 0n, clock);
    return packet;
  };
  const until = (done: () => boolean, what: string, maxSteps = 200) => {
    for (let i = 0; i < maxSteps; i++) {
      if (done()) return;
      step();
    }
    assert.fail(`not reached within ${maxSteps} exchanges: ${what}`);
  };
  return { session, pd, sent, keyResets, step, until, timing };
}

describe('OSDP PD session, exchange by exchange', () => {
  test('a NAK 4 numbered with the reader’s own counter restarts the conversation at sequence 0 with the very next packet', () => {
    const { session, pd, sent, step, until } = harness();
    until(() => session.status().capabilities !== null && sent.length >= 6, 'start-up and a few polls');
    const retriesBefore = session.stats.retries;
    const invalidBefore = session.stats.invalidReplies;

    // The reader lost power: it knows no sequence and answers NAK 4 with its own (0).
    pd.powerCycle();
    const refused = step();
    assert.notEqual(refused.sequence, 0, 'the panel was mid-conversation');
    const last = pd.received.at(-1)!;
    assert.equal(last.sequence, refused.sequence);

    const next = step();
    assert.deepEqual([next.code, next.sequence], [CMD.POLL, 0], 'the next packet restarts at sequence 0');
    assert.equal(session.stats.retries, retriesBefore, 'nothing was sent again with the old sequence');
    assert.equal(session.stats.invalidReplies, invalidBefore, 'the NAK was not taken for a stray reply');
    const restartedAt = sent.length;
    until(() => sent.length >= restartedAt + 6, 'a few exchanges after the restart');
    assert.ok(
      pd.received.slice(-5).every((c) => c.code === CMD.POLL || c.code === CMD.ID || c.code === CMD.CAP),
      'start-up again, then polls',
    );
    assert.equal(session.stats.naks, 1, 'and no more NAKs: the counters agree again');
    assert.equal(session.isOnline, true, 'the reader never went offline');
  });

  test('a reader reset to a factory state with an all-zero key is recognised by its cryptogram: one key-reset alert, no re-key, no SCBK-D', () => {
    const { session, pd, keyResets, until, step } = harness({ secureChannel: true, pdKey: KEY });
    session.setKeys(KEY, null);
    until(() => session.isSecure, 'a session with the reader’s own key');

    pd.keyReset(Buffer.alloc(16));
    until(() => keyResets.length > 0, 'the key-reset alert');
    assert.equal(session.secureState(), 'key_reset');
    assert.match(keyResets[0]!, /factory default key all-zero/);
    assert.match(keyResets[0]!, /not re-keyed automatically/);
    for (let i = 0; i < 60; i++) step();
    assert.ok(pd.received.filter((c) => c.code === CMD.CHLNG).length >= 3, 'the handshake was tried again');
    assert.equal(keyResets.length, 1, 'one alert per episode');
    assert.equal(session.secureState(), 'key_reset', 'not downgraded to a plain failure by later attempts');
    assert.ok(
      pd.received.every((c) => c.code !== CMD.CHLNG || c.keySelector === 1),
      'never asked for SCBK-D',
    );
    assert.equal(pd.keysets, 0, 'never re-keyed');
  });

  test('a reader holding some other key is a failed handshake, not a reset one', () => {
    const { session, keyResets, until } = harness({ secureChannel: true, pdKey: Buffer.alloc(16, 0x77) });
    session.setKeys(KEY, null);
    until(() => session.secureState() === 'failed', 'the failed handshake');
    assert.deepEqual(keyResets, []);
  });
});
