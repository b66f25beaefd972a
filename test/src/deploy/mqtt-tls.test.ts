// Agents over TLS to Mosquitto started from the deployment's own mosquitto.conf (its 8883
// listener), with certificates made by the lab setup script.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless, onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { stringify } from 'yaml';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '@acs/server/testing/mosquitto';
import { startAgent } from '@acs/edge-agent/agent';
import { captureLogger, simAgentConfig, until } from '@acs/edge-agent/test-support/fixtures';
import { repoRoot } from '../support/system.js';

const run = promisify(execFile);
const SCRIPT = join(repoRoot, 'deploy', 'tls', 'make-lab-certs.sh');
const MAIN = join(repoRoot, 'edge-agent', 'dist', 'main.js');
const PASSWORD = 'agent-1-password';

describeUnless(mosquittoMissing())('agents over MQTT with TLS', () => {
  let dir: string;
  let broker: RunningMosquitto;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acs-tls-'));
    await run(SCRIPT, [join(dir, 'lab')]);
    // A second, unrelated lab: its CA did not sign the broker's certificate.
    await run(SCRIPT, [join(dir, 'other')]);
    broker = await startMosquitto({ 'agent-1': PASSWORD }, { tls: { certDir: join(dir, 'lab') } });
  });
  afterAll(async () => {
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('an agent that trusts the lab CA connects over mqtts', async () => {
    const data = await mkdtemp(join(dir, 'agent-'));
    const log = captureLogger('info');
    const config = simAgentConfig(data, broker.tlsUrl!, {
      mqtt: { url: broker.tlsUrl!, password: PASSWORD, tls: { caFile: join(dir, 'lab', 'ca.crt') } },
    });
    const agent = await startAgent(config, { log: log.logger, controlServer: false });
    onTestFinished(() => agent.stop());
    await until(() => agent.mqttConnected, 5000, 'the agent to connect over TLS');
    assert.deepEqual(log.find('TLS'), []);
  });

  test('an agent given another CA refuses the broker and logs that its certificate does not verify', async () => {
    const data = await mkdtemp(join(dir, 'agent-'));
    const log = captureLogger('info');
    const config = simAgentConfig(data, broker.tlsUrl!, {
      mqtt: { url: broker.tlsUrl!, password: PASSWORD, tls: { caFile: join(dir, 'other', 'ca.crt') } },
    });
    const agent = await startAgent(config, { log: log.logger, controlServer: false });
    onTestFinished(() => agent.stop());
    await until(() => log.find('does not verify against mqtt.tls.caFile', 'ERROR').length > 0, 5000, 'the certificate error in the log');
    assert.equal(agent.mqttConnected, false);
    assert.match(log.find('TLS', 'ERROR')[0]!, /self-signed certificate in certificate chain|unable to verify/);
  });

  test('the doctor verifies the broker certificate and signs in over TLS, and names the CA when it does not verify', async () => {
    const write = async (name: string, caFile: string) => {
      const file = join(dir, `${name}.yaml`);
      await writeFile(
        file,
        stringify({
          version: 1,
          agentId: 'agent-1',
          mqtt: { url: broker.tlsUrl, password: PASSWORD, tls: { caFile } },
          dataDir: `./${name}-data`,
          gpio: { provider: 'sim' },
          readers: [{ id: 'gate-in', door: 'gate', direction: 'in', type: 'rdm6300', serial: { path: 'sim/gate-in', driver: 'sim' } }],
          doors: [{ id: 'gate', lock: { line: 17 } }],
        }),
      );
      return file;
    };
    const good = await run(process.execPath, [MAIN, 'doctor', '--config', await write('good', './lab/ca.crt')]);
    assert.match(good.stdout, /^ok\s+tls\s+the broker's certificate \(mosquitto, valid until .*\) verifies/m);
    assert.match(good.stdout, /^ok\s+broker\s+connected to mqtts:/m);

    const bad = await run(process.execPath, [MAIN, 'doctor', '--config', await write('bad', './other/ca.crt')]).then(
      () => assert.fail('the doctor exited 0 with the wrong CA'),
      (err: { code: number; stdout: string }) => err,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^PROBLEM\s+tls\s+the broker's certificate does not verify against mqtt\.tls\.caFile/m);
    assert.match(bad.stdout, /^skipped\s+broker\s+not tried: fix TLS first/m);
  });
});
