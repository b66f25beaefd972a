import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type AgentChannel, AGENT_PUBLISHES, agentTopic, parseAgentTopic } from '@acs/shared/mqtt/topics';
import { decodePayload, encodePayload } from '@acs/shared/mqtt/payloads';
import { AGENT_PAYLOAD_LIMIT_BYTES } from '@acs/shared/mqtt/limits';
import { CURRENT_PROTOCOL, IMPLICIT_AGENT_PROTOCOL, MIN_AGENT_PROTOCOL } from '@acs/shared/mqtt/protocol';
import { AgentsService } from '../agents/agents.service.js';
import { EventsService } from '../events/events.service.js';
import { type IncomingMqttMessage, MqttClientService } from '../mqtt/mqtt-client.service.js';
import { PermissionSyncService } from '../sync/permission-sync.service.js';
import { ReadersService } from '../readers/readers.service.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';

export interface AgentMessageStats {
  handled: number;
  malformed: number;
  /** Payloads over AGENT_PAYLOAD_LIMIT_BYTES, dropped before decoding. */
  oversized: number;
  /** Messages of agents whose protocol is older than the server serves, refused. */
  outdated: number;
  impersonation: number;
  failed: number;
}

/**
 * Everything agents send arrives here: each payload is decoded with the shared schemas,
 * its agent id checked against the topic, and handed to the owning service. A bad
 * message is logged and dropped; nothing an agent sends can stop the server. Messages of
 * one agent are handled one at a time, in arrival order.
 */
@Injectable()
export class AgentMessageRouter implements OnModuleInit {
  private readonly logger = new Logger('AgentMessages');
  private readonly queues = new Map<string, Promise<void>>();
  readonly stats: AgentMessageStats = { handled: 0, malformed: 0, oversized: 0, outdated: 0, impersonation: 0, failed: 0 };

  constructor(
    private readonly mqtt: MqttClientService,
    private readonly agents: AgentsService,
    private readonly events: EventsService,
    private readonly sync: PermissionSyncService,
    private readonly readers: ReadersService,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.mqtt.onMessage((message) => this.enqueue(message));
  }

  /** Resolves when every message received so far has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  private enqueue(message: IncomingMqttMessage): void {
    const parsed = parseAgentTopic(message.topic);
    if (!parsed || !(AGENT_PUBLISHES as readonly string[]).includes(parsed.channel)) {
      this.stats.malformed += 1;
      this.logger.warn(`dropped a message on unexpected topic ${message.topic}`);
      return;
    }
    const { agentId } = parsed;
    const channel = parsed.channel as AgentChannel;
    // The brokers refuse such packets already; an external broker set up with a larger
    // limit must not make the server decode (and hold) them either.
    if (message.payload.length > AGENT_PAYLOAD_LIMIT_BYTES) {
      this.stats.oversized += 1;
      this.logger.warn(
        `dropped a message of ${message.payload.length} bytes from agent ${agentId} on ${message.topic}: over the limit of ${AGENT_PAYLOAD_LIMIT_BYTES} bytes`,
      );
      return;
    }
    const previous = this.queues.get(agentId) ?? Promise.resolve();
    const next = previous
      .then(() => this.metrics.timeMqtt(channel, () => this.handle(agentId, channel, message)))
      .catch((err: unknown) => {
        this.stats.failed += 1;
        this.logger.error(`handling ${channel} from agent ${agentId} failed: ${(err as Error).stack ?? String(err)}`);
      });
    this.queues.set(agentId, next);
    void next.then(() => {
      if (this.queues.get(agentId) === next) this.queues.delete(agentId);
    });
  }

  /**
   * Agents whose stated protocol is older than this server serves: their state is still
   * read (so an upgraded agent is let back at once), anything else they send is refused.
   */
  private readonly outdated = new Set<string>();

