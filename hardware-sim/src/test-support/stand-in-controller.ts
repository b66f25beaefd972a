/**
 * A stand-in for the edge agent in the simulator's own tests (the simulator must not
 * depend on the agent): it opens each RDM6300 reader port through the simulated binding and
 * releases the door's lock for 200 ms when a frame for an allowed tag arrives.
 */
import { SerialPortStream } from '@serialport/stream';
import type { SimHardware } from '../sim-hardware.js';

export async function startStandInController(sim: SimHardware, allowedTags: number[]): Promise<() => Promise<void>> {
  const ports: SerialPortStream[] = [];
  const relays = new Map(sim.spec.doors.map((d) => [d.id, { spec: d, out: sim.gpio.output(d.lock.line, d.lock.activeLow ? 1 : 0) }]));
  for (const { spec } of sim.readers.values()) {
    if (spec.type !== 'rdm6300') continue;
    const port = new SerialPortStream({ binding: sim.serialBinding, path: spec.path, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    let text = '';
    port.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      // eslint-disable-next-line no-control-regex -- STX and ETX frame an EM4100 reader's message
      for (const m of text.matchAll(/\x02[0-9A-F]{2}([0-9A-F]{8})[0-9A-F]{2}\x03/g)) {
        if (!allowedTags.includes(parseInt(m[1]!, 16))) continue;
        const relay = relays.get(spec.door)!;
        relay.out.write(relay.spec.lock.activeLow ? 0 : 1);
        setTimeout(() => relay.out.write(relay.spec.lock.activeLow ? 1 : 0), 200);
      }
      text = text.slice(text.lastIndexOf('\x03') + 1);
    });
    ports.push(port);
  }
  return async () => {
    for (const port of ports) await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
  };
}
