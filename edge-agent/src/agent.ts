/**
 * The edge agent, wired by hand in one place: read this file to see the whole agent.
 *
 *   badge path, synchronous (memory and GPIO only):
 *     reader ─card─▶ DecisionEngine ─granted─▶ DoorController.grant() ─▶ lock relay
 *                         │ reads the set in force
 *                   PermissionHolder ◀─snapshot── MqttLink ◀──▶ broker
 *                         │ persists                 ▲ publishes durable events
 *                    LocalStore (SQLite) ◀── Outbox ─┘
 *                                              ▲ access, door and reader events
 *
 * The event of a badge is numbered and queued after the relay has been driven, written
 * to disk in the background and published once durable.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { AccessEvent, AgentEvent } from '@acs/shared/mqtt/payloads';
import type { CardRead, CardReader, KeypadEntry, ReaderAlert, ReaderFault } from '@acs/shared/hardware/interfaces';
import type { ControlServer } from '@acs/hardware-sim';
import { readerPlacements, resolveMqttPassword, resolveMqttTls, type AgentConfig, type ReaderPlacement } from './config/agent-config.js';
import { DecisionEngine } from './decision/decision-engine.js';
import { standardRules, type Decision, type DecisionRule } from './decision/decision-rules.js';
import { PermissionHolder } from './decision/permission-holder.js';
import type { CompiledPermissions } from './decision/compiled-permissions.js';
import { DoorController, type DoorEventType } from './door/door-controller.js';
import type { AgentHardware } from './hardware/agent-hardware.js';
import { HardwareFactory } from './hardware/factory.js';
import { loadSimulator } from './hardware/simulator.js';
import { maskCredential } from '@acs/shared/credentials/mask';
import { createLogger, type Logger } from './log/logger.js';
import { LocalStore } from './store/local-store.js';
import { Outbox, type NewAgentEvent } from './store/outbox.js';
import { EventJournal } from './store/event-journal.js';
import { MqttLink, type MqttLinkOptions } from './sync/mqtt-link.js';
import { isManagedReader } from './readers/managed-reader.js';
import { ReaderReporter } from './readers/reader-reporter.js';

export const AGENT_SOFTWARE_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** One badge, decided. */
export interface AgentDecision {
  read: CardRead;
  readerId: string;
  doorId: string;
  decision: Decision;
  event: AccessEvent;
}

export interface AgentEvents {
  /** Every badge decision, right after the relay command. */
  decision: [decision: AgentDecision];
  /** Every event queued in the outbox (access, door, device). */
  event: [event: AgentEvent];
  /** A permission set came into force (loaded or received). */
  permissions: [version: number];
  /** Keys typed on a reader's keypad (card + PIN is for later; the agent only surfaces them). */
  keypad: [entry: KeypadEntry];
}

export type MqttTuning = Partial<
  Pick<MqttLinkOptions, 'batchSize' | 'maxUnacked' | 'ackTimeoutMs' | 'reconnectPeriodMs' | 'reconnectMaxMs'>
>;

export interface StartAgentOptions {
  /** Hardware to drive; default: built from the configuration. */
  hardware?: AgentHardware;
  log?: Logger;
  /** Start the simulator's control server (sim mode only). Default: `config.sim.controlServer`. */
  controlServer?: boolean;
  /** Decision rules; default `standardRules()`. */
  rules?: DecisionRule[];
  mqtt?: MqttTuning;
}

export interface RunningAgent {
  readonly agentId: string;
  readonly config: AgentConfig;
  readonly hardware: AgentHardware;
  /** Emits `decision`, `event` and `permissions`. */
  readonly decisions: EventEmitter<AgentEvents>;
  /** Version of the permission set in force, null before the first one. */
  readonly permissionVersion: number | null;
  readonly mqttConnected: boolean;
  readonly controlServer: ControlServer | null;
  /** Events on disk not yet acknowledged by the server. */
  outboxSize(): Promise<number>;
  /** Waits until every queued event is on disk. */
  flushOutbox(): Promise<boolean>;
  /** Lockdown indication on every reader that can show it (OSDP LED). */
  indicateLockdown(active: boolean): void;
  stop(): Promise<void>;
}

export interface AgentDependencies {
  hardware: AgentHardware;
  log: Logger;
  rules: DecisionRule[];
  controlServer: boolean;
  mqtt: MqttTuning;
}

