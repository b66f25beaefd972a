import { Inject, Injectable, Logger } from '@nestjs/common';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { SERVER_ANNOUNCEMENT_TOPIC, serverSubscriptions } from '@acs/shared/mqtt/topics';
import type { ServerAnnouncement } from '@acs/shared/mqtt/payloads';
import { CURRENT_PROTOCOL, MIN_AGENT_PROTOCOL } from '@acs/shared/mqtt/protocol';
import { SERVER_VERSION } from '../common/version.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';

export interface IncomingMqttMessage {
  topic: string;
  payload: Buffer;
  retained: boolean;
}

export interface MqttConnection {
  url: string;
  username: string | null;
  password: string | null;
}

/** Broker answers that no amount of retrying will change. */
const FATAL_CONNACK = /not authori[sz]ed|bad user ?name or password|identifier rejected/i;
const FIRST_CONNECT_WAIT_MS = 10_000;

/**
 * The server's own MQTT client, the same for the embedded and an external broker.
 * `clean: false` with a fixed client id: while the server is down the broker keeps the
 * agents' QoS 1 messages for it.
 */
@Injectable()
export class MqttClientService {
  private readonly logger = new Logger('Mqtt');
  private client: MqttClient | null = null;
  private handler: ((message: IncomingMqttMessage) => void) | null = null;

  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  /** Registers the single consumer of incoming messages (set before connecting). */
  onMessage(handler: (message: IncomingMqttMessage) => void): void {
    this.handler = handler;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /**
   * Connects and subscribes. Waits for the first connection a short while; a broker that
   * is still starting is retried in the background, a refusal of the credentials is fatal.
   */
  async connect(connection: MqttConnection): Promise<void> {
    const shared = this.config.mqttSharedGroup;
    const options: IClientOptions = {
      clientId: this.config.mqttClientId,
      // Shared: an instance that dies must not keep a session the broker would queue the
      // agents' messages in; agents send again whatever was not acknowledged.
      clean: shared !== null,
      protocolVersion: 4,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      keepalive: 30,
      ...(connection.username !== null ? { username: connection.username } : {}),
      ...(connection.password !== null ? { password: connection.password } : {}),
    };
    const client = mqtt.connect(connection.url, options);
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      try {
        this.handler?.({ topic, payload, retained: packet.retain });
      } catch (err) {
        this.logger.error(`handling a message on ${topic} failed: ${(err as Error).stack ?? String(err)}`);
      }
    });
    client.on('connect', () => {
      this.logger.log(`connected to ${redact(connection.url)} as ${this.config.mqttClientId}`);
      // What this server speaks, retained for every agent (protocol.ts). Every instance of one
      // release publishes the same; during a rolling upgrade the last one to connect wins.
      const announcement: ServerAnnouncement = {
        softwareVersion: SERVER_VERSION,
        protocol: CURRENT_PROTOCOL,
        minAgentProtocol: MIN_AGENT_PROTOCOL,
        at: Date.now(),
      };
      client.publish(SERVER_ANNOUNCEMENT_TOPIC, JSON.stringify(announcement), { qos: 1, retain: true }, (err) => {
        if (err && this.client === client) this.logger.warn(`could not announce the server's versions: ${err.message}`);
      });
      // Subscribing again on every connection also brings the agents' retained states.
      client.subscribe(serverSubscriptions(shared), { qos: 1 }, (err, granted) => {
        if (err && this.client === client) this.logger.error(`subscribing failed: ${err.message}`);
        const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
        if (refused.length) this.logger.error(`the broker refused subscriptions: ${refused.join(', ')}`);
      });
    });
    client.on('offline', () => this.logger.warn(`lost the broker at ${redact(connection.url)}; reconnecting`));
    client.on('error', (err) => this.logger.error(`MQTT: ${err.message}`));

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.logger.warn(`broker ${redact(connection.url)} not reachable yet; will keep trying`);
        resolve();
      }, FIRST_CONNECT_WAIT_MS);
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (err: Error) => {
        if (!FATAL_CONNACK.test(err.message)) return;
        cleanup();
        client.end(true);
        this.client = null;
        reject(new Error(`the MQTT broker at ${redact(connection.url)} refused the server's credentials: ${err.message}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        client.off('connect', onConnect);
        client.off('error', onError);
      };
      client.on('connect', onConnect);
      client.on('error', onError);
    });
  }

  /** Publishes at QoS 1; resolves when the broker acknowledged it. */
  async publish(topic: string, payload: string | Buffer): Promise<void> {
    if (!this.client) throw new Error('the MQTT client is not started');
    await this.client.publishAsync(topic, payload, { qos: 1, retain: false });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    await client.endAsync(true);
  }
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
