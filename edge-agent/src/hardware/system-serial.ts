/**
 * The operating system's serial ports (serialport's native binding), loaded on first use
 * so simulated set-ups never load the native module.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };

let binding: BindingInterface | null = null;

export async function systemSerialBinding(): Promise<BindingInterface> {
  if (!binding) {
    const { SerialPort } = await import('serialport');
    binding = SerialPort.binding;
  }
  return binding;
}
