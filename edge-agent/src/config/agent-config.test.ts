import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { tempDir } from '../test-support/fixtures.js';
import {
  AgentConfigError,
  isSerialReader,
  loadAgentConfig,
  parseAgentConfig,
  resolveMqttPassword,
  type ReaderConfig,
  type SerialReaderConfig,
} from './agent-config.js';

function serial(reader: ReaderConfig | undefined): SerialReaderConfig {
  assert.ok(reader && isSerialReader(reader), `expected a serial reader, got ${reader?.type}`);
  return reader;
}

const CONFIG_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config');

function minimal(): Record<string, any> {
  return {
    version: 1,
    agentId: 'agent-7',
    mqtt: { url: 'mqtt://127.0.0.1:1883' },
    gpio: { provider: 'sim' },
    readers: [{ id: 'r1', door: 'd1', direction: 'in', type: 'rdm6300', serial: { path: 'sim/r1', driver: 'sim' } }],
    doors: [
      { id: 'd1', lock: { line: 17 }, contact: { line: 27 } },
      { id: 'd2', lock: { line: 23 } },
    ],
  };
}

function problemsOf(doc: unknown, env: Record<string, string> = {}): string[] {
  try {
    parseAgentConfig(doc, { env, source: 'test.yaml', baseDir: '/etc/acs' });
  } catch (err) {
    assert.ok(err instanceof AgentConfigError, `expected AgentConfigError, got ${String(err)}`);
    assert.match(err.message, /test\.yaml/);
    return err.problems;
  }
  assert.fail('the configuration was accepted');
}

