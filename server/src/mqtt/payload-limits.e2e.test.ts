// Payloads over the documented limits (shared/src/mqtt/limits.ts) are refused by both
// brokers and by the server's handler, and memory comes back afterwards.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { randomBytes } from 'node:crypto';
import { connect as rawConnect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { AGENT_PAYLOAD_LIMIT_BYTES } from '@acs/shared/mqtt/limits';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { AgentMessageRouter } from '../agent-link/agent-message-router.service.js';
import { AgentCredentialsService } from '../agents/agent-credentials.service.js';
import { mosquittoMissing, type RunningMosquitto, startMosquitto } from '../testing/mosquitto.js';
import { connectAgent, sleep, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';
import { PacketSizeGuard, PacketTooLargeError } from './packet-size-guard.js';

function connectPacket(username: string): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: `acs-agent-${username}`,
    keepalive: 30,
    username,
    password: Buffer.from('x'),
  });
}

describe('the packet size guard', () => {
  test('refuses a packet over the limit from its header alone, whatever the chunking', async () => {
    const publish = mqttPacket.generate({
      cmd: 'publish',
      topic: 'acs/v1/agents/a/events',
      payload: Buffer.alloc(2000),
      qos: 0,
      retain: false,
      dup: false,
    });
    const stream = Buffer.concat([connectPacket('a'), publish]);
    for (const cut of [1, 2, 3, 7, 50, stream.length]) {
      const guard = new PacketSizeGuard(() => 1000);
      let failure: Error | undefined;
      guard.on('error', (err) => (failure = err));
      guard.on('data', () => undefined);
      for (let i = 0; i < stream.length; i += cut) guard.write(stream.subarray(i, i + cut));
      await sleep(0);
      assert.ok(failure instanceof PacketTooLargeError, `chunks of ${cut}`);
      assert.equal(failure.limit, 1000);
    }
  });

  test('lets packets within the limit through unchanged and picks the limit from the CONNECT', () => {
    const seen: Array<string | undefined> = [];
    const guard = new PacketSizeGuard((connect) => (seen.push(connect?.username), 10_000));
    const out: Buffer[] = [];
    guard.on('data', (d: Buffer) => out.push(d));
    const publish = mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(5000, 7), qos: 0, retain: false, dup: false });
    const input = Buffer.concat([connectPacket('agent-7'), publish, publish]);
    guard.write(input);
    assert.deepEqual(Buffer.concat(out), input);
    assert.deepEqual(seen, ['agent-7']);
  });

  test('cuts a connection whose first packet is not a CONNECT, or whose CONNECT is huge', async () => {
    for (const [input, pattern] of [
      [mqttPacket.generate({ cmd: 'pingreq' }), /first MQTT packet must be CONNECT/],
      [Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]), /over the limit of 16384/],
      [Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]), /malformed MQTT remaining length/],
    ] as const) {
      const guard = new PacketSizeGuard(() => 1000);
      let failure: Error | undefined;
      guard.on('error', (err) => (failure = err));
      guard.write(input);
      await sleep(0);
      assert.match(failure?.message ?? '', pattern);
    }
  });
});

/** Sends a CONNECT as `agentId` and then the fixed header of a PUBLISH announcing `size` bytes, followed by `send` bytes of it. */
async function announceHugePublish(
  port: number,
  agentId: string,
  password: string,
  size: number,
  send: number,
): Promise<{ closed: Promise<void>; socket: Socket }> {
  const socket = rawConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: `acs-agent-${agentId}`,
      keepalive: 30,
      username: agentId,
      password: Buffer.from(password),
    }),
  );
  await sleep(200);
  const topic = Buffer.from(agentTopic(agentId, 'events'));
  const remaining = 2 + topic.length + size;
  const header: number[] = [0x30];
  let n = remaining;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    header.push(byte);
  } while (n > 0);
  socket.write(Buffer.concat([Buffer.from(header), Buffer.from([topic.length >> 8, topic.length & 0xff]), topic]));
  const chunk = Buffer.alloc(1024 * 1024, 0x41);
  for (let sent = 0; sent < send && !socket.destroyed; sent += chunk.length) {
    if (!socket.write(chunk)) await new Promise<void>((resolve) => (socket.once('drain', resolve), socket.once('close', resolve)));
  }
  return { closed, socket };
}

