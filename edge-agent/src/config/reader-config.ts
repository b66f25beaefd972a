/**
 * The `readers` entries of the agent configuration: one schema per reader type, joined
 * in a discriminated union on `type`. A new reader type adds one schema here and one
 * case in `hardware/factory.ts`.
 *
 * Most entries are one reader on its own transport. An `osdp` entry is an RS-485 line:
 * one serial port with several readers on it, each at its own address. Either way each
 * reader has one placement (id, door, direction): `readerPlacements` lists them all.
 */
import { z } from 'zod';
import { readerDirectionSchema, slugSchema } from '@acs/shared/access/model';
import { BUILT_IN_WIEGAND_FORMAT_IDS, wiegandFormatListSchema } from '@acs/shared/credentials/wiegand';

/** BCM numbers of the 40-pin header's GPIO lines. */
export const bcmLineSchema = z.number().int().min(0).max(27);

export function serialSchema(defaultBaudRate: number) {
  return z.strictObject({
    path: z.string().min(1),
    /** `system`: the OS serial port (or a pseudo-terminal); `sim`: the in-process simulated port of @acs/hardware-sim. */
    driver: z.enum(['system', 'sim']).default('system'),
    baudRate: z.number().int().positive().default(defaultBaudRate),
  });
}

const feedbackOutputSchema = z.strictObject({
  line: bcmLineSchema,
  /** On while the line is low (reader LED and beeper inputs usually are). */
  activeLow: z.boolean().default(false),
});

function feedbackPatternSchema(defaults: { ledMs: number; buzzerMs: number; beeps: number }) {
  return z
    .strictObject({
      ledMs: z.number().int().min(0).max(10_000).default(defaults.ledMs),
      buzzerMs: z.number().int().min(0).max(2000).default(defaults.buzzerMs),
      beeps: z.number().int().min(0).max(10).default(defaults.beeps),
    })
    .default(defaults);
}

/** LED and buzzer outputs of a reader, and what a grant and a deny do with them. */
export const readerFeedbackSchema = z
  .strictObject({
    greenLed: feedbackOutputSchema.optional(),
    redLed: feedbackOutputSchema.optional(),
    buzzer: feedbackOutputSchema.optional(),
    /** Green LED for `ledMs`, `beeps` beeps of `buzzerMs`. */
    grant: feedbackPatternSchema({ ledMs: 2000, buzzerMs: 100, beeps: 1 }),
    /** Red LED for `ledMs`, `beeps` beeps of `buzzerMs`. */
    deny: feedbackPatternSchema({ ledMs: 2000, buzzerMs: 150, beeps: 3 }),
  })
  .refine((f) => f.greenLed || f.redLed || f.buzzer, 'name at least one output: greenLed, redLed or buzzer');

/** A built-in Wiegand format id or a custom layout (used by line readers that report FC/CN). */
const oneWiegandFormatSchema = z.unknown().transform((value, ctx) => {
  const result = wiegandFormatListSchema.safeParse([value]);
  if (result.success) return result.data[0]!;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: issue.path.slice(1), message: issue.message });
  return z.NEVER;
});

const GROUPS_BY_CREDENTIAL = { em4100: ['tag'], wiegand: ['card'], uid: ['uid'] } as const;

/** `em4100-decimal`, `hex-uid` and `qr-invitation` may be written as plain strings. */
const lineFormatSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { type: value } : value),
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('em4100-decimal') }),
    z.strictObject({ type: z.literal('hex-uid') }),
    z.strictObject({ type: z.literal('qr-invitation') }),
    z.strictObject({ type: z.literal('wiegand-fc-cn'), wiegandFormat: oneWiegandFormatSchema.prefault('h10301') }),
    z
      .strictObject({
        type: z.literal('regex'),
        /** Matched against the trimmed line; named groups `tag`, `facility`/`card` or `uid`. */
        pattern: z.string().min(1).max(500),
        credential: z.enum(['em4100', 'wiegand', 'uid']),
        /** Radix of the `tag` group (em4100 only). */
        radix: z.union([z.literal(10), z.literal(16)]).default(10),
        wiegandFormat: oneWiegandFormatSchema.optional(),
      })
      .transform((raw, ctx) => {
        let pattern: RegExp;
        try {
          pattern = new RegExp(raw.pattern);
        } catch (err) {
          ctx.addIssue({ code: 'custom', path: ['pattern'], message: `not a regular expression: ${(err as Error).message}` });
          return z.NEVER;
        }
        for (const group of GROUPS_BY_CREDENTIAL[raw.credential]) {
          if (!raw.pattern.includes(`(?<${group}>`)) {
            ctx.addIssue({
              code: 'custom',
              path: ['pattern'],
              message: `a ${raw.credential} credential needs a named group (?<${group}>…)`,
            });
          }
        }
        if (raw.credential === 'wiegand' && !raw.wiegandFormat) {
          ctx.addIssue({
            code: 'custom',
            path: ['wiegandFormat'],
            message: 'a wiegand credential needs the format its numbers belong to (e.g. h10301)',
          });
        }
        return {
          type: 'regex' as const,
          pattern,
          credential: raw.credential,
          radix: raw.radix,
          ...(raw.wiegandFormat ? { wiegandFormat: raw.wiegandFormat } : {}),
        };
      }),
  ]),
);