describe('agent configuration', () => {
  test('loads the committed example for a Raspberry Pi', () => {
    const config = loadAgentConfig(join(CONFIG_DIR, 'example.yaml'), { env: {} });
    assert.equal(config.agentId, 'building-a-floor-2');
    assert.equal(config.gpio.provider, 'onoff');
    assert.equal(serial(config.readers[0]).serial.path, '/dev/ttyAMA0');
    assert.equal(config.mqtt.username, 'building-a-floor-2');
    assert.equal(config.doors[0]!.lock.activeLow, true);
  });

  test('loads the demo configuration with three simulated doors, paths relative to the file', () => {
    const config = loadAgentConfig(join(CONFIG_DIR, 'demo.yaml'), { env: {} });
    assert.deepEqual(
      config.doors.map((d) => d.id),
      ['office-gate', 'lab', 'machine-room'],
    );
    assert.ok(config.readers.every((r) => serial(r).serial.driver === 'sim'));
    assert.ok(config.readers.every((r) => r.type === 'osdp' || r.direction === 'in'));
    assert.equal(config.mqtt.url, 'mqtt://127.0.0.1:1884');
    assert.equal(config.dataDir, join(CONFIG_DIR, '..', '..', 'data', 'agent-1'));
    assert.equal(config.mqtt.passwordFile, join(CONFIG_DIR, '..', '..', 'data', 'secrets', 'agent-1.mqtt-password'));
  });

  test('fills defaults: username = agent id, release 5 s, held open 30 s, debounce 1 s, 9600 baud', () => {
    const config = parseAgentConfig(minimal(), { env: {}, baseDir: '/etc/acs' });
    assert.equal(config.mqtt.username, 'agent-7');
    assert.equal(config.mqtt.keepaliveSec, 30);
    assert.equal(config.doors[0]!.releaseMs, 5000);
    assert.equal(config.doors[0]!.heldOpenMs, 30000);
    assert.equal(config.doors[0]!.lock.failMode, 'secure');
    assert.equal(config.doors[0]!.contact!.openLevel, 1);
    assert.equal(config.readers[0]!.type === 'rdm6300' && config.readers[0]!.debounceMs, 1000);
    assert.equal(serial(config.readers[0]).serial.baudRate, 9600);
    assert.equal(config.dataDir, '/etc/acs/data');
  });

  test('names the field of a value with the wrong type', () => {
    const doc = minimal();
    doc.doors[1].lock.line = 'seventeen';
    assert.deepEqual(problemsOf(doc), ['doors[1].lock.line: expected number, received string']);
  });

  test('names a missing field', () => {
    const doc = minimal();
    delete doc.mqtt.url;
    assert.match(problemsOf(doc)[0]!, /^mqtt\.url: /);
  });

  test('names a misspelt key', () => {
    const doc = minimal();
    doc.doors[0].lok = { line: 4 };
    assert.match(problemsOf(doc)[0]!, /^doors\[0\]: Unrecognized key: "lok"/);
  });

  test('names a value outside its choices', () => {
    const doc = minimal();
    doc.gpio.provider = 'pigpio';
    assert.match(problemsOf(doc)[0]!, /^gpio\.provider: .*"sim"\|"onoff"/);
  });

  test('refuses an unknown version', () => {
    const doc = minimal();
    doc.version = 2;
    assert.match(problemsOf(doc)[0]!, /^version: /);
  });

  test('refuses a GPIO line outside the header and a release time under 3 s', () => {
    const doc = minimal();
    doc.doors[0].lock.line = 40;
    doc.doors[1].releaseMs = 1000;
    const problems = problemsOf(doc);
    assert.ok(
      problems.some((p) => p.startsWith('doors[0].lock.line: ')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('doors[1].releaseMs: ')),
      problems.join('\n'),
    );
  });

  test('refuses a reader on a door that is not configured', () => {
    const doc = minimal();
    doc.readers[0].door = 'd9';
    assert.match(problemsOf(doc)[0]!, /^readers\[0\]\.door: no door 'd9'/);
  });

  test('refuses a GPIO line used twice', () => {
    const doc = minimal();
    doc.doors[1].lock.line = 27;
    assert.deepEqual(problemsOf(doc), ['doors[1].lock.line: GPIO 27 is already used by doors[0].contact']);
  });

  test('refuses duplicate door ids and two readers facing the same way on one door', () => {
    const doc = minimal();
    doc.doors[1].id = 'd1';
    doc.readers.push({ id: 'r2', door: 'd1', direction: 'in', type: 'rdm6300', serial: { path: 'sim/r2', driver: 'sim' } });
    const problems = problemsOf(doc);
    assert.ok(problems.includes("doors[1].id: duplicate door id 'd1'"), problems.join('\n'));
    assert.ok(problems.includes("readers[1].direction: door 'd1' already has an 'in' reader"), problems.join('\n'));
  });

  test('refuses both a password and a password file', () => {
    const doc = minimal();
    doc.mqtt.password = 'x';
    doc.mqtt.passwordFile = 'pw';
    assert.deepEqual(problemsOf(doc), ['mqtt.passwordFile: set either password or passwordFile, not both']);
  });

  test('refuses a document that is not a mapping', () => {
    assert.deepEqual(problemsOf(['a', 'b']), ['(top level): expected a mapping of settings']);
  });

  test('reports YAML syntax errors with the line', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const file = join(dir.path, 'broken.yaml');
    await writeFile(file, 'version: 1\nagentId: [unclosed\n');
    assert.throws(
      () => loadAgentConfig(file, { env: {} }),
      (err: unknown) => {
        assert.ok(err instanceof AgentConfigError);
        assert.match(err.message, /broken\.yaml/);
        assert.match(err.problems[0]!, /YAML syntax error at line \d+/);
        return true;
      },
    );
  });

  test('reports a missing file by its path', () => {
    assert.throws(() => loadAgentConfig('/nonexistent/agent.yaml', { env: {} }), /\/nonexistent\/agent\.yaml[\s\S]*cannot read the file/);
  });

  test('applies environment overrides over the file', () => {
    const doc = minimal();
    doc.mqtt.passwordFile = 'secret.txt';
    const config = parseAgentConfig(doc, {
      baseDir: '/etc/acs',
      cwd: '/srv',
      env: {
        ACS_AGENT_ID: 'agent-9',
        ACS_AGENT_MQTT_URL: 'mqtts://broker:8883',
        ACS_AGENT_MQTT_USERNAME: 'door-9',
        ACS_AGENT_MQTT_PASSWORD: 'from-env',
        ACS_AGENT_DATA_DIR: 'state',
      },
    });
    assert.equal(config.agentId, 'agent-9');
    assert.equal(config.mqtt.url, 'mqtts://broker:8883');
    assert.equal(config.mqtt.username, 'door-9');
    assert.equal(config.mqtt.password, 'from-env');
    assert.equal(config.mqtt.passwordFile, undefined, 'the env password replaces the file setting');
    assert.equal(config.dataDir, '/srv/state');
  });

  test('takes the password file from the environment, relative to the working folder', () => {
    const doc = minimal();
    doc.mqtt.password = 'in-file';
    const config = parseAgentConfig(doc, { baseDir: '/etc/acs', cwd: '/srv', env: { ACS_AGENT_MQTT_PASSWORD_FILE: 'pw' } });
    assert.equal(config.mqtt.passwordFile, '/srv/pw');
    assert.equal(config.mqtt.password, undefined);
  });

  test('names the environment variable behind a bad value', () => {
    assert.deepEqual(
      problemsOf(minimal(), { ACS_AGENT_ID: 'Agent One' }).map((p) => p.split(':')[0]),
      ['agentId (from ACS_AGENT_ID)'],
    );
  });

  test('reads the MQTT password from its file when the agent starts', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    await writeFile(join(dir.path, 'pw'), 's3cret\n');
    const doc = minimal();
    doc.mqtt.passwordFile = 'pw';
    await writeFile(join(dir.path, 'agent.yaml'), stringify(doc));
    const config = loadAgentConfig(join(dir.path, 'agent.yaml'), { env: {} });
    assert.equal(await resolveMqttPassword(config), 's3cret');
    const missing = { ...config, mqtt: { ...config.mqtt, passwordFile: join(dir.path, 'nope') } };
    await assert.rejects(resolveMqttPassword(missing), /mqtt\.passwordFile: cannot read/);
  });
});
