import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { createCipheriv } from 'node:crypto';
import { SimOsdpPd } from './sim-osdp-pd.js';
import { buildSimReply, SCBK_DEFAULT, simChecksum, simCrc16, SimFrameReader, SimSecureSession, type SimFrame } from './sim-osdp-wire.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** A command frame built by hand (no mark byte), for feeding the PD. */
function command(address: number, sequence: number, code: number, data: number[] = [], scb: number[] | null = null, crc = true): SimFrame {
  const body = [0x53, address, 0, 0, (sequence & 3) | (crc ? 4 : 0) | (scb ? 8 : 0), ...(scb ?? []), code, ...data];
  const length = body.length + (crc ? 2 : 1);
  body[2] = length & 0xff;
  body[3] = length >> 8;
  const bytes = Buffer.from(body);
  const check = crc ? [simCrc16(bytes) & 0xff, simCrc16(bytes) >> 8] : [simChecksum(bytes)];
  const [frame] = new SimFrameReader().push(Buffer.concat([bytes, Buffer.from(check)]));
  return frame!;
}

function replyOf(pd: SimOsdpPd, frame: SimFrame): SimFrame {
  const out = pd.handle(frame, 0);
  assert.ok(out, 'a reply');
  const [reply] = new SimFrameReader().push(out.bytes);
  assert.ok(reply?.checkOk, 'the reply has a valid check');
  return reply;
}

describe('simulated OSDP PD: its own wire code against the documented OSDP test vectors', () => {
  test('CRC-16 and checksum vectors', () => {
    const crc = simCrc16(hex('53 7F 0D 00 04 6E 00 80 25 00 00'));
    assert.deepEqual([crc & 0xff, crc >> 8], [0x6e, 0x38]);
    const crc2 = simCrc16(hex('53 00 09 00 04 61 00'));
    assert.deepEqual([crc2 & 0xff, crc2 >> 8], [0xc0, 0x66]);
    assert.equal(simChecksum(hex('53 7F 0C 00 00 6E 00 80 25 00 00')), 0x0f);
    assert.equal(simChecksum(hex('53 00 08 00 00 61 00')), 0x44);
    assert.equal(simChecksum(hex('53 E5 07 00 01 40')), 0x80);
  });

  test('the ACK and RAW replies of the published examples, byte for byte', () => {
    assert.deepEqual(
      buildSimReply({ address: 0, sequence: 1, crc: true, scb: null, code: 0x40, data: Buffer.alloc(0) }),
      hex('FF 53 80 08 00 05 40 68 9F'),
    );
    assert.deepEqual(
      buildSimReply({ address: 0, sequence: 2, crc: true, scb: null, code: 0x50, data: hex('00 01 1A 00 BD 88 EB 80') }),
      hex('FF 53 80 10 00 06 50 00 01 1A 00 BD 88 EB 80 02 D4'),
    );
  });

  test('a presented H10301 card goes out as the RAW reply of the published example (data BD 88 EB 80)', () => {
    const pd = new SimOsdpPd({ address: 0 });
    pd.presentH10301(123, 4567);
    const reply = replyOf(pd, command(0, 0, 0x60));
    assert.equal(reply.code, 0x50);
    assert.deepEqual(reply.data, hex('00 01 1A 00 BD 88 EB 80'));
  });

  test('the tamper switch: LSTATR on the next POLL when it changes, and on LSTAT at any time', () => {
    const pd = new SimOsdpPd({ address: 0 });
    assert.equal(replyOf(pd, command(0, 0, 0x64)).code, 0x48);
    assert.deepEqual(replyOf(pd, command(0, 1, 0x64)).data, hex('00 00'));
    pd.setTamper(true);
    pd.setTamper(true); // no change, no second report
    const report = replyOf(pd, command(0, 2, 0x60));
    assert.equal(report.code, 0x48);
    assert.deepEqual(report.data, hex('01 00'));
    assert.equal(replyOf(pd, command(0, 3, 0x60)).code, 0x40, 'reported once');
    pd.setTamper(false);
    assert.deepEqual(replyOf(pd, command(0, 1, 0x60)).data, hex('00 00'));
  });

  test('secure channel vectors (SCBK-D, cp_rnd B0..B7, pd_rnd A0..A7)', () => {
    const session = new SimSecureSession(SCBK_DEFAULT, true, hex('B0B1B2B3B4B5B6B7'), hex('A0A1A2A3A4A5A6A7'));
    assert.deepEqual(session.sEnc, hex('BF8DC2A8329ACB8C67C6D0CD9A451682'));
    const cpCryptogram = session.serverCryptogram();
    assert.deepEqual(cpCryptogram, hex('26D3356E07762D262801FC8E6665A891'));
    assert.deepEqual(session.accept(cpCryptogram), hex('B2A30057EB98BA2229EC1F875662B524'));
    assert.equal(session.active, true);
  });
});

