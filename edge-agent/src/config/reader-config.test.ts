import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AgentConfigError,
  loadAgentConfig,
  parseAgentConfig,
  readerPlacements,
  type AgentConfig,
  type ReaderConfig,
} from './agent-config.js';

function doc(readers: Record<string, unknown>[]): Record<string, unknown> {
  return {
    version: 1,
    agentId: 'agent-7',
    mqtt: { url: 'mqtt://127.0.0.1:1883' },
    gpio: { provider: 'sim' },
    readers,
    doors: [
      { id: 'd1', lock: { line: 17 }, contact: { line: 27 } },
      { id: 'd2', lock: { line: 23 } },
    ],
  };
}

function parse(readers: Record<string, unknown>[]): AgentConfig {
  return parseAgentConfig(doc(readers), { env: {}, source: 'test.yaml', baseDir: '/etc/acs' });
}

function problems(readers: Record<string, unknown>[]): string[] {
  try {
    parse(readers);
  } catch (err) {
    assert.ok(err instanceof AgentConfigError, String(err));
    return err.problems;
  }
  assert.fail('the configuration was accepted');
}

function only<T extends ReaderConfig['type']>(config: AgentConfig, type: T): Extract<ReaderConfig, { type: T }> {
  const reader = config.readers[0]!;
  assert.equal(reader.type, type);
  return reader as Extract<ReaderConfig, { type: T }>;
}

const base = { id: 'r1', door: 'd1', direction: 'in' };

