/**
 * The agent's link to the server over MQTT (mqtt.js).
 *
 * - Connects with the agent's own credentials; last will: retained `{online: false}` on
 *   `state`. On every connect: retained `{online: true}`, subscriptions to the agent's
 *   server channels, and a `sync` request with the version and hash it holds.
 * - `permissions`: handed as bytes to the `PermissionHolder`, which decodes and checks them
 *   in its worker thread (a bad payload is logged and refused), and confirmed on `applied`.
 * - Events: read from the durable outbox and published at QoS 1 only while connected,
 *   one batch at a time (see `maxUnacked`); they stay in the outbox until
 *   `events-ack` lists them and are sent again after a reconnect or an ack timeout.
 *   Nothing is handed to mqtt.js while offline, so it never builds a queue of its own.
 *
 * Nothing here touches a door: losing the link changes nothing at the doors.
 */
import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { agentClientId, agentSubscriptions, agentTopic, parseAgentTopic, SERVER_ANNOUNCEMENT_TOPIC } from '@acs/shared/mqtt/topics';
import { CURRENT_PROTOCOL } from '@acs/shared/mqtt/protocol';
import {
  decodePayload,
  decodeServerAnnouncement,
  encodePayload,
  type AgentEvent,
  type AgentState,
  type AppliedMessage,
  type CommandMessage,
  type ServerAnnouncement,
} from '@acs/shared/mqtt/payloads';
import { WIRE_FORMAT } from '@acs/shared/sync/permission-wire';
import type { ReadersReport } from '@acs/shared/readers/reader-report';
import type { Logger } from '../log/logger.js';
import { redactUrl } from '../log/logger.js';
import type { Outbox } from '../store/outbox.js';
import type { PermissionHolder } from '../decision/permission-holder.js';
import { ReconnectBackoff } from './reconnect-backoff.js';
import { tlsErrorHint, type MqttTlsOptions } from '../config/agent-config.js';

/** How long a stop waits for the broker and for messages being handled. */
const STOP_GRACE_MS = 2000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export interface MqttLinkOptions {
  agentId: string;
  url: string;
  username: string;
  password?: string;
  /** CA (and client certificate) for mqtts:// URLs; without it Node's default CAs apply. */
  tls?: MqttTlsOptions;
  keepaliveSec: number;
  outbox: Outbox;
  permissions: PermissionHolder;
  doors: string[];
  softwareVersion: string;
  log: Logger;
  /** Events per `events` message. Default 100. */
  batchSize?: number;
  /**
   * Events published but not yet acknowledged, at most. Default: one batch. With several
   * server instances sharing the agents' traffic (MQTT shared subscriptions), one batch in
   * flight is what keeps an agent's events handled in order: batch n+1 is not sent before
   * some instance stored and acknowledged batch n.
   */
  maxUnacked?: number;
  /** Unacknowledged events are sent again after this. Default 10 s. */
  ackTimeoutMs?: number;
  /** First delay between reconnect attempts; it doubles per failed attempt (with jitter). Default 1 s. */
  reconnectPeriodMs?: number;
  /** Longest delay between reconnect attempts. Default 60 s. */
  reconnectMaxMs?: number;
  /** How often the outbox depth is looked at, and the state re-published if it changed notably. Default 5 s. */
  outboxReportMs?: number;
}

/**
 * Whether the outbox depth moved enough to tell the server (and its metrics) again: emptied,
 * started filling, or changed by a fifth and at least 10 events. Small steady traffic then
 * costs no state message, a backlog building up or draining does.
 */
export function outboxDepthChangedNotably(reported: number | null, now: number): boolean {
  if (reported === null) return true;
  if ((reported === 0) !== (now === 0)) return true;
  const change = Math.abs(now - reported);
  return change >= 10 && change >= reported / 5;
}

export interface MqttLinkEvents {
  connected: [];
  disconnected: [];
  applied: [message: AppliedMessage];
  acked: [seqs: number[]];
  /** A server command other than `resync` (reader commands), already validated. */
  command: [command: Exclude<CommandMessage, { command: 'resync' }>];
}

