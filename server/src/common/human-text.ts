import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * One rule for every name and free text a person types (people, zones, doors, schedules,
 * visitors, notes, reasons...), because guards read these on screens and printed lists:
 *
 * - NFC-normalised and trimmed, so "Zhang Wei " and a decomposed "é" are stored once;
 * - never blank (a whitespace-only name used to be stored as "");
 * - no control characters (tab and line breaks only in multi-line text), no lone UTF-16
 *   surrogates (not text at all), no invisible zero-width spaces or word joiners, and no
 *   bidirectional embeddings, overrides or isolates, which make a name render as something
 *   else than what is stored ("Trojan Source", CVE-2021-42574).
 *
 * Zero-width (non-)joiners U+200C/U+200D stay allowed: Persian, Indic scripts and emoji
 * sequences need them, and they cannot reorder text.
 */
export interface HumanTextOptions {
  /** Tabs and line breaks allowed (notes, descriptions). */
  multiline?: boolean;
  /** An empty string is accepted (an optional field being cleared); whitespace-only still becomes empty. */
  allowEmpty?: boolean;
}

// eslint-disable-next-line no-control-regex -- these two match the control characters human text must not hold
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
// eslint-disable-next-line no-control-regex
const LINE_CONTROL = /[\u0009\u000A\u000D\u2028\u2029]/u;
const INVISIBLE = /[\u200B\u2060\uFEFF\u180E]/u;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;
/** Without the `u` flag the regex sees UTF-16 code units, so it can find a surrogate missing its pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` holds half of a UTF-16 surrogate pair: not text at all (some validators throw on it). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Why `text` breaks the rule, or null when it is fine. Exported for the tests and non-DTO inputs. */
export function humanTextProblem(text: string, options: HumanTextOptions = {}): string | null {
  if (LONE_SURROGATE.test(text)) return 'contains a broken character (a lone UTF-16 surrogate)';
  if (text.length === 0) return options.allowEmpty ? null : 'must not be blank';
  if (CONTROL.test(text)) return 'contains a control character';
  if (!options.multiline && LINE_CONTROL.test(text)) return 'must be a single line (no tab or line break)';
  if (INVISIBLE.test(text)) return 'contains an invisible character (zero-width space, word joiner or byte-order mark)';
  if (BIDI.test(text)) return 'contains a text-direction override, embedding or isolate character';
  return null;
}

/** NFC and trimmed; anything not a string is left for `@IsString` to refuse. */
export function normalizeHumanText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // A lone surrogate cannot be normalised; keep it so the validator names the problem.
  return LONE_SURROGATE.test(value) ? value : value.normalize('NFC').trim();
}

/** Applies the rule to a DTO property; combine with `@MaxLength` and `@IsOptional` as usual. */
export function HumanText(options: HumanTextOptions = {}): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => normalizeHumanText(value)),
    IsString(),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'humanText',
        target: target.constructor,
        propertyName: String(propertyName),
        validator: {
          validate: (value: unknown) => typeof value !== 'string' || humanTextProblem(value, options) === null,
          defaultMessage: (args?: ValidationArguments) =>
            `${args?.property ?? 'text'} ${humanTextProblem(String(args?.value ?? ''), options) ?? 'is not valid text'}`,
        },
      }),
  );
}
