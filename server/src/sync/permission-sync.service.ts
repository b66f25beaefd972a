import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Subscription } from 'rxjs';
import type {
  AppliedMessage,
  PermissionCard,
  PermissionDelta,
  PermissionSet,
  PermissionStructure,
  SyncRequest,
} from '@acs/shared/mqtt/payloads';
import { addCardHash, cardHash, combineHash, headerCanonical, removeCardHash } from '@acs/shared/sync/permission-hash';
import { encodePayload } from '@acs/shared/mqtt/payloads';
import { compressLarge } from '@acs/shared/mqtt/compression';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { assembleDocument, snapshotPayloads, splitIntoParts, WIRE_FORMAT } from '@acs/shared/sync/permission-wire';
import { AgentsService } from '../agents/agents.service.js';
import { Clock } from '../common/clock.js';
import { MqttClientService } from '../mqtt/mqtt-client.service.js';
import { type PermissionChange, PermissionChangesService } from '../site/permission-changes.service.js';
import { type CompiledSet, PermissionCompiler, type PermissionSource, type PermissionStructureSource } from './permission-compiler.js';
import { PermissionDeliveryEntity } from './permission-delivery.entity.js';

interface CardGroup {
  entered: ReadonlySet<string>;
  cards: Map<string, PermissionCard>;
  cardSum: bigint;
  version: number;
  /** Schedules the cards' grants use (the header carries those); undefined once a delta changed the cards. */
  scheduleIds?: ReadonlySet<string> | undefined;
}

function scheduleIdsOf(cards: Iterable<PermissionCard>): Set<string> {
  const ids = new Set<string>();
  for (const card of cards) for (const grant of card.grants) if (grant.scheduleId) ids.add(grant.scheduleId);
  return ids;
}

/** Structural changes closer together than this go out as one snapshot. */
export const COALESCE_MS = 50;

/**
 * Keeps every agent's permission set current: after a change (coalesced) it pushes a fresh
 * snapshot to each online agent, answers an agent's `sync` request when it holds an old or
 * unknown version, and records per agent and version what was compiled, sent and confirmed
 * (`permission_deliveries`, the revocation proof: docs/product-rules.md#proof-at-the-doors).
 */
