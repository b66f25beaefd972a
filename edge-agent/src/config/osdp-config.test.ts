import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { AgentConfigError, parseAgentConfig, readerPlacements } from './agent-config.js';
import { BUILT_IN_WIEGAND_FORMATS } from '@acs/shared/credentials/wiegand';
import { simSpecFromConfig } from '../hardware/factory.js';

function withOsdp(line: Record<string, unknown>, extraReaders: unknown[] = []): Record<string, unknown> {
  return {
    version: 1,
    agentId: 'agent-7',
    mqtt: { url: 'mqtt://127.0.0.1:1883' },
    gpio: { provider: 'sim' },
    readers: [{ id: 'r1', door: 'd1', direction: 'in', type: 'rdm6300', serial: { path: 'sim/r1', driver: 'sim' } }, line, ...extraReaders],
    doors: [
      { id: 'd1', lock: { line: 17 } },
      { id: 'd2', lock: { line: 23 } },
    ],
  };
}

const LINE = {
  id: 'rs485-1',
  type: 'osdp',
  serial: { path: 'sim/rs485-1', driver: 'sim', baudRate: 115200 },
  devices: [
    { id: 'd1-out', door: 'd1', direction: 'out', address: 1 },
    { id: 'd2-in', door: 'd2', direction: 'in', address: 2, secureChannel: false },
  ],
};

function problemsOf(doc: unknown): string[] {
  try {
    parseAgentConfig(doc, { env: {}, source: 'test.yaml', baseDir: '/etc/acs' });
  } catch (err) {
    assert.ok(err instanceof AgentConfigError);
    return err.problems;
  }
  assert.fail('the configuration was accepted');
}

