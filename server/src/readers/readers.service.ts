import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, Repository } from 'typeorm';
import type { UserRef } from '@acs/shared/api/users';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { encodePayload, type CommandMessage } from '@acs/shared/mqtt/payloads';
import { osdpReaderDetailSchema, type OsdpReaderDetail, type ReadersReport } from '@acs/shared/readers/reader-report';
import {
  parseReaderRef,
  readerRef,
  type ReaderKeyOperationKind,
  type ReaderKeyOperationView,
  type ReaderKeyView,
  type ReaderView,
} from '@acs/shared/readers/reader-views';
import { AuditService } from '../audit/audit.service.js';
import { conflict, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { MqttClientService } from '../mqtt/mqtt-client.service.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { ReaderKeyEntity } from './reader-key.entity.js';
import { ReaderKeyOperationEntity } from './reader-key-operation.entity.js';
import { ReaderKeyVault } from './reader-key-vault.js';
import { ReaderEntity } from './reader.entity.js';
import { AgentRepository } from '../agents/agent.repository.js';
import { UsersService } from '../auth/users.service.js';

/**
 * Readers as their agents report them, and OSDP key management: provisioning windows
 * (install mode for one reader), key installation and rotation with keys the server
 * generates and keeps sealed, every operation recorded with who asked and what the agent
 * answered. Commands travel on the owning agent's `commands` topic.
 *
 * The audit log gets each operation as an explicit action (`reader.provisioning_window`,
 * `reader.key_install`, `reader.key_rotate`, and `reader.operation_done`/`_failed` when the
 * agent answers) naming the key by its id only; the key tables themselves are kept out of
 * the generic entity audit (audit-policy.ts), so no sealed key is ever copied into the
 * append-only log.
 */
@Injectable()
export class ReadersService {
  private readonly logger = new Logger('Readers');

  constructor(
    @InjectRepository(ReaderEntity) private readonly readers: Repository<ReaderEntity>,
    @InjectRepository(ReaderKeyEntity) private readonly keys: Repository<ReaderKeyEntity>,
    @InjectRepository(ReaderKeyOperationEntity) private readonly operations: Repository<ReaderKeyOperationEntity>,
    private readonly agents: AgentRepository,
    private readonly users: UsersService,
    private readonly vault: ReaderKeyVault,
    private readonly mqtt: MqttClientService,
    private readonly realtime: RealtimeGateway,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  // ------------------------------------------------------------------ reads

  async list(): Promise<ReaderView[]> {
    const [readers, agents] = await Promise.all([
      this.readers.find({ order: { agentId: 'ASC', readerId: 'ASC' } }),
      this.agents.onlineStates(),
    ]);
    const online = new Map(agents.map((a) => [a.id, a.online]));
    return this.views(readers, online);
  }

  /** The readers an agent reported, by reader id, with the door and direction each serves. */
  async readersOf(agentId: string): Promise<Map<string, { doorId: string; direction: string }>> {
    const rows = await this.readers.find({ select: { id: true, readerId: true, doorId: true, direction: true }, where: { agentId } });
    return new Map(rows.map((r) => [r.readerId, { doorId: r.doorId, direction: r.direction }]));
  }

  async view(ref: string): Promise<ReaderView> {
    const reader = await this.readers.findOneBy({ id: ref });
    if (!reader) throw notFound(`reader ${ref}`);
    const agent = await this.agents.onlineState(reader.agentId);
    return (await this.views([reader], new Map([[reader.agentId, agent?.online ?? false]])))[0]!;
  }

  async operationsOf(ref: string): Promise<ReaderKeyOperationView[]> {
    await this.requireReader(ref);
    const rows = await this.operations.find({ where: { readerRef: ref }, order: { requestedAt: 'DESC' }, take: 200 });
    return this.operationViews(rows);
  }

  // ------------------------------------------------------------------ from agents

  /** An agent's readers report: the readers as they are now, and the outcome of commands. */
  async handleReport(agentId: string, report: ReadersReport): Promise<void> {
    const now = this.clock.now();
    const reported = new Set<string>();
    for (const entry of report.readers) {
      const id = readerRef(agentId, entry.readerId);
      reported.add(id);
      await this.readers.save(
        this.readers.create({
          id,
          agentId,
          readerId: entry.readerId,
          type: entry.type,
          doorId: entry.doorId,
          direction: entry.direction,
          online: entry.online,
          fault: entry.fault,
          osdp: entry.osdp ? JSON.stringify(entry.osdp) : null,
          reportedAt: now,
        }),
      );
    }
    // Readers the agent no longer has (removed from its configuration).
    const stale = (await this.readers.find({ select: { id: true }, where: { agentId } })).filter((r) => !reported.has(r.id));
    if (stale.length > 0) await this.readers.delete({ id: In(stale.map((r) => r.id)) });

    for (const result of report.results) {
      const operation = await this.operations.findOneBy({ commandId: result.commandId });
      if (!operation || operation.status !== 'sent' || operation.readerRef !== readerRef(agentId, result.readerId)) continue;
      operation.status = result.status;
      operation.completedAt = now;
      if (result.error) operation.detail = result.error.slice(0, 500);
      await this.dataSource.transaction(async (m) => {
        await m.getRepository(ReaderKeyOperationEntity).save(operation);
        if (operation.keyId) await this.settleKey(m, operation, result.status === 'done', now);
        // The agent's answer: no person acts here, so the entry has no actor (source `system`).
        await this.audit.record(
          {
            action: `reader.operation_${result.status}`,
            entityType: 'readers',
            entityId: operation.readerRef,
            after: { kind: operation.kind, status: result.status, keyId: operation.keyId, commandId: operation.commandId },
            detail: `${operation.kind} ${result.status}, reported by agent ${agentId}${result.error ? `: ${result.error.slice(0, 300)}` : ''}`,
            actor: null,
          },
          m,
        );
      });
      this.logger.log(`reader ${operation.readerRef}: ${operation.kind} ${result.status}${result.error ? ` (${result.error})` : ''}`);
    }
    for (const id of reported) this.realtime.emitReader(await this.view(id));
  }

  // ------------------------------------------------------------------ commands

  async openProvisioningWindow(ref: string, minutes: number, actorUserId: string): Promise<ReaderKeyOperationView> {
    const reader = await this.requireOsdpReader(ref);
    await this.requireAgentOnline(reader.agentId);
    const commandId = randomUUID();
    const operation = await this.dataSource.transaction(async (m) => {
      const recorded = await this.recordOperation(m, {
        readerRef: ref,
        kind: 'provisioning_window',
        commandId,
        keyId: null,
        actorUserId,
        detail: `${minutes} min`,
      });
      await this.audit.record(
        {
          action: 'reader.provisioning_window',
          entityType: 'readers',
          entityId: ref,
          after: { minutes, operationId: recorded.id, commandId },
          detail: `install mode with the default key allowed for ${minutes} min`,
        },
        m,
      );
      return recorded;
    });
    await this.sendCommand(reader.agentId, {
      command: 'reader-provisioning-window',
      commandId,
      readerId: reader.readerId,
      durationMs: minutes * 60_000,
    });
    this.logger.log(`provisioning window of ${minutes} min opened for reader ${ref}`);
    return (await this.operationViews([operation]))[0]!;
  }

  /** Generates a key, keeps it sealed, sends it to the agent; installs the first key or rotates the one in force. */
  async installKey(ref: string, actorUserId: string): Promise<ReaderKeyOperationView> {
    this.vault.assertAvailable();
    const reader = await this.requireOsdpReader(ref);
    const detail = this.osdpDetail(reader);
    if (detail?.secureChannel === 'disabled') throw conflict(`reader ${ref} is configured without a secure channel`);
    await this.requireAgentOnline(reader.agentId);
    const active = await this.keys.findOneBy({ readerRef: ref, status: 'active' });
    const kind: ReaderKeyOperationKind = active ? 'key_rotate' : 'key_install';
    const secret = randomBytes(16);
    const keyId = randomUUID();
    const now = this.clock.now();
    const commandId = randomUUID();
    const operation = await this.dataSource.transaction(async (m) => {
      const keys = m.getRepository(ReaderKeyEntity);
      await keys.insert(
        keys.create({
          id: keyId,
          readerRef: ref,
          status: 'pending',
          sealed: this.vault.seal(secret),
          createdAt: now,
          createdBy: actorUserId,
          installedAt: null,
          retiredAt: null,
        }),
      );
      const recorded = await this.recordOperation(m, { readerRef: ref, kind, commandId, keyId, actorUserId, detail: null });
      // The key by its id, never its value (sealed or not).
      await this.audit.record(
        {
          action: `reader.${kind}`,
          entityType: 'readers',
          entityId: ref,
          before: active ? { keyId: active.id } : null,
          after: { keyId, operationId: recorded.id, commandId },
          detail: kind === 'key_rotate' ? `new key ${keyId} generated to replace ${active!.id}` : `first key ${keyId} generated`,
        },
        m,
      );
      return recorded;
    });
    await this.sendCommand(reader.agentId, {
      command: 'reader-key',
      commandId,
      readerId: reader.readerId,
      keyId,
      key: secret.toString('hex'),
    });
    secret.fill(0);
    this.logger.log(`${kind === 'key_rotate' ? 'rotating the key of' : 'installing a key on'} reader ${ref} (key ${keyId})`);
    return (await this.operationViews([operation]))[0]!;
  }

  // ------------------------------------------------------------------ internals

  /** The one place a key operation is recorded (its audit entry is written next to it, in the same transaction). */
  private async recordOperation(
    manager: EntityManager,
    fields: {
      readerRef: string;
      kind: ReaderKeyOperationKind;
      commandId: string;
      keyId: string | null;
      actorUserId: string;
      detail: string | null;
    },
  ): Promise<ReaderKeyOperationEntity> {
    const operations = manager.getRepository(ReaderKeyOperationEntity);
    const operation = operations.create({ id: randomUUID(), ...fields, status: 'sent', requestedAt: this.clock.now(), completedAt: null });
    await operations.insert(operation);
    return operation;
  }

  private async settleKey(manager: EntityManager, operation: ReaderKeyOperationEntity, installed: boolean, now: number): Promise<void> {
    const keys = manager.getRepository(ReaderKeyEntity);
    const key = await keys.findOneBy({ id: operation.keyId! });
    if (!key || key.status !== 'pending') return;
    if (!installed) {
      await keys.update({ id: key.id }, { status: 'failed' });
      return;
    }
    await keys.update({ readerRef: key.readerRef, status: 'active' }, { status: 'retired', retiredAt: now });
    await keys.update({ id: key.id }, { status: 'active', installedAt: now });
  }

  private async sendCommand(agentId: string, command: CommandMessage): Promise<void> {
    await this.mqtt.publish(agentTopic(agentId, 'commands'), encodePayload('commands', command));
  }

  private async requireReader(ref: string): Promise<ReaderEntity> {
    const reader = parseReaderRef(ref) ? await this.readers.findOneBy({ id: ref }) : null;
    if (!reader) throw notFound(`reader ${ref}`);
    return reader;
  }

  private async requireOsdpReader(ref: string): Promise<ReaderEntity> {
    const reader = await this.requireReader(ref);
    if (reader.type !== 'osdp') throw conflict(`reader ${ref} is a ${reader.type} reader; only OSDP readers have keys`);
    return reader;
  }

  private async requireAgentOnline(agentId: string): Promise<void> {
    const agent = await this.agents.onlineState(agentId);
    if (!agent?.online) throw conflict(`agent ${agentId} is offline; the command would be lost. Try again once it is connected`);
  }

  private osdpDetail(reader: ReaderEntity): OsdpReaderDetail | null {
    if (!reader.osdp) return null;
    const parsed = osdpReaderDetailSchema.safeParse(JSON.parse(reader.osdp));
    return parsed.success ? parsed.data : null;
  }

  private async views(readers: ReaderEntity[], agentOnline: Map<string, boolean>): Promise<ReaderView[]> {
    if (readers.length === 0) return [];
    const refs = readers.map((r) => r.id);
    const [activeKeys, operations] = await Promise.all([
      this.keys.find({ where: { readerRef: In(refs), status: 'active' } }),
      this.operations.find({ where: { readerRef: In(refs) }, order: { requestedAt: 'DESC' } }),
    ]);
    const latest = new Map<string, ReaderKeyOperationEntity>();
    for (const operation of operations) if (!latest.has(operation.readerRef)) latest.set(operation.readerRef, operation);
    const operationViews = new Map((await this.operationViews([...latest.values()])).map((v) => [v.readerRef, v]));
    return readers.map((reader) => {
      const osdp = this.osdpDetail(reader);
      const active = activeKeys.find((k) => k.readerRef === reader.id);
      const key: ReaderKeyView | null = active
        ? { keyId: active.id, installedAt: active.installedAt ?? active.createdAt, inForce: osdp?.keyId === active.id }
        : null;
      const agentIsOnline = agentOnline.get(reader.agentId) ?? false;
      return {
        id: reader.id,
        agentId: reader.agentId,
        readerId: reader.readerId,
        type: reader.type,
        doorId: reader.doorId,
        direction: reader.direction,
        online: reader.online && agentIsOnline,
        agentOnline: agentIsOnline,
        fault: reader.fault,
        osdp: osdp
          ? {
              address: osdp.address,
              baudRate: osdp.baudRate,
              line: osdp.line,
              identity: osdp.identity,
              capabilities: osdp.capabilities,
              secureChannel: osdp.secureChannel,
              provisioningUntil: osdp.provisioningUntil,
            }
          : null,
        key,
        reportedAt: reader.reportedAt,
        lastOperation: operationViews.get(reader.id) ?? null,
      };
    });
  }

  private async operationViews(rows: ReaderKeyOperationEntity[]): Promise<ReaderKeyOperationView[]> {
    const actorIds = [...new Set(rows.map((r) => r.actorUserId).filter((id): id is string => id !== null))];
    const names = new Map(
      [...(actorIds.length > 0 ? await this.users.refs(actorIds) : new Map<string, UserRef>())].map(([id, ref]) => [id, ref.name]),
    );
    return rows.map((r) => ({
      id: r.id,
      readerRef: r.readerRef,
      kind: r.kind,
      status: r.status,
      requestedAt: r.requestedAt,
      completedAt: r.completedAt,
      actorUserId: r.actorUserId,
      actorName: r.actorUserId ? (names.get(r.actorUserId) ?? null) : null,
      keyId: r.keyId,
      detail: r.detail,
    }));
  }
}