export class MqttLink extends EventEmitter<MqttLinkEvents> {
  private client: MqttClient | null = null;
  /** seq → when it was published, for events awaiting `events-ack`. */
  private readonly unacked = new Map<number, number>();
  /** Highest seq published in this connection; the next batch starts after it. */
  private sentUpTo = 0;
  private flushing = false;
  private flushAgain = false;
  private ackTimer: NodeJS.Timeout | null = null;
  private inbound: Promise<unknown> = Promise.resolve();
  private permissionsInbound: Promise<unknown> = Promise.resolve();
  private wasConnected = false;
  /** The last connection error logged, so a broker that stays down is not logged every retry. */
  private lastError: string | null = null;
  private readonly onDurable = () => this.wake();
  /** The latest readers report, published again on every (re)connection. */
  private readersReport: ReadersReport | null = null;
  private reportedOutboxDepth: number | null = null;
  private outboxTimer: NodeJS.Timeout | null = null;
  private readonly backoff: ReconnectBackoff;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: MqttLinkOptions) {
    super();
    const minMs = options.reconnectPeriodMs ?? 1000;
    this.backoff = new ReconnectBackoff({ minMs, maxMs: Math.max(minMs, options.reconnectMaxMs ?? 60_000) });
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const { agentId, url, username, password, tls, keepaliveSec, log } = this.options;
    const will: AgentState = { agentId, online: false, at: Date.now() };
    const clientOptions: IClientOptions = {
      clientId: agentClientId(agentId),
      username,
      ...(password !== undefined ? { password } : {}),
      ...(tls ?? {}),
      keepalive: keepaliveSec,
      clean: true,
      // mqtt.js retries at a fixed period and stops for good after a refused CONNACK
      // ("Identifier rejected", "Not authorized"): the process would live on with doors
      // deciding but revocations never arriving. The link schedules every retry itself.
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      queueQoSZero: false,
      will: { topic: agentTopic(agentId, 'state'), payload: Buffer.from(encodePayload('state', will)), qos: 1, retain: true },
    };
    if (password === undefined && tls?.cert === undefined) log.warn('connecting to the broker without a password');
    log.info('connecting to the broker', { url: redactUrl(url), username });
    const client = connect(url, clientOptions);
    this.client = client;
    client.on('connect', () => this.onConnect());
    client.on('close', () => {
      // After stop() the client is no longer ours: an intended disconnect, not an outage.
      if (this.client !== client) return;
      if (this.wasConnected) {
        this.wasConnected = false;
        log.warn('disconnected from the broker; doors keep deciding from the local set, events wait in the outbox');
        this.emit('disconnected');
      }
      this.scheduleReconnect(client);
    });
    client.on('error', (err) => {
      if (err.message === this.lastError) {
        log.debug(() => `broker connection error (again): ${err.message}`);
        return;
      }
      this.lastError = err.message;
      const hint = tlsErrorHint(err);
      if (hint) log.error(`TLS: ${hint}; retrying in the background`, { error: err.message });
      else log.warn('broker connection error; retrying in the background', { error: err.message });
    });
    client.on('message', (topic, payload) => {
      // Permission sets in their own queue: a million-card snapshot being applied must not hold up event acknowledgements or commands.
      const permissions = topic.endsWith('/permissions');
      const queue = permissions ? this.permissionsInbound : this.inbound;
      const next = queue
        .then(() => this.onMessage(topic, payload))
        .catch((err: unknown) => {
          log.error('failed to handle a server message', { topic, error: (err as Error).message });
        });
      if (permissions) this.permissionsInbound = next;
      else this.inbound = next;
    });
    this.options.outbox.on('durable', this.onDurable);
    const timeout = this.options.ackTimeoutMs ?? 10_000;
    this.ackTimer = setInterval(() => this.checkAckTimeout(timeout), Math.max(250, Math.floor(timeout / 4)));
    this.outboxTimer = setInterval(() => void this.reportOutboxIfChanged(), this.options.outboxReportMs ?? 5000);
    this.outboxTimer.unref();
  }

  /** Publishes the offline state (when connected) and disconnects. */
  async stop(): Promise<void> {
    this.options.outbox.off('durable', this.onDurable);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.ackTimer) clearInterval(this.ackTimer);
    this.ackTimer = null;
    if (this.outboxTimer) clearInterval(this.outboxTimer);
    this.outboxTimer = null;
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (client.connected) {
      const state: AgentState = { agentId: this.options.agentId, online: false, at: Date.now() };
      await Promise.race([
        client
          .publishAsync(agentTopic(this.options.agentId, 'state'), encodePayload('state', state), { qos: 1, retain: true })
          .catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 1000)),
      ]);
    }
    // A graceful end waits for in-flight QoS 1 messages; a broker that never answers must
    // not hold the agent's shutdown (seen in a test run: the stop never returned).
    const ended = new Promise<void>((resolve) => client.end(!client.connected, {}, () => resolve()));
    if ((await Promise.race([ended.then(() => 'ended' as const), delay(STOP_GRACE_MS)])) !== 'ended') {
      this.options.log.warn(`the broker did not complete the disconnect within ${STOP_GRACE_MS} ms; closing the connection`);
      await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    }
    await Promise.race([Promise.all([this.inbound, this.permissionsInbound]), delay(STOP_GRACE_MS)]);
  }

  /** Reconnection attempts since the last successful connection. */
  get failedAttempts(): number {
    return this.backoff.attempts;
  }

  /**
   * Every way a connection ends (network error, broker down, CONNACK refusal, keepalive
   * timeout) closes the stream, so this one place retries them all, forever.
   */
  private scheduleReconnect(client: MqttClient): void {
    if (this.reconnectTimer || this.client !== client) return;
    const delay = this.backoff.next();
    this.options.log.debug(() => `reconnecting in ${delay} ms (attempt ${this.backoff.attempts})`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.client === client && !client.connected) client.reconnect();
    }, delay);
  }

  /** There are new durable events: publish them if the link is up. */
  wake(): void {
    void this.flush();
  }

  /** Re-announces state (e.g. after a new permission version), with the outbox depth read now. */
  publishState(): void {
    void this.publishStateWithDepth();
  }

  private async reportOutboxIfChanged(): Promise<void> {
    if (!this.client?.connected) return;
    try {
      const depth = await this.options.outbox.durableCount();
      if (outboxDepthChangedNotably(this.reportedOutboxDepth, depth)) await this.publishStateWithDepth(depth);
    } catch (err) {
      this.options.log.warn('could not read the outbox depth', { error: (err as Error).message });
    }
  }

  private async publishStateWithDepth(known?: number): Promise<void> {
    let outboxDepth: number | undefined = known;
    if (outboxDepth === undefined) {
      // The state goes out without the depth rather than not at all: presence matters more.
      outboxDepth = await this.options.outbox.durableCount().catch(() => undefined);
    }
    const client = this.client;
    if (!client?.connected) return;
    if (outboxDepth !== undefined) this.reportedOutboxDepth = outboxDepth;
    const state: AgentState = {
      agentId: this.options.agentId,
      online: true,
      at: Date.now(),
      softwareVersion: this.options.softwareVersion,
      permissionVersion: this.options.permissions.current?.version ?? null,
      doors: this.options.doors,
      protocol: CURRENT_PROTOCOL,
      ...(outboxDepth !== undefined ? { outboxDepth } : {}),
    };
    client.publish(agentTopic(this.options.agentId, 'state'), encodePayload('state', state), { qos: 1, retain: true }, (err) => {
      if (err) this.options.log.warn('could not publish state', { error: err.message });
    });
  }

  /** Publishes the state of the agent's readers (retained); kept and sent again after a reconnection. */
  publishReaders(report: ReadersReport): void {
    this.readersReport = report;
    const client = this.client;
    if (!client?.connected) return;
    client.publish(agentTopic(this.options.agentId, 'readers'), encodePayload('readers', report), { qos: 1, retain: true }, (err) => {
      if (err) this.options.log.warn('could not publish the readers report', { error: err.message });
    });
  }

  private onConnect(): void {
    const { agentId, log } = this.options;
    const client = this.client;
    if (!client) return;
    this.wasConnected = true;
    this.lastError = null;
    this.backoff.reset();
    log.info('connected to the broker');
    // Whatever was in flight on the old connection is sent again from the outbox.
    this.unacked.clear();
    this.sentUpTo = 0;
    this.publishState();
    if (this.readersReport) this.publishReaders(this.readersReport);
    client.subscribe(agentSubscriptions(agentId), { qos: 1 }, (err, granted) => {
      if (err) {
        log.error('subscription failed', { error: err.message });
        return;
      }
      const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
      if (refused.length > 0) log.error('the broker refused subscriptions (check the ACL)', { topics: refused });
      this.requestSync();
    });
    // Separately: a broker whose ACL predates the announcement refuses it, and that must not
    // look like a failed subscription to the agent's own channels.
    client.subscribe(SERVER_ANNOUNCEMENT_TOPIC, { qos: 1 }, (err, granted) => {
      if (err || (granted ?? []).some((g) => g.qos === 128))
        log.debug(() => 'the broker does not let this agent read the server announcement');
    });
    this.emit('connected');
    void this.flush();
  }

  private requestSync(force = false): void {
    const client = this.client;
    if (!client?.connected) return;
    const held = this.options.permissions.current;
    // `accepts`: this agent reads binary sets (servers older than the binary format ignore the field).
    const have = force ? { haveVersion: null, haveHash: null } : { haveVersion: held?.version ?? null, haveHash: held?.hash ?? null };
    const payload = { ...have, accepts: [WIRE_FORMAT] };
    client.publish(agentTopic(this.options.agentId, 'sync'), encodePayload('sync', payload), { qos: 1 }, (err) => {
      if (err) this.options.log.warn('could not publish the sync request', { error: err.message });
    });
  }

  /** What the server last announced about itself (null until it did). */
  serverAnnouncement: ServerAnnouncement | null = null;

  private onServerAnnouncement(payload: Buffer): void {
    const { log } = this.options;
    if (payload.length === 0) return;
    const decoded = decodeServerAnnouncement(payload);
    if (!decoded.ok) {
      log.warn(`invalid server announcement ignored:\n${decoded.error}`);
      return;
    }
    this.serverAnnouncement = decoded.value;
    const { softwareVersion, protocol, minAgentProtocol } = decoded.value;
    if (minAgentProtocol > CURRENT_PROTOCOL) {
      log.error(
        `this agent speaks protocol ${CURRENT_PROTOCOL}; the server (${softwareVersion}) needs at least ${minAgentProtocol}: upgrade the agent software. Doors keep deciding from the set in force`,
      );
    } else {
      log.info(
        `server ${softwareVersion} speaks protocol ${protocol}; this agent speaks ${CURRENT_PROTOCOL}, they use ${Math.min(protocol, CURRENT_PROTOCOL)}`,
      );
    }
  }

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    const { log, agentId } = this.options;
    if (topic === SERVER_ANNOUNCEMENT_TOPIC) {
      this.onServerAnnouncement(payload);
      return;
    }
    const parsed = parseAgentTopic(topic);
    if (!parsed || parsed.agentId !== agentId) {
      log.warn('message on an unexpected topic ignored', { topic });
      return;
    }
    switch (parsed.channel) {
      case 'permissions': {
        // Decoded, checked and compiled in the permission worker: this thread only hands the bytes over.
        const outcome = await this.options.permissions.applyPayload(payload);
        if (outcome === null) return;
        if (outcome.status === 'rejected') {
          // A delta that does not fit what the doors hold: ask for the whole set.
          if (outcome.needsSnapshot) this.requestSync();
          return;
        }
        const applied: AppliedMessage = { version: outcome.version, hash: outcome.hash, appliedAt: outcome.appliedAt };
        // Offline, the confirmation is dropped rather than queued: the sync request on the next connect reports the version held.
        if (this.client?.connected) {
          this.client.publish(agentTopic(agentId, 'applied'), encodePayload('applied', applied), { qos: 1 }, (err) => {
            if (err) log.warn('could not confirm the applied version', { error: err.message });
          });
        }
        if (outcome.status === 'applied') this.publishState();
        this.emit('applied', applied);
        return;
      }
      case 'events-ack': {
        const decoded = decodePayload('events-ack', payload);
        if (!decoded.ok) {
          log.error(`invalid events-ack ignored:\n${decoded.error}`);
          return;
        }
        const { seqs } = decoded.value;
        await this.options.outbox.ack(seqs);
        for (const seq of seqs) this.unacked.delete(seq);
        log.debug(() => `server stored ${seqs.length} events`);
        this.emit('acked', seqs);
        void this.flush();
        return;
      }
      case 'commands': {
        const decoded = decodePayload('commands', payload);
        if (!decoded.ok) {
          log.error(`invalid command ignored:\n${decoded.error}`);
          return;
        }
        if (decoded.value.command === 'resync') {
          log.info('server asked for a resync');
          this.requestSync(true);
        } else {
          this.emit('command', decoded.value);
        }
        return;
      }
      default:
        log.debug(() => `ignoring our own channel ${parsed.channel}`);
    }
  }

  private async flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    try {
      do {
        this.flushAgain = false;
        await this.publishBatches();
      } while (this.flushAgain);
    } catch (err) {
      this.options.log.error('could not read events from the outbox', { error: (err as Error).message });
    } finally {
      this.flushing = false;
    }
  }

  private async publishBatches(): Promise<void> {
    const batchSize = this.options.batchSize ?? 100;
    const maxUnacked = this.options.maxUnacked ?? batchSize;
    while (this.connected && this.unacked.size < maxUnacked) {
      const events: AgentEvent[] = await this.options.outbox.read(this.sentUpTo, Math.min(batchSize, maxUnacked - this.unacked.size));
      const client = this.client;
      if (events.length === 0 || !client?.connected) return;
      const now = Date.now();
      for (const event of events) this.unacked.set(event.seq, now);
      this.sentUpTo = events[events.length - 1]!.seq;
      client.publish(agentTopic(this.options.agentId, 'events'), encodePayload('events', { events }), { qos: 1 }, (err) => {
        if (err) this.options.log.warn('event batch not delivered; it stays in the outbox', { error: err.message });
      });
      this.options.log.debug(() => `published ${events.length} events up to seq ${this.sentUpTo}`);
    }
  }

  private checkAckTimeout(timeoutMs: number): void {
    if (!this.connected || this.unacked.size === 0) return;
    const oldest = Math.min(...this.unacked.values());
    if (Date.now() - oldest < timeoutMs) return;
    this.options.log.warn('events not acknowledged in time; sending them again', { unacked: this.unacked.size });
    this.unacked.clear();
    this.sentUpTo = 0;
    void this.flush();
  }
}
