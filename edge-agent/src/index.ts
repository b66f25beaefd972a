export {
  Agent,
  startAgent,
  AGENT_SOFTWARE_VERSION,
  type AgentDecision,
  type AgentDependencies,
  type AgentEvents,
  type MqttTuning,
  type RunningAgent,
  type StartAgentOptions,
} from './agent.js';
export {
  AgentConfigError,
  ENV_OVERRIDES,
  agentConfigSchema,
  loadAgentConfig,
  parseAgentConfig,
  resolveMqttPassword,
  type AgentConfig,
  type DoorConfig,
  type GpioConfig,
  type MqttConfig,
  type ReaderConfig,
  type ReaderFeedbackConfig,
  type SerialReaderConfig,
  type LineFormatConfig,
  type OsdpDeviceConfig,
  type OsdpLineConfig,
  type ReaderPlacement,
  type SingleReaderConfig,
  isSerialReader,
  readerPlacements,
} from './config/agent-config.js';
export { DecisionEngine } from './decision/decision-engine.js';
export {
  cardStatusRule,
  levelCeilingRule,
  scheduleRule,
  standardRules,
  validityRule,
  zonePermissionRule,
  type Decision,
  type DecisionContext,
  type DecisionRequest,
  type DecisionRule,
} from './decision/decision-rules.js';
export {
  compilePermissionSet,
  PermissionHashState,
  PermissionSetError,
  type CompiledCard,
  type CompiledGrant,
  type CompiledPermissions,
} from './decision/compiled-permissions.js';
export { PermissionHolder, type ApplyOutcome } from './decision/permission-holder.js';
export { SiteClock, type SiteTime } from './decision/site-clock.js';
export { compileSchedule, type CompiledSchedule } from './decision/schedule-bitmap.js';
export { DoorController, type DoorControllerOptions, type DoorEventType } from './door/door-controller.js';
export {
  Rdm6300Decoder,
  Rdm6300Parser,
  type Rdm6300Frame,
  type Rdm6300Rejection,
  type TimedRdm6300Frame,
} from './readers/rdm6300-parser.js';
export { Rdm6300Reader, type Rdm6300ReaderOptions } from './readers/rdm6300-reader.js';
export { CardReaderBase, type CardReaderBaseOptions } from './readers/card-reader-base.js';
export {
  SerialConnection,
  DEFAULT_BACKOFF,
  type BackoffOptions,
  type SerialConnectionOptions,
  type SerialReaderOptions,
} from './readers/serial-connection.js';
export { LineReader, type LineReaderOptions, type LineReaderStats } from './readers/line-reader.js';
export { LineDecoder, parseLine, type LineFormat, type LineParseResult } from './readers/line-format.js';
export { Pn532Reader, type Pn532ReaderOptions, type Pn532Stats } from './readers/pn532-reader.js';
export { Pn532FrameDecoder, encodeCommand, encodeFrame, parseTypeATargets, PN532_COMMAND, type Pn532Frame } from './readers/pn532-frame.js';
export {
  WiegandReader,
  DEFAULT_WIEGAND_FRAME_TIMEOUT_MS,
  type WiegandReaderOptions,
  type WiegandReaderStats,
} from './readers/wiegand-reader.js';
export { ReaderFeedback, type FeedbackOutputSpec, type FeedbackPattern, type ReaderFeedbackOptions } from './readers/reader-feedback.js';
export type { AgentHardware } from './hardware/agent-hardware.js';
export { HardwareFactory, buildReader, buildReaders, simSpecFromConfig, usesSimulation } from './hardware/factory.js';
export { OnoffGpioProvider, findGpioBase, listGpioChips } from './hardware/onoff-gpio.js';
export { LocalStore, type StoredPermissions } from './store/local-store.js';
export { Outbox, type NewAgentEvent } from './store/outbox.js';
export { MqttLink, type MqttLinkOptions } from './sync/mqtt-link.js';
export { createLogger, silentLogger, type Logger, type LogLevel } from './log/logger.js';
export { OsdpBus, type OsdpBusOptions, type OsdpBusStats } from './readers/osdp/osdp-bus.js';
export { OsdpReader, type OsdpReaderOptions, type OsdpReaderRecord } from './readers/osdp/osdp-reader.js';
export { OsdpPdSession, type PdSessionStatus } from './readers/osdp/osdp-pd-session.js';
export { OsdpCommandError } from './readers/osdp/osdp-pd-command-queue.js';
export { DEFAULT_OSDP_TIMING, osdpTiming, type OsdpTiming } from './readers/osdp/osdp-timing.js';
export { decodeRawCardData, DEFAULT_RAW_WIEGAND_FORMATS } from './readers/osdp/raw-card-data.js';
export { isManagedReader, type ManagedReader, type ReaderDescription } from './readers/managed-reader.js';
export { MemoryReaderSettingsStore, type ReaderSettingsStore } from './readers/reader-settings-store.js';
export { ReaderReporter, type ReaderCommand } from './readers/reader-reporter.js';
export { systemSerialBinding } from './hardware/system-serial.js';
