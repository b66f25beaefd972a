import { isEmail, Matches, ValidateBy } from 'class-validator';
import { hasLoneSurrogate } from './human-text.js';

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Ids that travel in MQTT topics and permission sets: no wildcards, no slashes. */
export const IsSlug = () =>
  Matches(SLUG_PATTERN, {
    message: ({ property }) => `${property} must be lowercase letters, digits and dashes, starting with a letter or digit, at most 63`,
  });

/** Largest epoch-millisecond value accepted in requests (year 9999). */
export const MAX_EPOCH_MS = 253_402_300_799_999;

/**
 * An e-mail address. class-validator's `@IsEmail` throws (URIError) on a lone UTF-16
 * surrogate, which made such a body a 500 (found by the DTO fuzz test); this refuses it.
 */
export const IsEmailAddress = () =>
  ValidateBy({
    name: 'isEmailAddress',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !hasLoneSurrogate(value) && isEmail(value),
      defaultMessage: (args) => `${args?.property ?? 'email'} must be an email address`,
    },
  });
