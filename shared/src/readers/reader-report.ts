/**
 * What an agent tells the server about its readers (MQTT channel `readers`, retained),
 * and the commands the server sends about them (on `commands`). OSDP readers report
 * their identity, capabilities and secure-channel state; every reader reports whether
 * it works. Keys never travel in a report: only a key id and when it was installed.
 */
import { z } from 'zod';
import { readerDirectionSchema, slugSchema } from '../access/model.js';

const epochMs = z.number().int().nonnegative();

/**
 * Secure-channel state of an OSDP reader:
 * - `disabled`: the configuration does not ask for one;
 * - `awaiting_key`: no key of its own yet and no provisioning window open;
 * - `establishing`: handshake under way;
 * - `secure`: session with the reader's own key;
 * - `install_mode`: session with the default key SCBK-D, inside a provisioning window;
 * - `key_reset`: the reader had its own key and now answers with a factory default key (SCBK-D, all zeros; alert, no re-key);
 * - `failed`: the handshake failed (the reader holds another key);
 * - `unsupported`: the reader has no secure channel.
 */
export const SECURE_CHANNEL_STATES = [
  'disabled',
  'awaiting_key',
  'establishing',
  'secure',
  'install_mode',
  'key_reset',
  'failed',
  'unsupported',
] as const;
export const secureChannelStateSchema = z.enum(SECURE_CHANNEL_STATES);
export type SecureChannelState = z.infer<typeof secureChannelStateSchema>;

export const osdpIdentitySchema = z.object({
  /** IEEE OUI in wire order, hex. */
  vendorCode: z.string().regex(/^[0-9a-f]{6}$/),
  model: z.number().int().min(0).max(255),
  version: z.number().int().min(0).max(255),
  serialNumber: z.number().int().min(0).max(0xffffffff),
  firmware: z.string().max(20),
});
export type OsdpIdentity = z.infer<typeof osdpIdentitySchema>;

export const osdpCapabilitySchema = z.object({
  function: z.number().int().min(0).max(255),
  compliance: z.number().int().min(0).max(255),
  items: z.number().int().min(0).max(255),
});
export type OsdpCapability = z.infer<typeof osdpCapabilitySchema>;

export const osdpReaderDetailSchema = z.object({
  address: z.number().int().min(0).max(0x7e),
  baudRate: z.number().int().positive(),
  /** Serial line the reader shares with others (multi-drop). */
  line: z.string().max(200),
  identity: osdpIdentitySchema.nullable(),
  capabilities: z.array(osdpCapabilitySchema).max(64).nullable(),
  secureChannel: secureChannelStateSchema,
  /** Id of the key in force (as the server named it), never the key. */
  keyId: z.string().max(64).nullable(),
  keyInstalledAt: epochMs.nullable(),
  /** Install mode allowed until then (agent time). */
  provisioningUntil: epochMs.nullable(),
});
export type OsdpReaderDetail = z.infer<typeof osdpReaderDetailSchema>;

export const readerReportEntrySchema = z.object({
  readerId: slugSchema,
  /** Reader technology from the agent configuration (`rdm6300`, `osdp`, ...). */
  type: z.string().min(1).max(32),
  doorId: slugSchema,
  direction: readerDirectionSchema,
  online: z.boolean(),
  /** Stable code of the current fault, null when the reader works. */
  fault: z.string().max(64).nullable(),
  osdp: osdpReaderDetailSchema.optional(),
});
export type ReaderReportEntry = z.infer<typeof readerReportEntrySchema>;

export const READER_COMMAND_RESULTS = ['done', 'failed'] as const;

/** The outcome of a reader command (`commandId` of the command message). */
export const readerCommandResultSchema = z.object({
  commandId: z.uuid(),
  readerId: slugSchema,
  status: z.enum(READER_COMMAND_RESULTS),
  /** Why it failed, for people. */
  error: z.string().max(500).nullable(),
  at: epochMs,
});
export type ReaderCommandResult = z.infer<typeof readerCommandResultSchema>;

/** Agent → server on `readers`, retained: every reader, and the latest command outcomes. */
export const readersReportSchema = z.object({
  agentId: slugSchema,
  at: epochMs,
  readers: z.array(readerReportEntrySchema).max(256),
  /** Most recent first, a bounded history so a server that was down still learns them. */
  results: z.array(readerCommandResultSchema).max(50),
});
export type ReadersReport = z.infer<typeof readersReportSchema>;

/** Server → agent: allow install mode (SCBK-D) for one reader for a while. */
export const readerProvisioningWindowCommandSchema = z.object({
  command: z.literal('reader-provisioning-window'),
  commandId: z.uuid(),
  readerId: slugSchema,
  /** From when the agent receives it; 0 closes the window. */
  durationMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000),
});
export type ReaderProvisioningWindowCommand = z.infer<typeof readerProvisioningWindowCommandSchema>;

/** Server → agent: install this key on one reader (KEYSET over its secure channel). */
export const readerKeyCommandSchema = z.object({
  command: z.literal('reader-key'),
  commandId: z.uuid(),
  readerId: slugSchema,
  keyId: z.string().min(1).max(64),
  /** AES-128 SCBK, 32 hex characters. */
  key: z.string().regex(/^[0-9a-f]{32}$/),
});
export type ReaderKeyCommand = z.infer<typeof readerKeyCommandSchema>;
