/**
 * Payloads of every MQTT channel, as zod schemas (validated at each boundary) and the
 * TypeScript types inferred from them. Times are epoch milliseconds (UTC).
 */
import { z } from 'zod';
import { REASON_CODES } from '../access/reason-codes.js';
import {
  antiPassbackModeSchema,
  cardStatusSchema,
  cardTypeSchema,
  readerDirectionSchema,
  slugSchema,
  zoneLevelSchema,
} from '../access/model.js';
import type { Channel } from './topics.js';
import { readerKeyCommandSchema, readerProvisioningWindowCommandSchema, readersReportSchema } from '../readers/reader-report.js';

const epochMs = z.number().int().nonnegative();
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM between 00:00 and 24:00');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const id = z.string().min(1).max(64);

// ---------------------------------------------------------------- permission set

export const scheduleWindowSchema = z.object({
  /** ISO weekdays, 1 = Monday ... 7 = Sunday, in the site's time zone. */
  days: z.array(z.number().int().min(1).max(7)).min(1),
  start: hhmm,
  /** Exclusive. An end before the start runs past midnight into the next day. */
  end: hhmm,
});
export type ScheduleWindow = z.infer<typeof scheduleWindowSchema>;

export const scheduleSchema = z.object({
  id,
  name: z.string().max(200),
  windows: z.array(scheduleWindowSchema),
  /** `closed`: no access on site holidays; `normal`: holidays are ordinary days. */
  holidays: z.enum(['closed', 'normal']),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const permissionZoneSchema = z.object({
  id,
  name: z.string().max(200),
  level: zoneLevelSchema,
  parentId: id.nullable(),
  antiPassback: antiPassbackModeSchema,
  /** Two-person rule (docs/product-rules.md#two-person-rule, on by default for L3 zones): two authorised people open together. */
  twoPerson: z.boolean().optional(),
});
export type PermissionZone = z.infer<typeof permissionZoneSchema>;

export const permissionDoorSchema = z.object({
  id: slugSchema,
  name: z.string().max(200),
  fromZoneId: id,
  toZoneId: id,
  /** How long the lock stays released after a grant (minimum 3 s: docs/hardware.md#doors). */
  releaseMs: z.number().int().min(3000).max(600_000),
  /** Open longer than this raises held-open. */
  heldOpenMs: z.number().int().min(5000).max(3_600_000),
});
export type PermissionDoor = z.infer<typeof permissionDoorSchema>;

export const permissionGrantSchema = z.object({
  zoneId: id,
  /** null: at any time. */
  scheduleId: id.nullable(),
  validUntil: epochMs.nullable(),
});
export type PermissionGrant = z.infer<typeof permissionGrantSchema>;

export const permissionCardSchema = z.object({
  credential: z.string().min(3).max(100),
  cardId: id,
  personId: id.nullable(),
  holder: z.string().max(200),
  type: cardTypeSchema,
  status: cardStatusSchema,
  validFrom: epochMs.nullable(),
  validUntil: epochMs.nullable(),
  /** Recorded exception raising this card above its type's ceiling (docs/product-rules.md#card-type-ceilings). */
  levelCeilingOverride: zoneLevelSchema.nullable(),
  grants: z.array(permissionGrantSchema),
  /**
   * A visitor card's escorts, from the visit (docs/product-rules.md#escorts): at L1+ doors only a badge of
   * one of these people at the same door within the escort window lets the visitor through.
   * Absent or empty: any active employee card with a grant to the target zone may escort.
   */
  escortPersonIds: z.array(id).optional(),
  /** Designated for lockdown: still opens doors (within its permissions) while they are locked down. */
  lockdownAccess: z.boolean().optional(),
});
export type PermissionCard = z.infer<typeof permissionCardSchema>;

/** Site or zone lockdown in force (docs/product-rules.md#lockdown): affected doors open only for designated cards. */
export const lockdownStateSchema = z.object({
  site: z.boolean(),
  zoneIds: z.array(id),
});
export type LockdownState = z.infer<typeof lockdownStateSchema>;

/** Tunables of the rules the agent enforces; absent values use the agent's defaults. */
export const doorRulesSchema = z.object({
  /** How long an escort's badge at a door covers a visitor's badge at the same door. */
  escortWindowMs: z.number().int().min(1000).max(600_000).optional(),
  /** How long the first person of an L3 two-person entry waits for the second. */
  twoPersonWindowMs: z.number().int().min(1000).max(600_000).optional(),
  /** Per card type: after this long without contact with the server the agent refuses the card. */
  offlineLimitsMs: z
    .partialRecord(
      cardTypeSchema,
      z
        .number()
        .int()
        .min(60_000)
        .max(30 * 24 * 3_600_000),
    )
    .optional(),
});
export type DoorRules = z.infer<typeof doorRulesSchema>;

export const permissionSetSchema = z.object({
  agentId: slugSchema,
  version: z.number().int().nonnegative(),
  issuedAt: epochMs,
  site: z.object({
    /** IANA time zone for schedules and holidays, e.g. `Asia/Shanghai`. */
    timeZone: z.string().min(1).max(64),
    holidays: z.array(isoDate),
  }),
  cardTypeCeilings: z.record(cardTypeSchema, zoneLevelSchema),
  zones: z.array(permissionZoneSchema),
  doors: z.array(permissionDoorSchema),
  schedules: z.array(scheduleSchema),
  cards: z.array(permissionCardSchema),
  lockdown: lockdownStateSchema.optional(),
  rules: doorRulesSchema.optional(),
});
export type PermissionSet = z.infer<typeof permissionSetSchema>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** Server → agent on `permissions`: a complete set replacing whatever the agent held. */
export const permissionSnapshotSchema = z.object({
  kind: z.literal('snapshot'),
  set: permissionSetSchema,
  /** `permissionSetHash(set)`: the agent checks it before applying and reports its own. */
  hash: sha256Hex,
});
export type PermissionSnapshot = z.infer<typeof permissionSnapshotSchema>;
/** The snapshot message (the name existing code and tests use). */
export type PermissionsMessage = PermissionSnapshot;

/**
 * Server → agent on `permissions`: the cards that changed since the version the agent holds
 * (first contact and structural changes get a snapshot). The agent applies it only on top of
 * exactly `baseVersion`/`baseHash`, and only if the result hashes to `hash`; otherwise it asks
 * for a snapshot. Revocations travel this way at once, ahead of any coalescing.
 */
export const permissionDeltaSchema = z.object({
  kind: z.literal('delta'),
  agentId: slugSchema,
  baseVersion: z.number().int().nonnegative(),
  baseHash: sha256Hex,
  version: z.number().int().nonnegative(),
  issuedAt: epochMs,
  /** Cards added or replaced, whole. */
  upserts: z.array(permissionCardSchema).max(100_000),
  /** Credentials no longer in the set. */
  removals: z.array(z.string().min(3).max(100)).max(100_000),
  /** Content hash of the whole set after the delta (`permissionSetHash`). */
  hash: sha256Hex,
});
export type PermissionDelta = z.infer<typeof permissionDeltaSchema>;

/**
 * Server → agent on `permissions`: a structural change (zones, doors, schedules,
 * holidays, site settings, lockdown) that leaves the cards as they are: the whole new header,
 * a few kilobytes, instead of the whole card table. Applied only on top of exactly
 * `baseVersion`/`baseHash`, and only if the agent's cards under the new header hash to `hash`;
 * otherwise the agent asks for a snapshot. Sent only to agents that accept `acsp/1`.
 */
export const permissionStructureSchema = z.object({
  kind: z.literal('structure'),
  agentId: slugSchema,
  baseVersion: z.number().int().nonnegative(),
  baseHash: sha256Hex,
  /** Everything but the cards; its `version` and `issuedAt` are the new set's. */
  header: permissionSetSchema.omit({ cards: true }),
  hash: sha256Hex,
});
export type PermissionStructure = z.infer<typeof permissionStructureSchema>;

/** Everything the `permissions` channel carries. */
export const permissionsMessageSchema = z.discriminatedUnion('kind', [
  permissionSnapshotSchema,
  permissionDeltaSchema,
  permissionStructureSchema,
]);
export type PermissionsChannelMessage = z.infer<typeof permissionsMessageSchema>;

/** Agent → server on `sync`: what the agent holds, asking for what it lacks. */
export const syncRequestSchema = z.object({
  haveVersion: z.number().int().nonnegative().nullable(),
  haveHash: z.string().nullable(),
  /**
   * Formats the agent reads besides JSON (`acsp/1`: the binary permission sets). Absent from
   * agents older than that format: the server keeps sending them JSON.
   */
  accepts: z.array(z.string().max(32)).max(16).optional(),
});
export type SyncRequest = z.infer<typeof syncRequestSchema>;

/** Agent → server on `applied`: proof that a version is in force at the doors. */
export const appliedMessageSchema = z.object({
  version: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  appliedAt: epochMs,
});
export type AppliedMessage = z.infer<typeof appliedMessageSchema>;

// ---------------------------------------------------------------- agent state

/** Agent → server on `state`, retained; the last will publishes `online: false`. */
export const agentStateSchema = z.object({
  agentId: slugSchema,
  online: z.boolean(),
  at: epochMs,
  softwareVersion: z.string().max(50).optional(),
  permissionVersion: z.number().int().nonnegative().nullable().optional(),
  doors: z.array(slugSchema).optional(),
  /** Events waiting in the agent's outbox (for monitoring); older agents omit it. */
  outboxDepth: z.number().int().nonnegative().optional(),
  /** The protocol generation the agent speaks (`protocol.ts`); absent: 1. */
  protocol: z.number().int().nonnegative().max(1000).optional(),
});
export type AgentState = z.infer<typeof agentStateSchema>;

/** Server → agents on `acs/v1/server`, retained: what the server speaks and still serves. */
export const serverAnnouncementSchema = z.object({
  softwareVersion: z.string().max(50),
  protocol: z.number().int().positive(),
  minAgentProtocol: z.number().int().positive(),
  at: epochMs,
});
export type ServerAnnouncement = z.infer<typeof serverAnnouncementSchema>;

// ---------------------------------------------------------------- events

const eventBase = {
  /** UUID made by the agent; the server stores each id once. */
  eventId: z.uuid(),
  agentId: slugSchema,
  /** Per-agent sequence number, strictly increasing; gaps tell the server something is missing. */
  seq: z.number().int().positive(),
  /** Device time. The server adds its own receive time. */
  occurredAt: epochMs,
};

export const accessEventSchema = z.object({
  ...eventBase,
  kind: z.literal('access'),
  doorId: slugSchema,
  readerId: z.string().min(1).max(64),
  direction: readerDirectionSchema,
  /** Zone the holder asked to enter. */
  zoneId: id.nullable(),
  credential: z.string().min(1).max(100),
  cardId: id.nullable(),
  personId: id.nullable(),
  holder: z.string().max(200).nullable(),
  granted: z.boolean(),
  reason: z.enum(REASON_CODES),
  permissionVersion: z.number().int().nonnegative().nullable(),
  /** Software time from last frame byte to relay command, for monitoring. */
  decisionMicros: z.number().nonnegative().optional(),
});
export type AccessEvent = z.infer<typeof accessEventSchema>;

export const DOOR_EVENT_TYPES = ['opened', 'closed', 'forced_open', 'held_open_prealarm', 'held_open', 'exit_request', 'relocked'] as const;

export const doorEventSchema = z.object({
  ...eventBase,
  kind: z.literal('door'),
  doorId: slugSchema,
  type: z.enum(DOOR_EVENT_TYPES),
});
export type DoorEvent = z.infer<typeof doorEventSchema>;

/** `reader_key_reset`: an OSDP reader that had its own key answers with a factory default key (docs/hardware.md#osdp-keys). */
export const DEVICE_EVENT_TYPES = ['reader_fault', 'reader_recovered', 'tamper', 'reader_key_reset'] as const;

export const deviceEventSchema = z.object({
  ...eventBase,
  kind: z.literal('device'),
  deviceId: z.string().min(1).max(64),
  type: z.enum(DEVICE_EVENT_TYPES),
  detail: z.string().max(500),
});
export type DeviceEvent = z.infer<typeof deviceEventSchema>;

export const agentEventSchema = z.discriminatedUnion('kind', [accessEventSchema, doorEventSchema, deviceEventSchema]);
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** Agent → server on `events`, QoS 1. Batches keep replay after an outage fast. */
export const eventsMessageSchema = z.object({
  events: z.array(agentEventSchema).min(1).max(1000),
});
export type EventsMessage = z.infer<typeof eventsMessageSchema>;

/** Server → agent on `events-ack`: these sequence numbers are stored; drop them from the outbox. */
export const eventsAckSchema = z.object({
  seqs: z.array(z.number().int().positive()).max(1000),
});
export type EventsAck = z.infer<typeof eventsAckSchema>;

// ---------------------------------------------------------------- commands

export const commandMessageSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('resync'), commandId: z.uuid() }),
  readerProvisioningWindowCommandSchema,
  readerKeyCommandSchema,
]);
export type CommandMessage = z.infer<typeof commandMessageSchema>;

