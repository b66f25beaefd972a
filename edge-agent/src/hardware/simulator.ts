/**
 * The simulator (`@acs/hardware-sim`) is an optional peer of the agent: a Raspberry Pi's
 * install does not carry it, and the agent loads it only when its configuration names a
 * simulated part (`driver: sim`, `gpio.provider: sim`). Every load goes through here, so
 * an install without it fails with a message that says what to install, not with a bare
 * module-not-found from deep inside the start-up.
 */
export const SIMULATOR_PACKAGE = '@acs/hardware-sim';

export class SimulatorMissingError extends Error {
  override readonly name = 'SimulatorMissingError';
}

type Simulator = typeof import('@acs/hardware-sim');

/** Loads the simulator for `purpose` (what the configuration asked for). */
export async function loadSimulator(purpose: string): Promise<Simulator> {
  try {
    return await import('@acs/hardware-sim');
  } catch (err) {
    if (!isSimulatorMissing(err)) throw err;
    throw new SimulatorMissingError(
      `${purpose} needs the simulator package ${SIMULATOR_PACKAGE}, which is not installed. ` +
        `Install it beside the agent (npm ci -w hardware-sim, as the demo and the compose agents do), ` +
        `or use real hardware: serial.driver: system, gpio.provider: onoff.`,
      { cause: err },
    );
  }
}

/** Only the simulator itself being absent, not a module missing inside it (that is a broken install). */
function isSimulatorMissing(err: unknown): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${SIMULATOR_PACKAGE}'`);
}
