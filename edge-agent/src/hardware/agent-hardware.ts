import type { CardReader, GpioProvider } from '@acs/shared/hardware/interfaces';
import type { SimHardware } from '@acs/hardware-sim';

/** The hardware an agent drives: its readers and its GPIO. */
export interface AgentHardware {
  readers: CardReader[];
  gpio: GpioProvider;
  /** Present when (part of) the hardware is simulated; the simulator's control server drives it. */
  sim?: SimHardware;
  close(): Promise<void>;
}
