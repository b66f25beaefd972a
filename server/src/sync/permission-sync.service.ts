import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Subscription } from 'rxjs';
import type { AppliedMessage, SyncRequest } from '@acs/shared/mqtt/payloads';
import { encodePayload } from '@acs/shared/mqtt/payloads';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { AgentsService } from '../agents/agents.service.js';
import { Clock } from '../common/clock.js';
import { MqttClientService } from '../mqtt/mqtt-client.service.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import { type CompiledSet, PermissionCompiler, type PermissionSource } from './permission-compiler.js';
import { PermissionDeliveryEntity } from './permission-delivery.entity.js';

/** Changes closer together than this go out as one snapshot. */
export const COALESCE_MS = 50;

/**
 * Keeps every agent's permission set current: after a change (coalesced) it pushes a fresh
 * snapshot to each online agent, answers an agent's `sync` request when it holds an old or
 * unknown version, and records per agent and version what was compiled, sent and confirmed
 * (`permission_deliveries`, the revocation proof of issue 4).
 */
@Injectable()
export class PermissionSyncService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PermissionSync');
  private subscription?: Subscription;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @InjectRepository(PermissionDeliveryEntity) private readonly deliveries: Repository<PermissionDeliveryEntity>,
    private readonly compiler: PermissionCompiler,
    private readonly changes: PermissionChangesService,
    private readonly agents: AgentsService,
    private readonly mqtt: MqttClientService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.subscription = this.changes.changes$.subscribe(() => this.schedulePush());
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves once no push is scheduled or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.timer) await new Promise((r) => setTimeout(r, COALESCE_MS));
    await this.chain;
  }

  private schedulePush(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.chain = this.chain.then(() => this.pushToOnlineAgents()).catch((err: unknown) => {
        this.logger.error(`pushing permission sets failed: ${(err as Error).stack ?? String(err)}`);
      });
    }, COALESCE_MS);
  }

  private async pushToOnlineAgents(): Promise<void> {
    if (this.stopped) return;
    const online = await this.agents.onlineAgentIds();
    if (online.length > 0) {
      const source = await this.compiler.loadSource();
      for (const agentId of online) await this.send(agentId, source, 'change');
    }
    await this.agents.broadcastAll();
  }

  /** An agent asks for what it lacks: on first contact, or when it holds an old or unknown version. */
  async handleSyncRequest(agentId: string, request: SyncRequest): Promise<void> {
    const source = await this.compiler.loadSource();
    if (request.haveVersion === source.version && request.haveHash !== null) {
      const delivery = await this.deliveries.findOneBy({ agentId, version: source.version });
      if (delivery?.compiledHash === request.haveHash) {
        this.logger.debug?.(`agent ${agentId} already holds version ${source.version}`);
        return;
      }
    }
    await this.send(agentId, source, `sync request (holds ${request.haveVersion ?? 'nothing'})`);
  }

  /** The agent's proof that a version is in force at its doors. */
  async handleApplied(agentId: string, message: AppliedMessage): Promise<void> {
    const confirmedAt = this.clock.now();
    const delivery = await this.deliveries.findOneBy({ agentId, version: message.version });
    const hashMatches = delivery?.compiledHash ? delivery.compiledHash === message.hash : null;
    const proof = { appliedAt: message.appliedAt, confirmedAt, reportedHash: message.hash, hashMatches };
    if (delivery) {
      await this.deliveries.update({ agentId, version: message.version }, proof);
    } else {
      await this.deliveries.insert({ agentId, version: message.version, compiledHash: null, cardCount: null, sentAt: null, ...proof });
    }
    if (hashMatches === false) {
      this.logger.warn(
        `agent ${agentId} applied version ${message.version} with hash ${message.hash}, but the server compiled ${delivery!.compiledHash}`,
      );
    } else if (hashMatches === null) {
      this.logger.warn(`agent ${agentId} applied version ${message.version}, which this server never sent it`);
    } else {
      this.logger.log(`agent ${agentId} applied version ${message.version}`);
    }
    await this.agents.recordApplied(agentId, message.version, message.hash, message.appliedAt, hashMatches);
  }

  private async send(agentId: string, source: PermissionSource, why: string): Promise<CompiledSet> {
    const now = this.clock.now();
    const compiled = this.compiler.compileFor(source, agentId, now);
    const { set, hash } = compiled;
    await this.recordSent(agentId, set.version, hash, set.cards.length, now);
    const payload = encodePayload('permissions', { kind: 'snapshot', set, hash });
    this.mqtt.publish(agentTopic(agentId, 'permissions'), payload).catch((err: unknown) => {
      this.logger.warn(`permission set ${set.version} for agent ${agentId} not delivered: ${(err as Error).message}`);
    });
    this.logger.log(`sent permission set ${set.version} to agent ${agentId} (${set.cards.length} cards, ${why})`);
    return compiled;
  }

  private async recordSent(agentId: string, version: number, hash: string, cardCount: number, now: number): Promise<void> {
    const existing = await this.deliveries.findOneBy({ agentId, version });
    if (!existing) {
      await this.deliveries.insert({
        agentId,
        version,
        compiledHash: hash,
        cardCount,
        sentAt: now,
        appliedAt: null,
        confirmedAt: null,
        reportedHash: null,
        hashMatches: null,
      });
    } else if (existing.compiledHash !== hash) {
      // Same version, different content: a change reached the data before its version bump.
      await this.deliveries.update({ agentId, version }, { compiledHash: hash, cardCount, sentAt: existing.sentAt ?? now });
    }
  }
}