describe('OSDP lines in the agent configuration', () => {
  test('a line with its readers: defaults (secure channel on, CRC), placements and the simulator spec', () => {
    const config = parseAgentConfig(withOsdp(LINE), { env: {} });
    const line = config.readers[1]!;
    assert.equal(line.type, 'osdp');
    if (line.type !== 'osdp') return;
    assert.deepEqual(
      line.devices.map((d) => [d.id, d.address, d.secureChannel, d.checksum]),
      [
        ['d1-out', 1, true, false],
        ['d2-in', 2, false, false],
      ],
    );
    assert.deepEqual(line.timing, {});
    assert.deepEqual(
      readerPlacements(config).map((p) => [p.id, p.door, p.direction, p.type]),
      [
        ['r1', 'd1', 'in', 'rdm6300'],
        ['d1-out', 'd1', 'out', 'osdp'],
        ['d2-in', 'd2', 'in', 'osdp'],
      ],
    );
    const h10301 = BUILT_IN_WIEGAND_FORMATS.h10301!;
    assert.deepEqual(
      simSpecFromConfig(config).readers.filter((r) => r.type === 'osdp'),
      [
        { id: 'd1-out', door: 'd1', direction: 'out', type: 'osdp', path: 'sim/rs485-1', baudRate: 115200, address: 1, format: h10301 },
        { id: 'd2-in', door: 'd2', direction: 'in', type: 'osdp', path: 'sim/rs485-1', baudRate: 115200, address: 2, format: h10301 },
      ],
    );
  });

  test('RAW Wiegand data is decoded with the shared formats: every built-in by default, chosen per line, overridden per reader', () => {
    const defaults = parseAgentConfig(withOsdp(LINE), { env: {} }).readers[1]!;
    assert.ok(defaults.type === 'osdp');
    assert.deepEqual(
      defaults.wiegandFormats.map((f) => f.id),
      ['h10301', 'h10306', 'corp1000-35', 'h10304', 'corp1000-48'],
    );
    const chosen = parseAgentConfig(
      withOsdp({
        ...LINE,
        wiegandFormats: ['corp1000-35', 'h10301'],
        devices: [LINE.devices[0], { ...LINE.devices[1], wiegandFormats: ['h10304'] }],
      }),
      { env: {} },
    );
    const line = chosen.readers[1]!;
    assert.ok(line.type === 'osdp');
    assert.deepEqual(
      line.wiegandFormats.map((f) => f.id),
      ['corp1000-35', 'h10301'],
    );
    assert.equal(line.devices[0]!.wiegandFormats, undefined);
    assert.deepEqual(
      line.devices[1]!.wiegandFormats?.map((f) => f.id),
      ['h10304'],
    );
    // The simulated reader presents cards in the first format that reader decodes.
    assert.deepEqual(
      simSpecFromConfig(chosen).readers.flatMap((r) => (r.type === 'osdp' ? [r.format.id] : [])),
      ['corp1000-35', 'h10304'],
    );
    assert.ok(problemsOf(withOsdp({ ...LINE, wiegandFormats: ['h99999'] })).some((p) => p.startsWith('readers[1].wiegandFormats')));
  });

  test('timing can be tuned per line, within bounds', () => {
    const config = parseAgentConfig(withOsdp({ ...LINE, timing: { replyTimeoutMs: 300, offlineAfterMs: 10_000 } }), { env: {} });
    const line = config.readers[1]!;
    assert.ok(line.type === 'osdp' && line.timing.replyTimeoutMs === 300 && line.timing.offlineAfterMs === 10_000);
    assert.deepEqual(problemsOf(withOsdp({ ...LINE, timing: { replyTimeoutMs: 1 } })), [
      'readers[1].timing.replyTimeoutMs: Too small: expected number to be >=20',
    ]);
  });

  test('each problem names its field: addresses twice on a line, broadcast address, unknown door, a door face taken twice, a reader id twice', () => {
    const problems = problemsOf(
      withOsdp({
        ...LINE,
        devices: [
          { id: 'a', door: 'd1', direction: 'out', address: 1 },
          { id: 'b', door: 'nowhere', direction: 'in', address: 1 },
          { id: 'c', door: 'd1', direction: 'in', address: 127 },
          { id: 'r1', door: 'd2', direction: 'out', address: 3 },
          { id: 'e', door: 'd1', direction: 'out', address: 4, keys: 'x' },
        ],
      }),
    );
    assert.ok(problems.includes('readers[1].devices[2].address: Too big: expected number to be <=126'), problems.join('\n'));
    assert.ok(
      problems.some((p) => p.startsWith('readers[1].devices[4]') && p.includes('keys')),
      'a key in the file is refused as an unknown field',
    );
  });

  test('semantic checks once the shape is right', () => {
    const problems = problemsOf(
      withOsdp({
        ...LINE,
        devices: [
          { id: 'a', door: 'd1', direction: 'out', address: 1 },
          { id: 'b', door: 'nowhere', direction: 'in', address: 1 },
          { id: 'r1', door: 'd2', direction: 'out', address: 3 },
          { id: 'd', door: 'd1', direction: 'in', address: 4 },
        ],
      }),
    );
    assert.ok(problems.includes("readers[1].devices[1].address: address 1 is used twice on line 'rs485-1'"), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith("readers[1].devices[1].door: no door 'nowhere'")));
    assert.ok(problems.includes("readers[1].devices[2].id: duplicate reader id 'r1'"));
    assert.ok(problems.includes("readers[1].devices[3].direction: door 'd1' already has an 'in' reader"));
  });

  test('a line id is refused when a reader already has it (logs and reports name both)', () => {
    assert.deepEqual(problemsOf(withOsdp({ ...LINE, id: 'r1' })), ["readers[1].id: duplicate reader id 'r1'"]);
  });

  test('two lines on one serial port are refused', () => {
    const second = { ...LINE, id: 'rs485-2', devices: [{ id: 'x', door: 'd2', direction: 'out', address: 1 }] };
    assert.deepEqual(problemsOf(withOsdp(LINE, [second])), ['readers[2].serial.path: serial port sim/rs485-1 is used by another reader']);
  });
});