// ---------------------------------------------------------------- decoding

/** Schema of each channel's payload. */
export const CHANNEL_SCHEMAS = {
  state: agentStateSchema,
  events: eventsMessageSchema,
  sync: syncRequestSchema,
  applied: appliedMessageSchema,
  permissions: permissionsMessageSchema,
  'events-ack': eventsAckSchema,
  commands: commandMessageSchema,
  readers: readersReportSchema,
} as const satisfies Record<Channel, z.ZodType>;

export type ChannelPayload<C extends Channel> = z.infer<(typeof CHANNEL_SCHEMAS)[C]>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Parses and validates a raw MQTT payload for a channel. Never throws: a bad payload
 * from the network becomes a readable error for the log.
 */
export function decodePayload<C extends Channel>(channel: C, payload: Uint8Array | string): DecodeResult<ChannelPayload<C>> {
  return decodeWith(CHANNEL_SCHEMAS[channel] as z.ZodType, payload) as DecodeResult<ChannelPayload<C>>;
}

/** The server's retained announcement (`acs/v1/server`), checked like every payload. */
export function decodeServerAnnouncement(payload: Uint8Array | string): DecodeResult<ServerAnnouncement> {
  return decodeWith(serverAnnouncementSchema, payload);
}

function decodeWith<T>(schema: z.ZodType<T>, payload: Uint8Array | string): DecodeResult<T> {
  let json: unknown;
  try {
    const text = typeof payload === 'string' ? payload : utf8.decode(payload);
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `payload is not JSON: ${(err as Error).message}` };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    return { ok: false, error: z.prettifyError(result.error) };
  }
  return { ok: true, value: result.data };
}

export function encodePayload<C extends Channel>(_channel: C, payload: ChannelPayload<C>): string {
  return JSON.stringify(payload);
}
