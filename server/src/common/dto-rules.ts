import { Matches } from 'class-validator';

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Ids that travel in MQTT topics and permission sets: no wildcards, no slashes. */
export const IsSlug = () =>
  Matches(SLUG_PATTERN, {
    message: ({ property }) => `${property} must be lowercase letters, digits and dashes, starting with a letter or digit, at most 63`,
  });

/** Largest epoch-millisecond value accepted in requests (year 9999). */
export const MAX_EPOCH_MS = 253_402_300_799_999;
