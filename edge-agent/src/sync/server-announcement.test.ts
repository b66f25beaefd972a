import { test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { CURRENT_PROTOCOL } from '@acs/shared/mqtt/protocol';
import { SERVER_ANNOUNCEMENT_TOPIC } from '@acs/shared/mqtt/topics';
import { startAgent } from '../agent.js';
import { brokerAndServer } from '../test-support/broker.js';
import { captureLogger, simAgentConfig, until } from '../test-support/fixtures.js';

test('the agent states its protocol, reads the server’s announcement, and says plainly when it is too old for the server', async () => {
  const { dir, broker, server } = await brokerAndServer();
  const log = captureLogger();
  const agent = await startAgent(simAgentConfig(dir.path, broker.url), {
    log: log.logger,
    mqtt: { reconnectPeriodMs: 100, reconnectMaxMs: 1000 },
  });
  onTestFinished(() => agent.stop());
  const state = await server.waitFor('state', (s) => s.online === true);
  assert.equal(state.protocol, CURRENT_PROTOCOL);

  const announce = (minAgentProtocol: number) =>
    server.client.publishAsync(
      SERVER_ANNOUNCEMENT_TOPIC,
      JSON.stringify({ softwareVersion: '9.9.9', protocol: minAgentProtocol + 1, minAgentProtocol, at: Date.now() }),
      { qos: 1, retain: true },
    );
  await announce(1);
  await until(
    () => log.lines.some((l) => /server 9\.9\.9 speaks protocol 2; this agent speaks \d+, they use 2/.test(l)),
    3000,
    'the announcement logged',
  );
  await announce(CURRENT_PROTOCOL + 1);
  await until(() => log.lines.some((l) => /needs at least \d+: upgrade the agent software/.test(l)), 3000, 'the upgrade message');
  await server.client.publishAsync(SERVER_ANNOUNCEMENT_TOPIC, 'not json', { qos: 1 });
  await until(
    () => log.lines.some((l) => /invalid server announcement ignored/.test(l)),
    3000,
    'a bad announcement refused with the reason',
  );
});