export class Agent implements RunningAgent {
  readonly decisions = new EventEmitter<AgentEvents>();
  private store: LocalStore | null = null;
  private outbox: Outbox | null = null;
  private journal: EventJournal | null = null;
  private permissions: PermissionHolder | null = null;
  private engine: DecisionEngine | null = null;
  private link: MqttLink | null = null;
  private control: ControlServer | null = null;
  private readonly doors = new Map<string, DoorController>();
  private readonly readerConfigs = new Map<string, ReaderPlacement>();
  private reporter: ReaderReporter | null = null;
  private readonly readers = new Map<string, CardReader>();
  private started = false;
  private stopping: Promise<void> | null = null;
  /** Since when the agent has had no session with the server's broker (offline limits); null while connected. */
  private offlineSince: number | null = null;
  private contactTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly config: AgentConfig,
    private readonly deps: AgentDependencies,
  ) {}

  get agentId(): string {
    return this.config.agentId;
  }

  get hardware(): AgentHardware {
    return this.deps.hardware;
  }

  get permissionVersion(): number | null {
    return this.permissions?.current?.version ?? null;
  }

  get mqttConnected(): boolean {
    return this.link?.connected ?? false;
  }

  get controlServer(): ControlServer | null {
    return this.control;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { config } = this;
    const { hardware, log } = this.deps;
    log.info(`agent ${config.agentId} starting`, { version: AGENT_SOFTWARE_VERSION, dataDir: config.dataDir, config: config.configFile });
    const password = await resolveMqttPassword(config);
    const tls = await resolveMqttTls(config);

    // 1. Local store and the durable outbox.
    this.store = await LocalStore.open(config.dataDir);
    const { journal, recovered, unreadable } = EventJournal.open(config.dataDir);
    const lost = recovered.filter((e) => e.seq > this.store!.lastSeq);
    if (lost.length > 0) {
      await this.store.appendEvents(lost);
      log.warn('recovered events from the journal after an unclean stop', { events: lost.length, lastSeq: this.store.lastSeq });
    }
    if (unreadable > 0) log.warn('skipped unreadable journal lines (a write torn by the stop)', { lines: unreadable });
    journal.clear();
    this.journal = journal;
    this.outbox = new Outbox(this.store, log.child('outbox'), journal);
    log.info('outbox ready', { pendingEvents: await this.store.countEvents(), lastSeq: this.store.lastSeq });

    // 2. Doors, driven locked before anything can decide.
    for (const doorConfig of config.doors) {
      const door = new DoorController({
        id: doorConfig.id,
        gpio: hardware.gpio,
        lock: doorConfig.lock,
        ...(doorConfig.contact ? { contact: doorConfig.contact } : {}),
        ...(doorConfig.exitButton ? { exitButton: doorConfig.exitButton } : {}),
        releaseMs: doorConfig.releaseMs,
        heldOpenMs: doorConfig.heldOpenMs,
        log: log.child(`door:${doorConfig.id}`),
      });
      door.start();
      door.on('event', (type, at) => this.onDoorEvent(door.id, type, at));
      this.doors.set(door.id, door);
    }

    // 3. The permission set in force, from the last run until the server sends a newer one.
    this.engine = new DecisionEngine(this.deps.rules);
    this.permissions = new PermissionHolder(config.agentId, this.store, log.child('permissions'));
    this.permissions.on('changed', (compiled) => this.onPermissionsChanged(compiled));
    await this.permissions.load();

    // 4. Readers. OSDP readers keep their keys and settings in the local store.
    for (const placement of readerPlacements(config)) this.readerConfigs.set(placement.id, placement);
    const store = this.store;
    for (const reader of hardware.readers) {
      this.readers.set(reader.id, reader);
      reader.on('card', (read) => this.onCard(read));
      reader.on('fault', (fault) => this.onReaderFault(fault));
      reader.on('recovered', (readerId) => this.onReaderRecovered(readerId));
      reader.on('alert', (alert) => this.onReaderAlert(alert));
      reader.on('keypad', (entry) => this.onKeypad(entry));
      if (isManagedReader(reader))
        reader.useSettingsStore({ read: (key) => store.readSetting(key), write: (key, value) => store.writeSetting(key, value) });
    }
    await Promise.all(hardware.readers.map((r) => r.start()));

    // 5. The link to the server.
    this.link = new MqttLink({
      agentId: config.agentId,
      url: config.mqtt.url,
      username: config.mqtt.username,
      ...(password !== undefined ? { password } : {}),
      ...(tls !== undefined ? { tls } : {}),
      keepaliveSec: config.mqtt.keepaliveSec,
      reconnectPeriodMs: config.mqtt.reconnect.minMs,
      reconnectMaxMs: config.mqtt.reconnect.maxMs,
      outbox: this.outbox,
      permissions: this.permissions,
      doors: config.doors.map((d) => d.id),
      softwareVersion: AGENT_SOFTWARE_VERSION,
      log: log.child('mqtt'),
      ...this.deps.mqtt,
    });
    this.reporter = new ReaderReporter({
      agentId: config.agentId,
      placements: [...this.readerConfigs.values()],
      readers: this.readers,
      publish: (report) => this.link?.publishReaders(report),
      log: log.child('readers'),
    });
    this.link.on('command', (command) => void this.reporter?.handle(command));
    await this.trackServerContact(this.link, this.store);
    this.reporter.start();
    this.link.start();

    // 6. In simulation, the control panel `acs-sim` talks to.
    if (hardware.sim && this.deps.controlServer) {
      const { startControlServer, defaultRegistryDir } = await loadSimulator('the simulator control server (sim.controlServer)');
      this.control = await startControlServer({
        sim: hardware.sim,
        agentId: config.agentId,
        registryDir: config.sim.registryDir ?? defaultRegistryDir(config.dataDir),
        log: log.child('sim'),
      });
    }
    log.info(`agent ${config.agentId} running`, {
      doors: [...this.doors.keys()],
      readers: hardware.readers.map((r) => r.id),
      permissionVersion: this.permissionVersion,
    });
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  async outboxSize(): Promise<number> {
    return this.outbox ? this.outbox.durableCount() : 0;
  }

  async flushOutbox(): Promise<boolean> {
    return this.outbox ? this.outbox.flush() : true;
  }

  indicateLockdown(active: boolean): void {
    for (const reader of this.readers.values()) reader.indicateLockdown?.(active);
  }

  // ------------------------------------------------------------ the badge path

  private onCard(read: CardRead): void {
    try {
      this.decideBadge(read);
    } catch (err) {
      // Nothing after the relay command may undo it, and nothing before it unlocks on failure.
      this.deps.log.error('badge handling failed', { readerId: read.readerId, error: (err as Error).message });
    }
  }

  private decideBadge(read: CardRead): void {
    const reader = this.readerConfigs.get(read.readerId);
    const permissions = this.permissions;
    const engine = this.engine;
    if (!reader || !permissions || !engine) {
      this.deps.log.error('card from an unknown reader ignored', { readerId: read.readerId });
      return;
    }
    const at = Date.now();
    const decision = engine.decide(permissions.current, {
      credential: read.credential,
      doorId: reader.door,
      direction: reader.direction,
      at,
      offlineSince: this.link?.connected ? null : this.offlineSince,
    });
    if (decision.granted) this.doors.get(reader.door)?.grant();
    const decidedAtNs = process.hrtime.bigint();
    this.readers.get(read.readerId)?.signal?.(decision.granted ? 'grant' : 'deny');

    const card = decision.card;
    const event = this.queueEvent({
      kind: 'access',
      eventId: randomUUID(),
      agentId: this.config.agentId,
      occurredAt: at,
      doorId: reader.door,
      readerId: reader.id,
      direction: reader.direction,
      zoneId: decision.zoneId,
      credential: read.credential,
      cardId: card?.cardId ?? null,
      personId: card?.personId ?? null,
      holder: card?.holder ?? null,
      granted: decision.granted,
      reason: decision.reason,
      permissionVersion: decision.permissionVersion,
      decisionMicros: Number(decidedAtNs - read.receivedAtNs) / 1000,
    }) as AccessEvent;
    // The card's last digits and ids only: the full number and the holder's name stay in the event.
    this.deps.log.info(
      `${reader.door}: ${decision.granted ? 'granted' : 'denied'} ${maskCredential(read.credential)} (${decision.reason})`,
      {
        reader: reader.id,
        cardId: card?.cardId ?? null,
        personId: card?.personId ?? null,
        micros: event.decisionMicros,
      },
    );
    this.decisions.emit('decision', { read, readerId: reader.id, doorId: reader.door, decision, event });
  }

  /**
   * Offline limits count from the last moment the agent was connected, kept in the local
   * store so a restart while the network is down does not reset the clock. Written at most
   * once a minute while connected: the limits are hours long.
   */
  private async trackServerContact(link: MqttLink, store: LocalStore): Promise<void> {
    const CONTACT_KEY = 'server.lastContactAt';
    const persisted = Number(await store.readSetting(CONTACT_KEY));
    this.offlineSince = Number.isFinite(persisted) && persisted > 0 ? persisted : Date.now();
    const remember = () => void store.writeSetting(CONTACT_KEY, String(Date.now())).catch(() => undefined);
    link.on('connected', () => {
      this.offlineSince = null;
      remember();
    });
    link.on('disconnected', () => {
      this.offlineSince = Date.now();
      remember();
    });
    this.contactTimer = setInterval(() => {
      if (link.connected) remember();
    }, 60_000);
    this.contactTimer.unref();
  }

  // ------------------------------------------------------------ other events

  private onDoorEvent(doorId: string, type: DoorEventType, at: number): void {
    this.queueEvent({ kind: 'door', eventId: randomUUID(), agentId: this.config.agentId, occurredAt: at, doorId, type });
  }

  private onReaderFault(fault: ReaderFault): void {
    this.queueEvent({
      kind: 'device',
      eventId: randomUUID(),
      agentId: this.config.agentId,
      occurredAt: Date.now(),
      deviceId: fault.readerId,
      type: 'reader_fault',
      detail: `${fault.code}: ${fault.message}`.slice(0, 500),
    });
  }

  private onReaderRecovered(readerId: string): void {
    this.queueEvent({
      kind: 'device',
      eventId: randomUUID(),
      agentId: this.config.agentId,
      occurredAt: Date.now(),
      deviceId: readerId,
      type: 'reader_recovered',
      detail: 'reading again',
    });
  }

  private onReaderAlert(alert: ReaderAlert): void {
    this.queueEvent({
      kind: 'device',
      eventId: randomUUID(),
      agentId: this.config.agentId,
      occurredAt: Date.now(),
      deviceId: alert.readerId,
      type: alert.type,
      detail: alert.detail.slice(0, 500),
    });
  }

  private onKeypad(entry: KeypadEntry): void {
    this.deps.log.debug(() => `keypad input at ${entry.readerId} (${entry.keys.length} keys)`);
    this.decisions.emit('keypad', entry);
  }

  private onPermissionsChanged(compiled: CompiledPermissions): void {
    for (const [id, door] of this.doors) {
      const fromServer = compiled.doors.get(id);
      const local = this.config.doors.find((d) => d.id === id)!;
      door.setTimes(fromServer ?? { releaseMs: local.releaseMs, heldOpenMs: local.heldOpenMs });
    }
    const unknown = this.config.doors.filter((d) => !compiled.doors.has(d.id)).map((d) => d.id);
    if (unknown.length > 0)
      this.deps.log.warn('doors in the configuration that the permission set does not know deny every badge', { doors: unknown });
    for (const [readerId, reader] of this.readers) {
      const door = compiled.doors.get(this.readerConfigs.get(readerId)?.door ?? '');
      const lockedDown =
        door !== undefined &&
        (compiled.lockdown.site || compiled.lockdown.zoneIds.has(door.fromZoneId) || compiled.lockdown.zoneIds.has(door.toZoneId));
      reader.indicateLockdown?.(lockedDown);
    }
    this.decisions.emit('permissions', compiled.version);
  }

  private queueEvent(event: NewAgentEvent): AgentEvent {
    if (!this.outbox) throw new Error('the agent is not started');
    const numbered = this.outbox.add(event);
    this.decisions.emit('event', numbered);
    return numbered;
  }

  private async shutdown(): Promise<void> {
    const { log, hardware } = this.deps;
    log.info(`agent ${this.config.agentId} stopping`);
    const step = async (name: string, work: () => unknown) => {
      try {
        await work();
      } catch (err) {
        log.error(`error while stopping (${name})`, { error: (err as Error).message });
      }
    };
    this.reporter?.stop();
    if (this.contactTimer) clearInterval(this.contactTimer);
    await step('readers', () => Promise.all(hardware.readers.map((r) => r.stop())));
    // Relock before anything slower can fail.
    for (const door of this.doors.values()) await step(`door ${door.id}`, () => door.stop());
    await step('control server', () => this.control?.close());
    await step('mqtt', () => this.link?.stop());
    await step('permissions', () => this.permissions?.close());
    await step('outbox', async () => {
      if (this.outbox && !(await this.outbox.flush())) log.error('some events could not be written before stopping');
      this.outbox?.stop();
    });
    await step('journal', () => this.journal?.close());
    await step('store', () => this.store?.close());
    await step('hardware', () => hardware.close());
    log.info(`agent ${this.config.agentId} stopped`);
  }
}

/** Builds the hardware (unless given), starts the agent, and returns it running. */
export async function startAgent(config: AgentConfig, options: StartAgentOptions = {}): Promise<RunningAgent> {
  const log = (options.log ?? createLogger('acs:agent')).with({ agentId: config.agentId });
  const hardware = options.hardware ?? (await HardwareFactory.create(config, { log }));
  const agent = new Agent(config, {
    hardware,
    log,
    rules: options.rules ?? standardRules(),
    controlServer: options.controlServer ?? config.sim.controlServer,
    mqtt: options.mqtt ?? {},
  });
  try {
    await agent.start();
  } catch (err) {
    await agent.stop();
    throw err;
  }
  return agent;
}
