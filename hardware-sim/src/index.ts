export { SimSerialBinding, SimPortBinding, type SerialDeviceEnd, type SimPortOptions } from './serial/sim-serial-binding.js';
export {
  encodeRdm6300Frame,
  SimRdm6300,
  RDM6300_BAUD_RATE,
  RDM6300_ETX,
  RDM6300_FRAME_LENGTH,
  RDM6300_STX,
  type PresentOptions,
} from './readers/sim-rdm6300.js';
export { SimGpio, type OutputListener, type OutputWrite } from './gpio/sim-gpio.js';
export { SimDoor, lockReleasesFrom, type LockRelease, type SimDoorSpec, type WalkThroughOptions } from './door/sim-door.js';
export {
  SimHardware,
  createSimHardware,
  type SimHardwareSpec,
  type SimOsdpLineSpec,
  type SimOsdpReaderDevice,
  type SimReaderDevice,
  type SimReaderSpec,
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
export {
  defaultRegistryDir,
  readRegistry,
  registryDirForDataDir,
  registryFile,
  type SimRegistryEntry,
} from './control/sim-registry.js';
export { runSimCli, SIM_USAGE, type CliIo } from './cli.js';
export { SimOsdpLine, type SimOsdpLineOptions, type SimOsdpLineStats } from './osdp/sim-osdp-line.js';
export {
  SimOsdpPd,
  DEFAULT_SIM_CAPABILITIES,
  h10301Bits,
  type BuzzerState,
  type LedState,
  type ReceivedCommand,
  type SimFaultKind,
  type SimOsdpCapability,
  type SimOsdpIdentity,
  type SimOsdpPdOptions,
} from './osdp/sim-osdp-pd.js';
export { startPtyPair, ptyAvailable, PtyUnavailableError, type PtyPair } from './osdp/sim-pty.js';
export { SimFrameReader, SimSecureSession, buildSimReply, simChecksum, simCrc16, type SimFrame } from './osdp/sim-osdp-wire.js';