  private noteProtocol(agentId: string, protocol: number, softwareVersion: string | null): void {
    if (protocol >= MIN_AGENT_PROTOCOL) {
      this.outdated.delete(agentId);
      return;
    }
    if (!this.outdated.has(agentId)) {
      this.logger.error(
        `agent ${agentId} (software ${softwareVersion ?? '?'}) speaks protocol ${protocol}; this server serves ${MIN_AGENT_PROTOCOL} to ${CURRENT_PROTOCOL}: refusing its messages until it is upgraded`,
      );
    }
    this.outdated.add(agentId);
    this.signals.emit('agent.outdated', { agentId, protocol, softwareVersion, at: this.clock.now() });
  }

  private async handle(agentId: string, channel: AgentChannel, message: IncomingMqttMessage): Promise<void> {
    // An empty retained payload clears a retained state; there is nothing to read.
    if (message.payload.length === 0 && channel === 'state') return;
    if (channel !== 'state' && this.outdated.has(agentId)) {
      this.stats.outdated += 1;
      return;
    }
    switch (channel) {
      case 'state': {
        const decoded = decodePayload('state', message.payload);
        if (!decoded.ok) return this.malformed(agentId, message.topic, decoded.error);
        if (decoded.value.agentId !== agentId) return this.impersonation(agentId, message.topic, decoded.value.agentId);
        if (decoded.value.online)
          this.noteProtocol(agentId, decoded.value.protocol ?? IMPLICIT_AGENT_PROTOCOL, decoded.value.softwareVersion ?? null);
        await this.agents.registerSeenByBroker(agentId);
        await this.agents.handleState(agentId, decoded.value);
        break;
      }
      case 'events': {
        const decoded = decodePayload('events', message.payload);
        if (!decoded.ok) return this.malformed(agentId, message.topic, decoded.error);
        const foreign = decoded.value.events.find((e) => e.agentId !== agentId);
        if (foreign) return this.impersonation(agentId, message.topic, foreign.agentId);
        await this.agents.registerSeenByBroker(agentId);
        await this.agents.touch(agentId);
        const result = await this.events.ingest(agentId, decoded.value.events);
        await this.mqtt.publish(agentTopic(agentId, 'events-ack'), encodePayload('events-ack', { seqs: result.ackSeqs }));
        if (result.duplicates > 0) this.logger.debug?.(`agent ${agentId}: ${result.duplicates} duplicate event(s) acknowledged again`);
        break;
      }
      case 'sync': {
        const decoded = decodePayload('sync', message.payload);
        if (!decoded.ok) return this.malformed(agentId, message.topic, decoded.error);
        await this.agents.registerSeenByBroker(agentId);
        await this.agents.touch(agentId);
        await this.sync.handleSyncRequest(agentId, decoded.value);
        break;
      }
      case 'applied': {
        const decoded = decodePayload('applied', message.payload);
        if (!decoded.ok) return this.malformed(agentId, message.topic, decoded.error);
        await this.agents.registerSeenByBroker(agentId);
        await this.agents.touch(agentId);
        await this.sync.handleApplied(agentId, decoded.value);
        // The agent stamps `appliedAt` with its own clock just before sending: the difference
        // to ours is its clock drift (plus the broker's few milliseconds).
        this.signals.emit('agent.clock', { agentId, driftMs: decoded.value.appliedAt - this.clock.now(), at: this.clock.now() });
        break;
      }
      case 'readers': {
        // Retained: an empty payload clears it and says nothing.
        if (message.payload.length === 0) return;
        const decoded = decodePayload('readers', message.payload);
        if (!decoded.ok) return this.malformed(agentId, message.topic, decoded.error);
        if (decoded.value.agentId !== agentId) return this.impersonation(agentId, message.topic, decoded.value.agentId);
        await this.agents.registerSeenByBroker(agentId);
        await this.readers.handleReport(agentId, decoded.value);
        break;
      }
    }
    this.stats.handled += 1;
  }

  private malformed(agentId: string, topic: string, error: string): void {
    this.stats.malformed += 1;
    this.logger.warn(`dropped a malformed message from agent ${agentId} on ${topic}: ${error.replace(/\s+/g, ' ').slice(0, 500)}`);
  }

  private impersonation(agentId: string, topic: string, claimed: string): void {
    this.stats.impersonation += 1;
    this.logger.warn(`refused a message on ${topic}: it claims agent ${claimed} but came from agent ${agentId}`);
  }
}