const readerCommon = {
  id: slugSchema,
  door: slugSchema,
  direction: readerDirectionSchema,
  /** LED/buzzer outputs on GPIO for this reader. */
  feedback: readerFeedbackSchema.optional(),
};

const debounceMs = (defaultMs: number) => z.number().int().min(0).max(10_000).default(defaultMs);

export const rdm6300ReaderSchema = z.strictObject({
  ...readerCommon,
  type: z.literal('rdm6300'),
  serial: serialSchema(9600),
  /** Repeats of the same tag within this time are one presentation. */
  debounceMs: debounceMs(1000),
});

export const lineReaderSchema = z.strictObject({
  ...readerCommon,
  type: z.literal('line'),
  serial: serialSchema(9600),
  /** How the reader writes a card number. */
  format: lineFormatSchema,
  maxLineLength: z.number().int().min(4).max(256).default(64),
  debounceMs: debounceMs(1000),
});

export const pn532ReaderSchema = z.strictObject({
  ...readerCommon,
  type: z.literal('pn532'),
  serial: serialSchema(115_200),
  pollIntervalMs: z.number().int().min(20).max(5000).default(200),
  ackTimeoutMs: z.number().int().min(10).max(2000).default(100),
  replyTimeoutMs: z.number().int().min(20).max(5000).default(500),
  /** A card left on the reader is seen at every poll: keep this above pollIntervalMs. */
  debounceMs: debounceMs(1000),
});

export const wiegandReaderSchema = z.strictObject({
  ...readerCommon,
  type: z.literal('wiegand'),
  wiegand: z.strictObject({
    /** BCM lines, through a level shifter or opto-isolator (readers drive 5 V). */
    d0Line: bcmLineSchema,
    d1Line: bcmLineSchema,
    /** Silence that ends a frame (docs/hardware.md#wiegand-signalling: receivers use 5-30 ms, 25-50 ms is safe). */
    frameTimeoutMs: z.number().int().min(5).max(100).default(25),
    /** Tried in order: built-in ids (h10301, h10306, corp1000-35, h10304, corp1000-48) and custom layouts. */
    formats: wiegandFormatListSchema.prefault([...BUILT_IN_WIEGAND_FORMAT_IDS]),
    /** Frames of a length no format has become raw:<bits>:<hex> credentials instead of being rejected. */
    allowRaw: z.boolean().default(false),
  }),
  debounceMs: debounceMs(500),
});

/** Formats osdp_RAW Wiegand card data (format 1) is decoded with, tried in order; the same table as Wiegand readers'. */
const osdpWiegandFormatsSchema = wiegandFormatListSchema;

const osdpDeviceSchema = z.strictObject({
  /** The reader's id (one OSDP PD). */
  id: slugSchema,
  door: slugSchema,
  direction: readerDirectionSchema,
  /** OSDP address on the line, 0-126 (127 is broadcast). */
  address: z.number().int().min(0).max(126),
  /** AES-128 secure channel. Keys come from the server, never from this file. */
  secureChannel: z.boolean().default(true),
  /** Send one-byte checksums instead of CRC-16 (very old PDs). */
  checksum: z.boolean().default(false),
  /** This reader's Wiegand formats, when they differ from the line's. */
  wiegandFormats: osdpWiegandFormatsSchema.optional(),
});

