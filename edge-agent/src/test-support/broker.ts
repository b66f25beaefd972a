/** An in-process aedes broker on an ephemeral port, and a client playing the server. */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-member-access --
   the agent tests read whatever field of a message they wait for; typing payloads per channel would touch every one of them. */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import { onTestFinished } from '@acs/shared/testing/test-cleanup';
import { Aedes, type AedesOptions } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { parseAgentTopic, type Channel } from '@acs/shared/mqtt/topics';
import { tempDir } from './fixtures.js';

export interface TestBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startBroker(port = 0, options: Pick<AedesOptions, 'authenticate'> = {}): Promise<TestBroker> {
  const broker = await Aedes.createBroker(options);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    port: actual,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

export interface ServerMessage {
  channel: Channel;
  payload: any;
  retain: boolean;
}

/** Subscribes to everything agent `agentId` publishes and records it. */
export class FakeServer extends EventEmitter<{ message: [ServerMessage] }> {
  readonly messages: ServerMessage[] = [];

  private constructor(
    readonly client: MqttClient,
    readonly agentId: string,
  ) {
    super();
  }

  static async connect(url: string, agentId = 'agent-1'): Promise<FakeServer> {
    const client = await connectAsync(url, {
      clientId: `test-server-${process.pid}-${Math.random().toString(16).slice(2)}`,
      reconnectPeriod: 100,
    });
    const server = new FakeServer(client, agentId);
    client.on('message', (topic, payload, packet) => {
      const parsed = parseAgentTopic(topic);
      if (!parsed) return;
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        json = payload.toString('utf8');
      }
      const message = { channel: parsed.channel, payload: json, retain: packet.retain };
      server.messages.push(message);
      server.emit('message', message);
    });
    await client.subscribeAsync(`acs/v1/agents/${agentId}/+`, { qos: 1 });
    return server;
  }

  received(channel: Channel): ServerMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  waitFor(channel: Channel, predicate: (payload: any) => boolean = () => true, timeoutMs = 5000): Promise<any> {
    const existing = this.messages.find((m) => m.channel === channel && predicate(m.payload));
    if (existing) return Promise.resolve(existing.payload);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('message', listener);
        reject(new Error(`timed out waiting for a ${channel} message`));
      }, timeoutMs);
      const listener = (m: ServerMessage) => {
        if (m.channel !== channel || !predicate(m.payload)) return;
        clearTimeout(timer);
        this.off('message', listener);
        resolve(m.payload);
      };
      this.on('message', listener);
    });
  }

  /** Every event the agent has published so far (duplicates included). */
  events(): any[] {
    return this.received('events').flatMap((m) => m.payload.events);
  }

  async publish(channel: Channel, payload: unknown): Promise<void> {
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    await this.client.publishAsync(`acs/v1/agents/${this.agentId}/${channel}`, body, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** A data folder, a broker and a fake server on it, all removed when the test ends. */
export async function brokerAndServer(): Promise<{ dir: Awaited<ReturnType<typeof tempDir>>; broker: TestBroker; server: FakeServer }> {
  const dir = await tempDir();
  onTestFinished(() => dir.remove());
  const broker = await startBroker();
  onTestFinished(() => broker.close());
  const server = await FakeServer.connect(broker.url);
  onTestFinished(() => server.close());
  return { dir, broker, server };
}
