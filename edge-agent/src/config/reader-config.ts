/**
 * The `readers` entries of the agent configuration: one schema per reader type, joined
 * in a discriminated union on `type`. A new reader type adds one schema here and one
 * case in `hardware/factory.ts`.
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

/** `em4100-decimal` and `hex-uid` may be written as plain strings. */
const lineFormatSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { type: value } : value),
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('em4100-decimal') }),
    z.strictObject({ type: z.literal('hex-uid') }),
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
            ctx.addIssue({ code: 'custom', path: ['pattern'], message: `a ${raw.credential} credential needs a named group (?<${group}>…)` });
          }
        }
        if (raw.credential === 'wiegand' && !raw.wiegandFormat) {
          ctx.addIssue({ code: 'custom', path: ['wiegandFormat'], message: 'a wiegand credential needs the format its numbers belong to (e.g. h10301)' });
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
    /** Silence that ends a frame (hardware.md: receivers use 5-30 ms, 25-50 ms is safe). */
    frameTimeoutMs: z.number().int().min(5).max(100).default(25),
    /** Tried in order: built-in ids (h10301, h10306, corp1000-35, h10304, corp1000-48) and custom layouts. */
    formats: wiegandFormatListSchema.prefault([...BUILT_IN_WIEGAND_FORMAT_IDS]),
    /** Frames of a length no format has become raw:<bits>:<hex> credentials instead of being rejected. */
    allowRaw: z.boolean().default(false),
  }),
  debounceMs: debounceMs(500),
});

export const readerSchema = z.discriminatedUnion('type', [rdm6300ReaderSchema, lineReaderSchema, pn532ReaderSchema, wiegandReaderSchema]);

export type ReaderConfig = z.infer<typeof readerSchema>;
export type SerialReaderConfig = Extract<ReaderConfig, { serial: unknown }>;
export type ReaderFeedbackConfig = z.infer<typeof readerFeedbackSchema>;
export type LineFormatConfig = z.infer<typeof lineFormatSchema>;

export function isSerialReader(reader: ReaderConfig): reader is SerialReaderConfig {
  return 'serial' in reader;
}

/** The GPIO lines a reader drives or watches, with the field that names each. */
export function readerGpioLines(reader: ReaderConfig): [field: string, line: number][] {
  const lines: [string, number][] = [];
  if (reader.type === 'wiegand') lines.push(['wiegand.d0Line', reader.wiegand.d0Line], ['wiegand.d1Line', reader.wiegand.d1Line]);
  const feedback = reader.feedback;
  if (feedback?.greenLed) lines.push(['feedback.greenLed.line', feedback.greenLed.line]);
  if (feedback?.redLed) lines.push(['feedback.redLed.line', feedback.redLed.line]);
  if (feedback?.buzzer) lines.push(['feedback.buzzer.line', feedback.buzzer.line]);
  return lines;
}
