/**
 * OSDP v2.2 (SIA, IEC 60839-11-5) identifiers used by the control panel: command and
 * reply codes, NAK reasons, security block types and capability function codes
 * (docs/hardware.md#osdp).
 */

export const OSDP_MARK = 0xff;
export const OSDP_SOM = 0x53;
export const OSDP_BROADCAST = 0x7f;
/** Bit 7 of the address byte: set on every reply. */
export const OSDP_REPLY_FLAG = 0x80;

export const CTRL_SEQUENCE_MASK = 0x03;
export const CTRL_CRC = 0x04;
export const CTRL_SCB = 0x08;

export const CMD = {
  POLL: 0x60,
  ID: 0x61,
  CAP: 0x62,
  OUT: 0x68,
  LED: 0x69,
  BUZ: 0x6a,
  COMSET: 0x6e,
  KEYSET: 0x75,
  CHLNG: 0x76,
  SCRYPT: 0x77,
} as const;

export const REPLY = {
  ACK: 0x40,
  NAK: 0x41,
  PDID: 0x45,
  PDCAP: 0x46,
  RAW: 0x50,
  LSTATR: 0x48,
  KEYPAD: 0x53,
  COM: 0x54,
  CCRYPT: 0x76,
  RMAC_I: 0x78,
  BUSY: 0x79,
} as const;

const COMMAND_NAMES: Record<number, string> = {
  0x60: 'POLL',
  0x61: 'ID',
  0x62: 'CAP',
  0x64: 'LSTAT',
  0x65: 'ISTAT',
  0x66: 'OSTAT',
  0x67: 'RSTAT',
  0x68: 'OUT',
  0x69: 'LED',
  0x6a: 'BUZ',
  0x6b: 'TEXT',
  0x6e: 'COMSET',
  0x75: 'KEYSET',
  0x76: 'CHLNG',
  0x77: 'SCRYPT',
};

const REPLY_NAMES: Record<number, string> = {
  0x40: 'ACK',
  0x41: 'NAK',
  0x45: 'PDID',
  0x46: 'PDCAP',
  0x48: 'LSTATR',
  0x49: 'ISTATR',
  0x4a: 'OSTATR',
  0x4b: 'RSTATR',
  0x50: 'RAW',
  0x51: 'FMT',
  0x53: 'KEYPAD',
  0x54: 'COM',
  0x76: 'CCRYPT',
  0x78: 'RMAC_I',
  0x79: 'BUSY',
};

export function commandName(code: number): string {
  return COMMAND_NAMES[code] ?? `0x${code.toString(16).padStart(2, '0')}`;
}

export function replyName(code: number): string {
  return REPLY_NAMES[code] ?? `0x${code.toString(16).padStart(2, '0')}`;
}

/** NAK reason codes (first data byte of osdp_NAK). */
export const NAK = {
  NONE: 0,
  CHECK_CHARACTER: 1,
  COMMAND_LENGTH: 2,
  UNKNOWN_COMMAND: 3,
  SEQUENCE: 4,
  SECURITY_BLOCK_UNSUPPORTED: 5,
  SECURITY_CONDITIONS: 6,
  BIO_TYPE: 7,
  BIO_FORMAT: 8,
  RECORD: 9,
} as const;

export type NakReason =
  | 'none'
  | 'check_character'
  | 'command_length'
  | 'unknown_command'
  | 'sequence'
  | 'security_block_unsupported'
  | 'security_conditions'
  | 'bio_type'
  | 'bio_format'
  | 'record'
  | 'unknown';

const NAK_REASONS: readonly NakReason[] = [
  'none',
  'check_character',
  'command_length',
  'unknown_command',
  'sequence',
  'security_block_unsupported',
  'security_conditions',
  'bio_type',
  'bio_format',
  'record',
];

const NAK_TEXT: Record<NakReason, string> = {
  none: 'no error',
  check_character: 'the PD saw a bad CRC or checksum',
  command_length: 'the PD refused the command length',
  unknown_command: 'the PD does not implement the command',
  sequence: 'the PD expected another sequence number',
  security_block_unsupported: 'the PD does not support this security block (or refused the cryptogram)',
  security_conditions: 'the PD requires a secure channel for this command (or the MAC failed)',
  bio_type: 'biometric type not supported',
  bio_format: 'biometric format not supported',
  record: 'the PD could not process the command record',
  unknown: 'unknown NAK code',
};

export function nakReason(code: number): NakReason {
  return NAK_REASONS[code] ?? 'unknown';
}

export function describeNak(code: number): string {
  return `NAK ${code} (${NAK_TEXT[nakReason(code)]})`;
}

/** Security control block types. */
export const SCS = {
  /** CP → PD osdp_CHLNG. */
  CHLNG: 0x11,
  /** PD → CP osdp_CCRYPT. */
  CCRYPT: 0x12,
  /** CP → PD osdp_SCRYPT. */
  SCRYPT: 0x13,
  /** PD → CP osdp_RMAC_I. */
  RMAC_I: 0x14,
  /** CP → PD, MAC, data in clear. */
  CMD_MAC: 0x15,
  /** PD → CP, MAC, data in clear. */
  REPLY_MAC: 0x16,
  /** CP → PD, MAC, data encrypted. */
  CMD_MAC_ENC: 0x17,
  /** PD → CP, MAC, data encrypted. */
  REPLY_MAC_ENC: 0x18,
} as const;

/** True for security block types that carry a 4-byte MAC before the check characters. */
export function scbHasMac(type: number): boolean {
  return type >= SCS.CMD_MAC && type <= SCS.REPLY_MAC_ENC;
}

/** Capability function codes of osdp_PDCAP. */
export const CAPABILITY = {
  CONTACT_STATUS: 1,
  OUTPUT_CONTROL: 2,
  CARD_DATA_FORMAT: 3,
  READER_LED: 4,
  READER_AUDIBLE: 5,
  READER_TEXT: 6,
  TIME_KEEPING: 7,
  CHECK_CHARACTER: 8,
  COMMUNICATION_SECURITY: 9,
  RECEIVE_BUFFER: 10,
  LARGEST_MESSAGE: 11,
  SMART_CARD: 12,
  READERS: 13,
  BIOMETRICS: 14,
  SECURE_PIN: 15,
  OSDP_VERSION: 16,
} as const;

export const CAPABILITY_NAMES: Readonly<Record<number, string>> = {
  1: 'contact_status',
  2: 'output_control',
  3: 'card_data_format',
  4: 'reader_led',
  5: 'reader_audible',
  6: 'reader_text',
  7: 'time_keeping',
  8: 'check_character',
  9: 'communication_security',
  10: 'receive_buffer',
  11: 'largest_message',
  12: 'smart_card',
  13: 'readers',
  14: 'biometrics',
  15: 'secure_pin',
  16: 'osdp_version',
};

/** Reader LED colours of osdp_LED. */
export const LED_COLOR = { BLACK: 0, RED: 1, GREEN: 2, AMBER: 3, BLUE: 4, MAGENTA: 5, CYAN: 6, WHITE: 7 } as const;

/** Bits on the wire per byte (start, 8 data, stop): wire time = bytes × 10 / baud. */
export const BITS_PER_BYTE = 10;

export function wireTimeMs(bytes: number, baudRate: number): number {
  return (bytes * BITS_PER_BYTE * 1000) / baudRate;
}