const osdpTimingSchema = z.strictObject({
  replyTimeoutMs: z.number().int().min(20).max(5000).optional(),
  pollIntervalMs: z.number().int().min(5).max(5000).optional(),
  retryDelayMs: z.number().int().min(0).max(60_000).optional(),
  maxRetries: z.number().int().min(0).max(100).optional(),
  offlineAfterMs: z.number().int().min(100).max(600_000).optional(),
  offlineProbeMs: z.number().int().min(20).max(600_000).optional(),
  busyRetryMs: z.number().int().min(1).max(60_000).optional(),
  handshakeRetryMs: z.number().int().min(100).max(3_600_000).optional(),
  keyInstallTimeoutMs: z.number().int().min(100).max(600_000).optional(),
});

/**
 * One RS-485 line with its OSDP readers (multi-drop): one serial port, one address per
 * reader. LED and buzzer feedback travel as OSDP commands, so there is no `feedback`.
 */
export const osdpLineSchema = z.strictObject({
  /** The line's id (logs); its readers have their own ids. */
  id: slugSchema,
  type: z.literal('osdp'),
  serial: serialSchema(9600),
  /** Poll-loop timing; defaults in `readers/osdp/osdp-timing.ts` (docs/hardware.md#osdp-session-and-timing). */
  timing: osdpTimingSchema.default({}),
  /** Built-in ids (h10301, h10306, corp1000-35, h10304, corp1000-48) and custom layouts, as for Wiegand readers. */
  wiegandFormats: osdpWiegandFormatsSchema.prefault([...BUILT_IN_WIEGAND_FORMAT_IDS]),
  devices: z.array(osdpDeviceSchema).min(1).max(126),
});

export const readerSchema = z.discriminatedUnion('type', [
  rdm6300ReaderSchema,
  lineReaderSchema,
  pn532ReaderSchema,
  wiegandReaderSchema,
  osdpLineSchema,
]);

/** One entry of `readers`: a reader on its own transport, or an OSDP line with its readers. */
export type ReaderConfig = z.infer<typeof readerSchema>;
/** The entries with a serial port (an OSDP line too). */
export type SerialReaderConfig = Extract<ReaderConfig, { serial: unknown }>;
/** The entries that are exactly one reader, with their own door and direction. */
export type SingleReaderConfig = Exclude<ReaderConfig, { type: 'osdp' }>;
export type OsdpLineConfig = Extract<ReaderConfig, { type: 'osdp' }>;
export type OsdpDeviceConfig = OsdpLineConfig['devices'][number];
export type ReaderFeedbackConfig = z.infer<typeof readerFeedbackSchema>;
export type LineFormatConfig = z.infer<typeof lineFormatSchema>;
export type ReaderType = ReaderConfig['type'];

export function isSerialReader(reader: ReaderConfig): reader is SerialReaderConfig {
  return 'serial' in reader;
}

/** Where one reader is: its id, door and direction, whatever its technology and transport. */
export interface ReaderPlacement {
  id: string;
  door: string;
  direction: z.infer<typeof readerDirectionSchema>;
  type: ReaderType;
}

/** The readers of one `readers` entry, with the path of each within the entry (for error messages). */
export function placementsOf(reader: ReaderConfig): Array<{ placement: ReaderPlacement; at: (string | number)[] }> {
  if (reader.type === 'osdp') {
    return reader.devices.map((d, k) => ({
      placement: { id: d.id, door: d.door, direction: d.direction, type: reader.type },
      at: ['devices', k],
    }));
  }
  return [{ placement: { id: reader.id, door: reader.door, direction: reader.direction, type: reader.type }, at: [] }];
}

/** Every reader of the configuration, OSDP lines expanded to their readers. */
export function readerPlacements(config: { readers: readonly ReaderConfig[] }): ReaderPlacement[] {
  return config.readers.flatMap((reader) => placementsOf(reader).map((p) => p.placement));
}

/** The GPIO lines a reader drives or watches, with the field that names each. */
export function readerGpioLines(reader: ReaderConfig): [field: string, line: number][] {
  const lines: [string, number][] = [];
  if (reader.type === 'osdp') return lines;
  if (reader.type === 'wiegand') lines.push(['wiegand.d0Line', reader.wiegand.d0Line], ['wiegand.d1Line', reader.wiegand.d1Line]);
  const feedback = reader.feedback;
  if (feedback?.greenLed) lines.push(['feedback.greenLed.line', feedback.greenLed.line]);
  if (feedback?.redLed) lines.push(['feedback.redLed.line', feedback.redLed.line]);
  if (feedback?.buzzer) lines.push(['feedback.buzzer.line', feedback.buzzer.line]);
  return lines;
}