describe('payload limits on the embedded broker', () => {
  let t: TestServer;
  let port: number;
  beforeAll(async () => {
    t = await startTestServer();
    port = Number(new URL(t.server.mqttUrl).port);
  });
  afterAll(async () => {
    await t?.close();
  });

  test('an agent announcing a 100 MB publish is cut off at the header, the server never sees it, and memory stays put', async () => {
    const password = await t.demoAgentPassword();
    global.gc?.();
    const before = process.memoryUsage().rss;
    const { closed } = await announceHugePublish(port, 'agent-1', password, 100 * 1024 * 1024, 100 * 1024 * 1024);
    await closed;
    await waitFor(
      () => t.logs.matching(/cut the MQTT connection from .*over the limit of 263168 bytes/, 'warn').length === 1,
      'the refusal in the log',
    );
    global.gc?.();
    const growth = process.memoryUsage().rss - before;
    assert.ok(growth < 40 * 1024 * 1024, `RSS grew by ${(growth / 1048576).toFixed(1)} MB`);
    assert.equal(t.server.app.get(AgentMessageRouter).stats.oversized, 0, 'nothing reached the handler');
    // The agent reconnects and works as before.
    const agent = await connectAgent(t.server.mqttUrl, 'agent-1', password);
    assert.ok(agent.connected);
    await agent.endAsync(true);
  });

  test('a payload just under the limit passes the broker; the server handles it as any other message', async () => {
    const agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    const handled = t.server.app.get(AgentMessageRouter).stats.malformed;
    await agent.publishAsync(agentTopic('agent-1', 'events'), Buffer.alloc(AGENT_PAYLOAD_LIMIT_BYTES - 10, 0x20), { qos: 1 });
    await waitFor(() => t.server.app.get(AgentMessageRouter).stats.malformed > handled, 'the (blank, so malformed) message handled');
    await agent.endAsync(true);
  });
});

describeUnless(mosquittoMissing())('payload limits on Mosquitto with the deployment’s configuration', () => {
  let mosquitto: RunningMosquitto;
  let t: TestServer;
  const agentPassword = randomBytes(18).toString('base64url');
  beforeAll(async () => {
    const serverPassword = randomBytes(18).toString('base64url');
    mosquitto = await startMosquitto({ 'acs-server': serverPassword, 'agent-a': agentPassword });
    t = await startTestServer({ mqttUrl: mosquitto.serverUrl, mqttUsername: 'acs-server', mqttPassword: serverPassword });
    await t.server.app.get(AgentCredentialsService).create('agent-a', 'agent-a', agentPassword);
  });
  afterAll(async () => {
    await t?.close();
    await mosquitto?.stop();
  });

  test('the broker cuts a publish over its max_packet_size; the server drops a payload over the agent limit before decoding it', async () => {
    const port = Number(new URL(mosquitto.url).port);
    const { closed } = await announceHugePublish(port, 'agent-a', agentPassword, 100 * 1024 * 1024, 2 * 1024 * 1024);
    await closed;
    const agent = await connectAgent(mosquitto.url, 'agent-a', agentPassword);
    await agent.publishAsync(agentTopic('agent-a', 'events'), Buffer.alloc(AGENT_PAYLOAD_LIMIT_BYTES + 1, 0x20), { qos: 1 });
    await waitFor(() => t.server.app.get(AgentMessageRouter).stats.oversized === 1, 'the oversized message dropped');
    assert.equal(
      t.logs.matching(/dropped a message of 262145 bytes from agent agent-a .*over the limit of 262144 bytes/, 'warn').length,
      1,
    );
    await agent.endAsync(true);
  });
});