@Injectable()
export class PermissionSyncService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PermissionSync');
  private subscription?: Subscription;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Per group of agents with the same zones: the cards of the current version, as sent. */
  private readonly groups = new Map<string, CardGroup>();
  /** Per agent: the version last sent and its header, the base of the next delta. */
  private readonly lastSent = new Map<
    string,
    { version: number; hash: string; header: Omit<PermissionSet, 'cards'>; groupKey: string; cardSum: bigint }
  >();
  private stopped = false;
  /**
   * Per agent, from its last sync request: whether it reads binary sets. Older agents
   * do not say so and keep getting JSON (their upgrade is a package away; refusing them would
   * leave their doors on an old set). An agent not heard from since this server started gets
   * JSON too, which every agent reads, until its next sync request.
   */
  private readonly binaryAgents = new Map<string, boolean>();
  private readonly warnedJson = new Set<string>();
  private transferId = Math.floor(Math.random() * 0xffff_ffff);

  constructor(
    @InjectRepository(PermissionDeliveryEntity) private readonly deliveries: Repository<PermissionDeliveryEntity>,
    private readonly compiler: PermissionCompiler,
    private readonly changes: PermissionChangesService,
    private readonly agents: AgentsService,
    private readonly mqtt: MqttClientService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.subscription = this.changes.changes$.subscribe((change) => {
      if (change.structural) {
        // Zones, doors, schedules, site settings: the cards of a group (agents entering the same
        // zones) stay what they are, so the groups are kept; agents get the new header, or a
        // whole new set when they cannot take a header alone.
        this.schedulePush();
      } else {
        // A card-level change (revocations first among them) goes out at once as deltas.
        this.enqueue(() => this.pushDelta(change));
      }
    });
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

  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((err: unknown) => {
      this.logger.error(`pushing permission changes failed: ${(err as Error).stack ?? String(err)}`);
    });
  }

  /**
   * Brings every cached card group up to the change, then sends each online agent the cards
   * that changed on top of the version it was last sent; an agent with nothing to build on
   * (never sent, offline meanwhile, a schedule its set lacks) gets a snapshot instead.
   */
  private async pushDelta(change: PermissionChange): Promise<void> {
    if (this.stopped) return;
    const affected = await this.compiler.loadAffected(change.cardIds, change.personIds);
    for (const group of this.groups.values()) {
      for (const [credential, source] of affected) {
        const next = source ? this.compiler.cardPayload(source, group.entered) : null;
        const previous = group.cards.get(credential) ?? null;
        if (previous && next && cardHash(previous) === cardHash(next)) continue;
        if (previous) group.cardSum = removeCardHash(group.cardSum, previous);
        if (next) {
          group.cardSum = addCardHash(group.cardSum, next);
          group.cards.set(credential, next);
        } else {
          group.cards.delete(credential);
        }
        group.scheduleIds = undefined;
      }
    }
    const online = new Set(await this.agents.onlineAgentIds());
    // An agent that missed a delta while offline starts again from a snapshot.
    for (const agentId of this.lastSent.keys()) if (!online.has(agentId)) this.lastSent.delete(agentId);
    let source: PermissionSource | null = null;
    const now = this.clock.now();
    for (const agentId of online) {
      const last = this.lastSent.get(agentId);
      const group = last ? this.groups.get(last.groupKey) : undefined;
      if (!last || !group) {
        source ??= await this.compiler.loadSource();
        await this.send(agentId, source, `change ${change.version} (no base for a delta)`);
        continue;
      }
      const upserts: PermissionCard[] = [];
      const removals: string[] = [];
      for (const credential of affected.keys()) {
        const card = group.cards.get(credential);
        if (card) upserts.push(card);
        else removals.push(credential);
      }
      const known = new Set(last.header.schedules.map((s) => s.id));
      if (upserts.some((c) => c.grants.some((g) => g.scheduleId !== null && !known.has(g.scheduleId)))) {
        source ??= await this.compiler.loadSource();
        await this.send(agentId, source, `change ${change.version} (a schedule the agent's set lacks)`);
        continue;
      }
      // A structural change read after this card change was committed may already carry a
      // later version: the delta then completes that version instead of going back.
      const version = Math.max(change.version, last.version);
      const header = { ...last.header, version, issuedAt: now };
      const hash = combineHash(headerCanonical(header), group.cardSum);
      const delta: PermissionDelta = {
        kind: 'delta',
        agentId,
        baseVersion: last.version,
        baseHash: last.hash,
        version,
        issuedAt: now,
        upserts,
        removals,
        hash,
      };
      await this.recordSent(agentId, version, hash, group.cards.size, now);
      this.lastSent.set(agentId, { version, hash, header, groupKey: last.groupKey, cardSum: group.cardSum });
      this.mqtt
        .publish(agentTopic(agentId, 'permissions'), await compressLarge(encodePayload('permissions', delta)))
        .catch((err: unknown) => {
          this.logger.warn(`permission delta ${change.version} for agent ${agentId} not delivered: ${(err as Error).message}`);
        });
      this.logger.log(
        `sent permission delta ${last.version} → ${change.version} to agent ${agentId} (${upserts.length} cards, ${removals.length} removed${change.revokes ? ', revocation' : ''})`,
      );
    }
    await this.agents.broadcastAll();
  }

  private schedulePush(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.chain = this.chain
        .then(() => this.pushToOnlineAgents(true))
        .catch((err: unknown) => {
          this.logger.error(`pushing permission sets failed: ${(err as Error).stack ?? String(err)}`);
        });
    }, COALESCE_MS);
  }

  private async pushToOnlineAgents(structural = false): Promise<void> {
    if (this.stopped) return;
    const online = await this.agents.onlineAgentIds();
    let structure: PermissionStructureSource | null = null;
    let source: PermissionSource | null = null;
    for (const agentId of online) {
      if (structural) {
        structure ??= await this.compiler.loadStructure();
        if (await this.sendStructure(agentId, structure)) continue;
      }
      source ??= await this.compiler.loadSource();
      await this.send(agentId, source, 'change');
    }
    await this.agents.broadcastAll();
  }

  /** An agent asks for what it lacks: on first contact, or when it holds an old or unknown version. */
  async handleSyncRequest(agentId: string, request: SyncRequest): Promise<void> {
    this.binaryAgents.set(agentId, request.accepts?.includes(WIRE_FORMAT) ?? false);
    let source = await this.recentSource();
    if (request.haveVersion !== null && request.haveVersion > source.version) {
      // Only a server restored from a backup is behind its agents; a set with a version the
      // agent already passed would look stale to it, so the server's version jumps ahead.
      const raised = await this.changes.raiseAbove(
        request.haveVersion,
        `agent ${agentId} holds version ${request.haveVersion}, ahead of the server's ${source.version}`,
      );
      this.logger.warn(
        `agent ${agentId} holds permission version ${request.haveVersion}, newer than the server's ${source.version} (restored from a backup?); version raised to ${raised ?? 'above it already'}`,
      );
      this.recent = null;
      source = await this.recentSource();
    }
    if (request.haveVersion === source.version && request.haveHash !== null) {
      const delivery = await this.deliveries.findOneBy({ agentId, version: source.version });
      if (delivery?.compiledHash === request.haveHash) {
        this.logger.debug?.(`agent ${agentId} already holds version ${source.version}`);
        return;
      }
    }
    await this.send(agentId, source, `sync request (holds ${request.haveVersion ?? 'nothing'})`);
  }

  private recent: { source: Promise<PermissionSource>; at: number } | null = null;

  /**
   * Agents coming online together (after a server restart, a network outage) ask at once: they
   * share one read of the database while its version stays the same (the version is raised
   * after each change commits, so a source of the current version is complete).
   */
  private async recentSource(): Promise<PermissionSource> {
    const now = this.clock.now();
    if (this.recent && now - this.recent.at < 10_000) {
      const cached = await this.recent.source.catch(() => null);
      if (cached && cached.version === (await this.compiler.currentVersion())) return cached;
    }
    const source = this.compiler.loadSource();
    this.recent = { source, at: now };
    return source;
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

  /**
   * After a structural change: an agent that reads `acsp/1`, was sent a set this
   * server still holds the cards of, and still enters the same zones gets the new header alone:
   * kilobytes, and no read or compile of a single card. False when it needs a snapshot.
   */
  private async sendStructure(agentId: string, structure: PermissionStructureSource): Promise<boolean> {
    const last = this.lastSent.get(agentId);
    const group = last ? this.groups.get(last.groupKey) : undefined;
    if (!last || !group || !this.binaryAgents.get(agentId)) return false;
    const now = this.clock.now();
    group.scheduleIds ??= scheduleIdsOf(group.cards.values());
    const { header, groupKey } = this.compiler.headerFor(structure, agentId, now, group.scheduleIds);
    if (groupKey !== last.groupKey) return false;
    // A card change read after the structure may have carried a later version already.
    if (header.version < last.version) header.version = last.version;
    const hash = combineHash(headerCanonical(header), group.cardSum);
    if (header.version === last.version && hash === last.hash) return true;
    const message: PermissionStructure = { kind: 'structure', agentId, baseVersion: last.version, baseHash: last.hash, header, hash };
    await this.recordSent(agentId, header.version, hash, group.cards.size, now);
    this.lastSent.set(agentId, { version: header.version, hash, header, groupKey, cardSum: group.cardSum });
    this.mqtt.publish(agentTopic(agentId, 'permissions'), encodePayload('permissions', message)).catch((err: unknown) => {
      this.logger.warn(`structural change ${header.version} for agent ${agentId} not delivered: ${(err as Error).message}`);
    });
    this.logger.log(`sent structural change ${last.version} → ${header.version} to agent ${agentId} (header only, cards unchanged)`);
    return true;
  }

  /** What this agent now holds (the base of its next delta or structural change) and the cards of agents like it. */
  private remember(agentId: string, compiled: CompiledSet, groupKey: string): void {
    const { set, hash } = compiled;
    const group = this.groups.get(groupKey);
    if (!group || group.version < set.version || (group.version === set.version && group.cardSum !== compiled.cardSum)) {
      this.groups.set(groupKey, {
        entered: compiled.entered,
        cards: new Map(set.cards.map((c) => [c.credential, c])),
        cardSum: compiled.cardSum,
        version: set.version,
        scheduleIds: compiled.cards.scheduleIds,
      });
    }
    const { cards: _cards, ...header } = set;
    this.lastSent.set(agentId, { version: set.version, hash, header, groupKey, cardSum: compiled.cardSum });
  }

  private async send(agentId: string, source: PermissionSource, why: string, precompiled?: CompiledSet): Promise<CompiledSet> {
    const now = this.clock.now();
    const compiled = precompiled ?? (await this.compiler.compileFor(source, agentId, now));
    const { set, hash } = compiled;
    await this.recordSent(agentId, set.version, hash, set.cards.length, now);
    this.remember(agentId, compiled, [...compiled.entered].sort().join('|'));
    const binary = this.binaryAgents.get(agentId) ?? false;
    if (!binary && this.binaryAgents.has(agentId) && !this.warnedJson.has(agentId)) {
      this.warnedJson.add(agentId);
      this.logger.warn(
        `agent ${agentId} reads only JSON permission sets (software older than the binary permission format): it gets JSON, several times larger; upgrade it`,
      );
    }
    let payloads: Uint8Array[];
    if (binary) {
      // The cards section is encoded and compressed once per group; per agent only the head.
      const { cards: _cards, ...header } = set;
      const { section, compressed } = await this.compiler.encodedCards(compiled.cards);
      this.transferId = (this.transferId + 1) >>> 0;
      payloads = splitIntoParts(assembleDocument({ hash, header }, section, compressed), this.transferId);
    } else {
      payloads = await snapshotPayloads({ kind: 'snapshot', set, hash }, 'json');
    }
    const topic = agentTopic(agentId, 'permissions');
    // The parts in order, on one connection at QoS 1: the agent joins them as they come.
    for (const payload of payloads) {
      this.mqtt.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.length)).catch((err: unknown) => {
        this.logger.warn(`permission set ${set.version} for agent ${agentId} not delivered: ${(err as Error).message}`);
      });
    }
    this.logger.log(
      `sent permission set ${set.version} to agent ${agentId} (${set.cards.length} cards, ${binary ? `binary, ${payloads.length} parts` : 'JSON'}, ${why})`,
    );
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