describe('simulated OSDP PD behaviour', () => {
  test('answers POLL, ID and CAP; checksum commands get checksum replies', () => {
    const pd = new SimOsdpPd({ address: 5 });
    assert.equal(replyOf(pd, command(5, 0, 0x60)).code, 0x40);
    const pdid = replyOf(pd, command(5, 1, 0x61, [0]));
    assert.deepEqual([pdid.code, pdid.data.length], [0x45, 12]);
    const pdcap = replyOf(pd, command(5, 2, 0x62, [0], null, false));
    assert.deepEqual([pdcap.code, pdcap.crc], [0x46, false]);
  });

  test('sequence: 0 restarts, a repeat gets the same reply again, a jump gets NAK 4', () => {
    const pd = new SimOsdpPd({ address: 1 });
    assert.equal(replyOf(pd, command(1, 1, 0x60)).data[0], 4, 'the first message must use sequence 0');
    replyOf(pd, command(1, 0, 0x60));
    pd.presentH10301(1, 2);
    const first = pd.handle(command(1, 1, 0x60), 0)!.bytes;
    const again = pd.handle(command(1, 1, 0x60), 0)!.bytes;
    assert.deepEqual(again, first, 'the repeated reply carries the same card');
    assert.equal(pd.pendingEvents, 0);
    const jump = replyOf(pd, command(1, 3, 0x60));
    assert.deepEqual([jump.code, jump.data[0]], [0x41, 4]);
  });

  test('NAK 4 carries the PD’s own sequence number, not the command’s; after a power cycle that is 0', () => {
    const pd = new SimOsdpPd({ address: 1 });
    replyOf(pd, command(1, 0, 0x60));
    replyOf(pd, command(1, 1, 0x60));
    const jump = replyOf(pd, command(1, 3, 0x60));
    assert.deepEqual([jump.code, jump.data[0], jump.sequence], [0x41, 4, 1]);
    pd.powerCycle();
    const lost = replyOf(pd, command(1, 2, 0x60));
    assert.deepEqual([lost.code, lost.data[0], lost.sequence], [0x41, 4, 0]);
    assert.equal(replyOf(pd, command(1, 0, 0x60)).code, 0x40, 'sequence 0 starts again');
  });

  test('a factory reset to an all-zero key: a challenge for its own key is answered under zeros, presented as its own; SCBK-D stays for install mode', () => {
    const pd = new SimOsdpPd({ address: 1, scbk: Buffer.alloc(16, 0x5a) });
    replyOf(pd, command(1, 0, 0x60));
    pd.keyReset(Buffer.alloc(16));
    assert.equal(pd.key, null);
    const cpRandom = Buffer.alloc(8, 0x22);
    const own = replyOf(pd, command(1, 1, 0x76, [...cpRandom], [3, 0x11, 1]));
    assert.equal(own.scb?.[2], 1, 'presented as its own key');
    const zeros = new SimSecureSession(Buffer.alloc(16), false, cpRandom, own.data.subarray(8, 16));
    assert.deepEqual(own.data.subarray(16), zeros.clientCryptogram());
    const install = replyOf(pd, command(1, 2, 0x76, [...cpRandom], [3, 0x11, 0]));
    assert.equal(install.scb?.[2], 0);
    const scbkD = new SimSecureSession(SCBK_DEFAULT, true, cpRandom, install.data.subarray(8, 16));
    assert.deepEqual(install.data.subarray(16), scbkD.clientCryptogram());
  });

  test('a bad check gets NAK 1, an unknown command NAK 3, a bad length NAK 2', () => {
    const pd = new SimOsdpPd({ address: 1 });
    replyOf(pd, command(1, 0, 0x60));
    const corrupt = new SimFrameReader().push(Buffer.from('5301080005609999', 'hex'))[0]!;
    assert.equal(corrupt.checkOk, false);
    assert.deepEqual(replyOf(pd, corrupt).data, Buffer.from([1]));
    assert.deepEqual(replyOf(pd, command(1, 1, 0x99)).data, Buffer.from([3]));
    assert.deepEqual(replyOf(pd, command(1, 2, 0x61, [0, 0])).data, Buffer.from([2]));
  });

  test('KEYSET in plain text is refused; a plaintext command inside a session is refused and ends it', () => {
    const pd = new SimOsdpPd({ address: 1 });
    replyOf(pd, command(1, 0, 0x60));
    const keyset = replyOf(pd, command(1, 1, 0x75, [1, 16, ...Buffer.alloc(16, 1)]));
    assert.deepEqual([keyset.code, keyset.data[0]], [0x41, 6]);
    assert.equal(pd.key, null);

    // Handshake in install mode (the PD has no key), done by hand.
    const cpRandom = Buffer.alloc(8, 0x11);
    const ccrypt = replyOf(pd, command(1, 2, 0x76, [...cpRandom], [3, 0x11, 0]));
    assert.deepEqual([ccrypt.code, ccrypt.scb?.[1], ccrypt.scb?.[2]], [0x76, 0x12, 0]);
    const cp = new SimSecureSession(SCBK_DEFAULT, true, cpRandom, ccrypt.data.subarray(8, 16));
    assert.deepEqual(ccrypt.data.subarray(16), cp.clientCryptogram());
    const rmac = replyOf(pd, command(1, 3, 0x77, [...cp.serverCryptogram()], [3, 0x13, 0]));
    assert.deepEqual([rmac.code, rmac.scb?.[2]], [0x78, 1]);
    assert.equal(pd.secureSessionActive, true);
    const plain = replyOf(pd, command(1, 1, 0x60));
    assert.deepEqual([plain.code, plain.data[0]], [0x41, 6]);
    assert.equal(pd.secureSessionActive, false);
  });

  test('a wrong server cryptogram gets NAK 5; key reset returns the PD to SCBK-D', () => {
    const key = Buffer.alloc(16, 0x5a);
    const pd = new SimOsdpPd({ address: 1, scbk: key });
    replyOf(pd, command(1, 0, 0x60));
    const ccrypt = replyOf(pd, command(1, 1, 0x76, [...Buffer.alloc(8)], [3, 0x11, 1]));
    assert.equal(ccrypt.scb?.[2], 1, 'the PD uses its own key');
    const nak = replyOf(pd, command(1, 2, 0x77, [...Buffer.alloc(16)], [3, 0x13, 1]));
    assert.deepEqual([nak.code, nak.data[0]], [0x41, 5]);
    pd.keyReset();
    assert.equal(pd.key, null);
    assert.equal(replyOf(pd, command(1, 3, 0x76, [...Buffer.alloc(8)], [3, 0x11, 1])).scb?.[2], 0, 'now it answers with SCBK-D');
  });

  test('LED and BUZ state, COMSET after the reply', () => {
    const pd = new SimOsdpPd({ address: 1 });
    replyOf(pd, command(1, 0, 0x60));
    replyOf(pd, command(1, 1, 0x69, [0, 0, 2, 5, 5, 2, 0, 20, 0, 1, 1, 0, 1, 1]));
    assert.deepEqual(pd.led(0), {
      temporary: { onTime: 5, offTime: 5, onColor: 2, offColor: 0, timer: 20 },
      permanent: { onTime: 1, offTime: 0, onColor: 1, offColor: 1 },
    });
    replyOf(pd, command(1, 2, 0x6a, [0, 2, 1, 1, 3]));
    assert.deepEqual(pd.buzzer, { tone: 2, onTime: 1, offTime: 1, count: 3 });
    const out = pd.handle(command(1, 3, 0x6e, [7, 0x00, 0xc2, 0x01, 0x00]), 0)!;
    assert.equal(pd.address, 1, 'still at the old address until the reply is out');
    out.after?.();
    assert.deepEqual([pd.address, pd.baudRate], [7, 115200]);
  });
});

// The PD's data-block encryption must be what AES-CBC with IV = NOT(C-MAC) and 80 00… padding gives.
test('the PD encrypts reply data with AES-CBC, IV = NOT(last command MAC), 80 00… padding', () => {
  const session = new SimSecureSession(Buffer.alloc(16, 3), false, Buffer.alloc(8, 1), Buffer.alloc(8, 2));
  session.cmac = Buffer.alloc(16, 0x0f);
  const sealed = session.encryptReply(Buffer.from([1, 2, 3]));
  const padded = Buffer.concat([Buffer.from([1, 2, 3, 0x80]), Buffer.alloc(12)]);
  const expected = createCipheriv('aes-128-cbc', session.sEnc, Buffer.alloc(16, 0xf0)).setAutoPadding(false).update(padded);
  assert.deepEqual(sealed, expected);
});
