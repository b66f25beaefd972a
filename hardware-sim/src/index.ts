export { SimSerialBinding, SimPortBinding, type SerialDeviceEnd, type SimPortOptions } from './serial/sim-serial-binding.js';
export { PtyPair, findSocat, type PtyPairOptions } from './serial/pty-pair.js';
export {
  encodeRdm6300Frame,
  SimRdm6300,
  RDM6300_BAUD_RATE,
  RDM6300_ETX,
  RDM6300_FRAME_LENGTH,
  RDM6300_STX,
  type PresentOptions,
} from './readers/sim-rdm6300.js';
export { SimLineReader, type SendLineOptions } from './readers/sim-line-reader.js';
export { SimPn532, PN532_BAUD_RATE, type ReceivedCommand, type SimPn532Fault, type SimPn532Options } from './readers/sim-pn532.js';
export { SimWiegandTransmitter, TYPICAL_WIEGAND_TIMING, type SimWiegandSpec, type WiegandTiming } from './readers/sim-wiegand.js';
export { presentationFor, SimCardError, type PresentationOptions, type SimPresentation } from './readers/sim-card.js';
export { SimGpio, type OutputListener, type OutputWrite } from './gpio/sim-gpio.js';
export { SimDoor, lockReleasesFrom, type LockRelease, type SimDoorSpec, type WalkThroughOptions } from './door/sim-door.js';
export {
  SimHardware,
  createSimHardware,
  type SimHardwareSpec,
  type SimLineFormat,
  type SimPresentResult,
  type SimReaderDevice,
  type SimReaderSpec,
  type SimReaderType,
} from './sim-hardware.js';
export {
  startControlServer,
  badgeRequestSchema,
  doorRequestSchema,
  DOOR_ACTIONS,
  type BadgeResponse,
  type ControlServer,
  type ControlServerOptions,
  type DoorAction,
  type DoorResponse,
  type ErrorResponse,
  type SimLogger,
  type StateResponse,
} from './control/control-server.js';
export { defaultRegistryDir, readRegistry, registryDirForDataDir, registryFile, type SimRegistryEntry } from './control/sim-registry.js';
export { runSimCli, SIM_USAGE, type CliIo } from './cli.js';
export { SimOsdpLine, type SimOsdpLineOptions, type SimOsdpLineStats } from './osdp/sim-osdp-line.js';
export {
  SimOsdpPd,
  DEFAULT_SIM_CAPABILITIES,
  type BuzzerState,
  type LedState,
  type ReceivedCommand as SimOsdpReceivedCommand,
  type SimFaultKind,
  type SimOsdpCapability,
  type SimOsdpIdentity,
  type SimOsdpPdOptions,
} from './osdp/sim-osdp-pd.js';
export { SimFrameReader, SimSecureSession, buildSimReply, simChecksum, simCrc16, type SimFrame } from './osdp/sim-osdp-wire.js';
