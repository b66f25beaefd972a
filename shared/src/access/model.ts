import { z } from 'zod';

/**
 * Zone security levels. The number is what rules compare; names are per-site labels
 * (defaults L0 public, L1 general, L2 controlled, L3 restricted: docs/product-rules.md#zone-levels).
 */
export const zoneLevelSchema = z.number().int().min(0).max(9);
export type ZoneLevel = z.infer<typeof zoneLevelSchema>;

export const DEFAULT_ZONE_LEVEL_NAMES: Readonly<Record<number, string>> = {
  0: 'public',
  1: 'general',
  2: 'controlled',
  3: 'restricted',
};

export const CARD_TYPES = ['employee', 'contractor', 'temporary', 'visitor'] as const;
export const cardTypeSchema = z.enum(CARD_TYPES);
export type CardType = z.infer<typeof cardTypeSchema>;

/** Default highest zone level each card type may open (docs/product-rules.md#card-type-ceilings). */
export const DEFAULT_CARD_TYPE_CEILINGS: Readonly<Record<CardType, ZoneLevel>> = {
  employee: 3,
  contractor: 2,
  temporary: 2,
  visitor: 2,
};

/** Card lifecycle (docs/product-rules.md#card-lifecycle). Only `active` opens doors. */
export const CARD_STATUSES = [
  'requested',
  'approved',
  'issued',
  'active',
  'suspended',
  'lost',
  'returned',
  'revoked',
  'destroyed',
] as const;
export const cardStatusSchema = z.enum(CARD_STATUSES);
export type CardStatus = z.infer<typeof cardStatusSchema>;

export const ANTI_PASSBACK_MODES = ['off', 'soft', 'hard'] as const;
export const antiPassbackModeSchema = z.enum(ANTI_PASSBACK_MODES);
export type AntiPassbackMode = z.infer<typeof antiPassbackModeSchema>;

/**
 * Which way a reader faces on its door. `in` enters the door's `toZone`,
 * `out` goes back into its `fromZone`.
 */
export const READER_DIRECTIONS = ['in', 'out'] as const;
export const readerDirectionSchema = z.enum(READER_DIRECTIONS);
export type ReaderDirection = z.infer<typeof readerDirectionSchema>;

export const USER_ROLES = ['admin', 'guard', 'employee', 'auditor'] as const;
export const userRoleSchema = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof userRoleSchema>;

/** Identifiers that travel in MQTT topics: no wildcards, no slashes. */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, starting with a letter or digit, at most 63');