describe('reader configuration', () => {
  test('the committed Raspberry Pi example has a reader of each type, feedback on the Wiegand one', () => {
    const config = loadAgentConfig(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'example.yaml'), { env: {} });
    assert.deepEqual(
      config.readers.map((r) => r.type),
      ['rdm6300', 'line', 'wiegand', 'pn532', 'osdp'],
    );
    const wiegand = config.readers.find((r) => r.type === 'wiegand');
    assert.ok(wiegand?.type === 'wiegand' && wiegand.feedback?.greenLed?.activeLow === true);
    assert.deepEqual(
      wiegand.wiegand.formats.map((f) => f.id),
      ['h10301', 'corp1000-35'],
    );
    const osdp = config.readers.find((r) => r.type === 'osdp');
    assert.ok(osdp?.type === 'osdp');
    assert.deepEqual(
      osdp.wiegandFormats.map((f) => f.id),
      ['h10301', 'corp1000-35'],
    );
    assert.deepEqual(
      readerPlacements(config).map((p) => `${p.door}/${p.direction}`),
      ['server-room/in', 'server-room/out', 'project-room/in', 'project-room/out', 'lab/in', 'lab/out'],
    );
  });

  test('a Wiegand reader: rising-edge lines, 25 ms frame timeout, every built-in format, no raw by default', () => {
    const reader = only(parse([{ ...base, type: 'wiegand', wiegand: { d0Line: 5, d1Line: 6 } }]), 'wiegand');
    assert.equal(reader.wiegand.frameTimeoutMs, 25);
    assert.deepEqual(
      reader.wiegand.formats.map((f) => f.id),
      ['h10301', 'h10306', 'corp1000-35', 'h10304', 'corp1000-48'],
    );
    assert.equal(reader.wiegand.allowRaw, false);
    assert.equal(reader.debounceMs, 500);
  });

  test('a Wiegand reader with a custom layout and a chosen order', () => {
    const reader = only(
      parse([
        {
          ...base,
          type: 'wiegand',
          wiegand: {
            d0Line: 5,
            d1Line: 6,
            frameTimeoutMs: 40,
            formats: [
              {
                id: 'acme-30',
                bits: 30,
                facility: { start: 2, length: 10 },
                card: { start: 12, length: 18 },
                parity: [{ bit: 1, type: 'odd', covers: ['2-15'] }],
              },
              'h10301',
            ],
          },
        },
      ]),
      'wiegand',
    );
    assert.deepEqual(
      reader.wiegand.formats.map((f) => f.id),
      ['acme-30', 'h10301'],
    );
    assert.deepEqual(reader.wiegand.formats[0]!.parity[0]!.covers, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  test('names a bad Wiegand setting by its field', () => {
    assert.deepEqual(problems([{ ...base, type: 'wiegand', wiegand: { d0Line: 5, d1Line: 6, frameTimeoutMs: 2 } }]), [
      'readers[0].wiegand.frameTimeoutMs: Too small: expected number to be >=5',
    ]);
    assert.match(
      problems([
        { ...base, type: 'wiegand', wiegand: { d0Line: 5, d1Line: 6, formats: [{ id: 'x1', bits: 26, card: { start: 20, length: 16 } }] } },
      ])[0]!,
      /^readers\[0\]\.wiegand\.formats\[0\]\.card: bits 20-35 run past the 26-bit frame/,
    );
    assert.match(
      problems([{ ...base, type: 'wiegand', wiegand: { d0Line: 5, d1Line: 6, formats: ['h10302'] } }])[0]!,
      /^readers\[0\]\.wiegand\.formats\[0\]: 'h10302' is not a built-in format/,
    );
  });

  test('refuses Wiegand and feedback lines that a door or another reader already uses', () => {
    const found = problems([
      { ...base, type: 'wiegand', wiegand: { d0Line: 27, d1Line: 6 } },
      {
        ...base,
        id: 'r2',
        direction: 'out',
        type: 'rdm6300',
        serial: { path: 'sim/r2', driver: 'sim' },
        feedback: { buzzer: { line: 6 } },
      },
    ]);
    assert.deepEqual(found, [
      'readers[0].wiegand.d0Line: GPIO 27 is already used by doors[0].contact',
      'readers[1].feedback.buzzer.line: GPIO 6 is already used by readers[0].wiegand.d1Line',
    ]);
  });

  test('a line reader: plain string formats, FC/CN of a Wiegand format, a pattern with named groups', () => {
    const serial = { path: '/dev/ttyUSB0' };
    assert.deepEqual(only(parse([{ ...base, type: 'line', serial, format: 'em4100-decimal' }]), 'line').format, { type: 'em4100-decimal' });
    assert.deepEqual(only(parse([{ ...base, type: 'line', serial, format: { type: 'hex-uid' } }]), 'line').format, { type: 'hex-uid' });
    const fcCn = only(parse([{ ...base, type: 'line', serial, format: { type: 'wiegand-fc-cn' } }]), 'line');
    assert.equal(fcCn.format.type === 'wiegand-fc-cn' && fcCn.format.wiegandFormat.id, 'h10301');
    assert.equal(fcCn.serial.baudRate, 9600);
    const regex = only(
      parse([
        { ...base, type: 'line', serial, format: { type: 'regex', pattern: '^ID(?<tag>[0-9A-F]{8})$', credential: 'em4100', radix: 16 } },
      ]),
      'line',
    );
    assert.ok(regex.format.type === 'regex' && regex.format.pattern.test('ID003B51C6'));
  });

  test('names a bad line format', () => {
    const serial = { path: '/dev/ttyUSB0' };
    assert.match(
      problems([{ ...base, type: 'line', serial, format: 'decimal' }])[0]!,
      /^readers\[0\]\.format\.type: Invalid discriminator value\. Expected 'em4100-decimal' \| 'hex-uid' \| 'qr-invitation' \| 'wiegand-fc-cn' \| 'regex'/,
    );
    assert.deepEqual(problems([{ ...base, type: 'line', serial, format: { type: 'regex', pattern: '^(\\d+)$', credential: 'em4100' } }]), [
      'readers[0].format.pattern: a em4100 credential needs a named group (?<tag>…)',
    ]);
    assert.match(
      problems([{ ...base, type: 'line', serial, format: { type: 'regex', pattern: '(', credential: 'uid' } }])[0]!,
      /^readers\[0\]\.format\.pattern: not a regular expression/,
    );
    assert.deepEqual(
      problems([{ ...base, type: 'line', serial, format: { type: 'regex', pattern: '^(?<card>\\d+)$', credential: 'wiegand' } }]),
      ['readers[0].format.wiegandFormat: a wiegand credential needs the format its numbers belong to (e.g. h10301)'],
    );
  });

  test('a PN532 reader defaults to 115200 baud and a 200 ms poll', () => {
    const reader = only(parse([{ ...base, type: 'pn532', serial: { path: '/dev/ttyS0' } }]), 'pn532');
    assert.deepEqual(
      [reader.serial.baudRate, reader.serial.path, reader.pollIntervalMs, reader.replyTimeoutMs],
      [115200, '/dev/ttyS0', 200, 500],
    );
  });

  test('reader feedback: outputs and default patterns, and at least one output', () => {
    const reader = only(
      parse([
        { ...base, type: 'rdm6300', serial: { path: 'sim/r1', driver: 'sim' }, feedback: { greenLed: { line: 12, activeLow: true } } },
      ]),
      'rdm6300',
    );
    assert.deepEqual(reader.feedback, {
      greenLed: { line: 12, activeLow: true },
      grant: { ledMs: 2000, buzzerMs: 100, beeps: 1 },
      deny: { ledMs: 2000, buzzerMs: 150, beeps: 3 },
    });
    assert.deepEqual(problems([{ ...base, type: 'rdm6300', serial: { path: 'sim/r1', driver: 'sim' }, feedback: {} }]), [
      'readers[0].feedback: name at least one output: greenLed, redLed or buzzer',
    ]);
  });

  test('names an unknown reader type and the fields of the type it names', () => {
    assert.match(
      problems([{ ...base, type: 'hid-prox', serial: { path: 'x' } }])[0]!,
      /^readers\[0\]\.type: Invalid discriminator value\. Expected 'rdm6300' \| 'line' \| 'pn532' \| 'wiegand'/,
    );
    assert.match(problems([{ ...base, type: 'wiegand', serial: { path: 'x' } }]).join('\n'), /readers\[0\]\.wiegand: /);
  });
});
