import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import type { AgentState } from '@acs/shared/mqtt/payloads';
import type { AgentView } from '@acs/shared/api/agents';
import { notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import type { DoorEntity } from '../doors/door.entity.js';
import { DoorRepository } from '../doors/door.repository.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { SiteService } from '../site/site.service.js';
import { AgentCredentialsService } from './agent-credentials.service.js';
import { AgentEntity } from './agent.entity.js';
import type { CreatedAgentView } from './agent.views.js';

/** `lastSeenAt` is written at most this often while nothing else about the agent changes. */
const LAST_SEEN_WRITE_MS = 5_000;

/**
 * The registry of edge agents: who they are, whether they are online (their retained
 * state and last will), when they were last heard from, and which permission version
 * they confirmed. Every change is pushed to the dashboard as `agent:v1`.
 */
@Injectable()
export class AgentsService {
  private readonly logger = new Logger('Agents');
  /** Agents known to exist (agents are not deleted while the server runs). */
  private readonly known = new Set<string>();

  constructor(
    @InjectRepository(AgentEntity) private readonly repo: Repository<AgentEntity>,
    private readonly doors: DoorRepository,
    private readonly credentials: AgentCredentialsService,
    private readonly site: SiteService,
    private readonly realtime: RealtimeGateway,
    private readonly clock: Clock,
    private readonly signals: DomainSignalBus,
  ) {}

  async list(): Promise<AgentView[]> {
    const [agents, doors, version] = await Promise.all([
      this.repo.find({ order: { id: 'ASC' } }),
      this.doors.agentLinks(),
      this.site.permissionVersion(),
    ]);
    return agents.map((a) => this.toView(a, doors, version));
  }

  async view(id: string): Promise<AgentView> {
    const agent = await this.repo.findOneBy({ id });
    if (!agent) throw notFound(`agent ${id}`);
    const [doors, version] = await Promise.all([this.doors.agentLinks(id), this.site.permissionVersion()]);
    return this.toView(agent, doors, version);
  }

  async create(id: string, name: string | undefined): Promise<CreatedAgentView> {
    const { agent, mqttPassword } = await this.credentials.create(id, name ?? id);
    this.logger.log(`agent ${id} registered`);
    const view = await this.view(agent.id);
    this.realtime.emitAgent(view);
    return { agent: view, mqttPassword };
  }

  async exists(id: string): Promise<boolean> {
    return this.repo.existsBy({ id });
  }

  /**
   * An agent the broker let through but the registry does not know: possible with an
   * external broker whose password file is managed outside the server. It is recorded
   * (with no usable password for the embedded broker) so its events and proofs are kept.
   */
  async registerSeenByBroker(id: string): Promise<void> {
    // Agents are never deleted while the server runs: once seen, no need to ask again.
    if (this.known.has(id)) return;
    if (await this.repo.existsBy({ id })) {
      this.known.add(id);
      return;
    }
    this.logger.warn(`agent ${id} is not registered but the broker let it in; registering it`);
    await this.repo.insert(
      this.repo.create({
        id,
        name: id,
        mqttPasswordHash: '!',
        online: false,
        lastSeenAt: null,
        softwareVersion: null,
        appliedVersion: null,
        appliedHash: null,
        appliedAt: null,
        hashMatches: null,
        contiguousSeq: 0,
        createdAt: this.clock.now(),
      }),
    );
  }

  async onlineAgentIds(): Promise<string[]> {
    const agents = await this.repo.find({ select: { id: true }, where: { online: true } });
    return agents.map((a) => a.id);
  }

  /**
   * The agent's retained state or last will. Every server instance receives it; the
   * presence change is acted on (pushed, signalled to the alerts) by the one instance whose
   * conditional update actually flipped the row, so N instances raise one alert, not N.
   */
  async handleState(id: string, state: AgentState): Promise<void> {
    const agent = await this.repo.findOneByOrFail({ id });
    const now = this.clock.now();
    const flipped = await this.setOnline(id, state.online, now);
    const versionChanged = state.softwareVersion !== undefined && state.softwareVersion !== agent.softwareVersion;
    await this.repo.update(
      { id },
      {
        lastSeenAt: now,
        ...(state.softwareVersion !== undefined ? { softwareVersion: state.softwareVersion } : {}),
        ...(state.outboxDepth !== undefined ? { outboxDepth: state.outboxDepth } : {}),
      },
    );
    if (flipped || versionChanged) {
      this.logger.log(`agent ${id} is ${state.online ? 'online' : 'offline'}`);
      this.realtime.emitAgent(await this.view(id));
      if (flipped) this.signals.emit('agent.presence', { agentId: id, online: state.online, at: now });
    }
  }

  /** Any message from the agent shows it is alive. */
  async touch(id: string): Promise<void> {
    const now = this.clock.now();
    const agent = await this.repo.findOne({ select: { id: true, lastSeenAt: true, online: true }, where: { id } });
    if (!agent) return;
    if (!agent.online) {
      // A message after a last will means the agent is back even before its state arrives.
      if (await this.setOnline(id, true, now)) {
        this.realtime.emitAgent(await this.view(id));
        this.signals.emit('agent.presence', { agentId: id, online: true, at: now });
      }
    } else if (agent.lastSeenAt === null || now - agent.lastSeenAt >= LAST_SEEN_WRITE_MS) {
      await this.repo.update({ id }, { lastSeenAt: now });
    }
  }

  /** Sets the presence flag; true only for the caller whose update changed it. */
  private async setOnline(id: string, online: boolean, now: number): Promise<boolean> {
    const result = await this.repo.update({ id, online: !online }, { online, lastSeenAt: now });
    return (result.affected ?? 0) > 0;
  }

  async recordApplied(id: string, version: number, hash: string, appliedAt: number, hashMatches: boolean | null): Promise<void> {
    await this.repo.update({ id }, { appliedVersion: version, appliedHash: hash, appliedAt, hashMatches });
    this.realtime.emitAgent(await this.view(id));
  }

  /** Tells the dashboard about every agent again (after the target version moved). */
  async broadcastAll(): Promise<void> {
    for (const view of await this.list()) this.realtime.emitAgent(view);
  }

  private toView(agent: AgentEntity, doors: Pick<DoorEntity, 'id' | 'agentId'>[], targetVersion: number): AgentView {
    return {
      id: agent.id,
      name: agent.name,
      online: agent.online,
      lastSeenAt: agent.lastSeenAt,
      targetVersion,
      appliedVersion: agent.appliedVersion,
      appliedAt: agent.appliedAt,
      hashMatches: agent.hashMatches,
      doors: doors.filter((d) => d.agentId === agent.id).map((d) => d.id),
    };
  }

  // ---- asked by alerts (the sync-lag rule) --------------------------------------------

  /** Agents the sync-lag rule watches: online ones, and any still marked as behind. */
  async syncLagCandidates(): Promise<Array<Pick<AgentEntity, 'id' | 'appliedVersion' | 'online' | 'behindSince'>>> {
    return this.repo.find({
      select: { id: true, appliedVersion: true, online: true, behindSince: true },
      where: [{ online: true }, { behindSince: Not(IsNull()) }],
    });
  }

  /** Since when the agent is behind the current permission version (null: caught up). */
  async markBehindSince(id: string, since: number | null): Promise<void> {
    await this.repo.update({ id }, { behindSince: since });
  }
}
