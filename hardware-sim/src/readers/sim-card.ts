/**
 * What "present card X at this reader" means for each kind of simulated reader: the
 * card text people type (`acs-sim badge --card …`) is read the way the reader would
 * report it, and refused with a clear message when it cannot come from that reader
 * (an EM number at a PN532, a UID at a Wiegand or OSDP reader).
 */
import { encodeWiegand, type WiegandFormat } from '@acs/shared/credentials/wiegand';
import type { SimReaderDevice } from '../sim-hardware.js';

export interface SimPresentation {
  /** The card as people read it (`0003887558`, `123:4567`, `04A1B2C3`). */
  display: string;
  /** Roughly how long the presentation takes on the wire, for callers waiting on its effect. */
  expectedMs: number;
  /** Presents the card; false when the agent did not have the reader open. */
  present(): Promise<boolean>;
}

export class SimCardError extends Error {}

export interface PresentationOptions {
  /**
   * Wiegand only: send the pulses with real timers (`send`) instead of delivering every
   * edge at once with its wire timestamp (`sendInstant`, the default). Real timers on a
   * busy machine stretch the gaps between bits past the frame timeout and garble frames,
   * as a stalled sysfs reader would.
   */
  realTime?: boolean;
}

const MAX_EM4100 = 0xffffffff;

function em4100(text: string, what: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > MAX_EM4100) {
    throw new SimCardError(
      `${what} reads EM4100 cards: the card must be a decimal number from 0 to ${MAX_EM4100} (e.g. 3887558), got '${text}'`,
    );
  }
  return Number(text);
}

function facilityAndCard(text: string, format: WiegandFormat, what: string): { facility: number; card: number } {
  const facilityMax = format.facility ? 2 ** format.facility.length - 1 : 0;
  const cardMax = 2 ** format.card.length - 1;
  const m = /^(\d{1,10})[:,](\d{1,10})$/.exec(text);
  const hint = `the card must be <facility>:<card> with facility 0-${facilityMax} and card 0-${cardMax} (e.g. ${Math.min(123, facilityMax)}:${Math.min(4567, cardMax)})`;
  if (!m) throw new SimCardError(`${what} reads ${format.name} cards: ${hint}, got '${text}'`);
  const facility = Number(m[1]);
  const card = Number(m[2]);
  if (facility > facilityMax || card > cardMax) throw new SimCardError(`${what} reads ${format.name} cards: ${hint}, got '${text}'`);
  return { facility, card };
}

function uid(text: string, what: string): string {
  const hex = text.replace(/[:\- ]/g, '');
  if (!/^[0-9a-fA-F]+$/.test(hex) || ![8, 14, 20].includes(hex.length)) {
    throw new SimCardError(`${what} reads chip UIDs: the card must be 4, 7 or 10 bytes of hex (e.g. 04a1b2c3), got '${text}'`);
  }
  return hex.toLowerCase();
}

/** How `card` is presented at `reader`; throws `SimCardError` when it does not fit the reader. */
export function presentationFor(reader: SimReaderDevice, card: string | number, options: PresentationOptions = {}): SimPresentation {
  const text = String(card).trim();
  const what = `reader ${reader.spec.id} (${reader.spec.type})`;
  switch (reader.spec.type) {
    case 'rdm6300': {
      const tag = em4100(text, what);
      const device = (reader as Extract<SimReaderDevice, { spec: { type: 'rdm6300' } }>).device;
      return { display: String(tag).padStart(10, '0'), expectedMs: 20, present: () => device.present(tag) };
    }
    case 'line': {
      const device = (reader as Extract<SimReaderDevice, { spec: { type: 'line' } }>).device;
      const format = reader.spec.lineFormat;
      let line: string;
      let display: string;
      switch (format.type) {
        case 'em4100-decimal':
          display = line = String(em4100(text, what)).padStart(10, '0');
          break;
        case 'wiegand-fc-cn': {
          const n = facilityAndCard(text, format.wiegandFormat, what);
          line = `${n.facility},${n.card}`;
          display = `${n.facility}:${n.card}`;
          break;
        }
        case 'hex-uid':
          line = uid(text, what).toUpperCase();
          display = line;
          break;
        case 'qr-invitation': {
          const token = /^(?:qr:|ACSV1:)?([a-z0-9]{16,64})$/.exec(text)?.[1];
          if (!token) throw new SimCardError(`${what} scans visitor invitations: ACSV1:<token> or qr:<token>, got '${text}'`);
          line = `ACSV1:${token}`;
          display = `QR ${token.slice(0, 8)}…`;
          break;
        }
        case 'verbatim':
          if (!/^[\x20-\x7e]{1,64}$/.test(text))
            throw new SimCardError(`${what} sends the text as typed: 1-64 printable ASCII characters, got '${text}'`);
          display = line = text;
          break;
      }
      return { display, expectedMs: 20, present: () => device.sendLine(line) };
    }
    case 'pn532': {
      const hex = uid(text, what);
      const device = (reader as Extract<SimReaderDevice, { spec: { type: 'pn532' } }>).device;
      const holdMs = 600;
      return { display: hex.toUpperCase(), expectedMs: holdMs, present: () => device.present(hex, holdMs) };
    }
    case 'wiegand': {
      const { format } = reader.spec;
      const n = facilityAndCard(text, format, what);
      const bits = encodeWiegand(format, n);
      const device = (reader as Extract<SimReaderDevice, { spec: { type: 'wiegand' } }>).device;
      return {
        display: `${n.facility}:${n.card}`,
        // Real timers round each gap up; allow for it.
        expectedMs: options.realTime ? Math.ceil(device.durationMs(bits.length) * 2) + 50 : 0,
        present: async () => {
          if (options.realTime) await device.send(bits);
          else device.sendInstant(bits);
          return true;
        },
      };
    }
    case 'osdp': {
      const { format } = reader.spec;
      const n = facilityAndCard(text, format, what);
      const osdp = reader as Extract<SimReaderDevice, { spec: { type: 'osdp' } }>;
      return {
        display: `${n.facility}:${n.card}`,
        // The card leaves with the reply to the next POLL (docs/hardware.md#latency-budget: ≈ 77 ms worst case at 9600 baud).
        expectedMs: 100,
        present: async () => {
          osdp.device.presentWiegand(format, n);
          return osdp.line.hostConnected;
        },
      };
    }
  }
}
