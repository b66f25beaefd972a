/**
 * The agent's configuration file (YAML, `version: 1`): which doors and readers it
 * drives, on which GPIO lines and serial ports, and how it reaches the broker.
 * Validated with zod; every error names the file and the field
 * (`doors[1].lock.line: expected number`). See `config/example.yaml`.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { slugSchema } from '@acs/shared/access/model';
import { bcmLineSchema, isSerialReader, placementsOf, readerGpioLines, readerSchema } from './reader-config.js';

const level = z.union([z.literal(0), z.literal(1)]);
/** BCM numbers of the 40-pin header's GPIO lines. */
const bcmLine = bcmLineSchema;
const inputDebounceMs = z.number().int().min(0).max(400);

const lockSchema = z.strictObject({
  line: bcmLine,
  /** The relay board switches when its input is driven low. */
  activeLow: z.boolean().default(false),
  /**
   * How the lock behaves without power: `secure` stays locked (strike), `safe` opens
   * (maglock). Wiring decides it; the agent records it and always drives "released" as
   * relay active (docs/hardware.md#doors).
   */
  failMode: z.enum(['secure', 'safe']).default('secure'),
});

const contactSchema = z.strictObject({
  line: bcmLine,
  /** Level the contact reads while the door is open. */
  openLevel: level.default(1),
  debounceMs: inputDebounceMs.default(50),
});

const exitButtonSchema = z.strictObject({
  line: bcmLine,
  pressedLevel: level.default(0),
  debounceMs: inputDebounceMs.default(50),
});

const doorSchema = z.strictObject({
  id: slugSchema,
  lock: lockSchema,
  contact: contactSchema.optional(),
  exitButton: exitButtonSchema.optional(),
  /** Used until the server's permission set names a release time for the door. */
  releaseMs: z.number().int().min(3000).max(600_000).default(5000),
  heldOpenMs: z.number().int().min(5000).max(3_600_000).default(30_000),
});

/** Paths relative to the config file. */
const mqttTlsSchema = z
  .strictObject({
    /** The CA that signed the broker's certificate; the broker is refused unless its certificate verifies against it. */
    caFile: z.string().min(1),
    /** A client certificate and its key, for brokers that take the certificate as the identity (use_identity_as_username). */
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    /** The name the broker's certificate must carry, when the URL's host is not it (an IP address, a tunnel). */
    servername: z.string().min(1).optional(),
  })
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
    error: 'set both certFile and keyFile, or neither',
    path: ['keyFile'],
  });

const mqttSchema = z.strictObject({
  url: z
    .string()
    .refine(
      (u) => URL.canParse(u) && ['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(new URL(u).protocol),
      'expected an mqtt://, mqtts://, ws:// or wss:// URL',
    ),
  /** Defaults to the agent id. */
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** File holding the password (first line); relative to the config file. */
  passwordFile: z.string().min(1).optional(),
  keepaliveSec: z.number().int().min(5).max(3600).default(30),
  /** Retries after a lost or refused connection: from minMs, doubling with jitter, up to maxMs; never giving up. */
  reconnect: z
    .strictObject({
      minMs: z.number().int().min(100).max(60_000).default(1000),
      maxMs: z.number().int().min(1000).max(3_600_000).default(60_000),
    })
    .refine((r) => r.maxMs >= r.minMs, { error: 'maxMs must be at least minMs', path: ['maxMs'] })
    .default({ minMs: 1000, maxMs: 60_000 }),
  tls: mqttTlsSchema.optional(),
});

const gpioSchema = z.strictObject({
  provider: z.enum(['sim', 'onoff']),
  /** onoff only: label of the gpiochip carrying the header lines, if not a known Raspberry Pi one. */
  chipLabel: z.string().min(1).optional(),
  /** onoff only: sysfs GPIO folder (tests point it elsewhere). */
  sysfsRoot: z.string().min(1).default('/sys/class/gpio'),
});

const simSchema = z.strictObject({
  /** Start the simulator's control server (what `acs-sim` talks to). */
  controlServer: z.boolean().default(true),
  /** Where to register it; default `<dataDir>/../sim`. */
  registryDir: z.string().min(1).optional(),
});

export const agentConfigSchema = z
  .strictObject({
    version: z.literal(1),
    agentId: slugSchema,
    mqtt: mqttSchema,
    /** Folder for the local store; relative to the config file. */
    dataDir: z.string().min(1).default('./data'),
    gpio: gpioSchema,
    readers: z.array(readerSchema).min(1),
    doors: z.array(doorSchema).min(1),
    sim: simSchema.default({ controlServer: true }),
  })
  .superRefine((config, ctx) => {
    if (config.mqtt.password !== undefined && config.mqtt.passwordFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['mqtt', 'passwordFile'], message: 'set either password or passwordFile, not both' });
    }
    // A CA next to a plain mqtt:// URL would read as "encrypted" while nothing is.
    if (config.mqtt.tls !== undefined && URL.canParse(config.mqtt.url) && !['mqtts:', 'wss:'].includes(new URL(config.mqtt.url).protocol)) {
      ctx.addIssue({ code: 'custom', path: ['mqtt', 'url'], message: 'mqtt.tls is set: use an mqtts:// (or wss://) URL' });
    }
    const doorIds = new Map<string, number>();
    config.doors.forEach((door, i) => {
      if (doorIds.has(door.id)) ctx.addIssue({ code: 'custom', path: ['doors', i, 'id'], message: `duplicate door id '${door.id}'` });
      doorIds.set(door.id, i);
    });
    const lines = new Map<number, string>();
    config.doors.forEach((door, i) => {
      const uses: [string, number | undefined][] = [
        ['lock', door.lock.line],
        ['contact', door.contact?.line],
        ['exitButton', door.exitButton?.line],
      ];
      for (const [field, line] of uses) {
        if (line === undefined) continue;
        const owner = lines.get(line);
        if (owner) ctx.addIssue({ code: 'custom', path: ['doors', i, field, 'line'], message: `GPIO ${line} is already used by ${owner}` });
        else lines.set(line, `doors[${i}].${field}`);
      }
    });
    config.readers.forEach((reader, i) => {
      for (const [field, line] of readerGpioLines(reader)) {
        const owner = lines.get(line);
        if (owner)
          ctx.addIssue({ code: 'custom', path: ['readers', i, ...field.split('.')], message: `GPIO ${line} is already used by ${owner}` });
        else lines.set(line, `readers[${i}].${field}`);
      }
    });
    // Reader ids and OSDP line ids share one namespace: logs and reports name either.
    const readerIds = new Set<string>();
    const faces = new Set<string>();
    const paths = new Set<string>();
    config.readers.forEach((reader, i) => {
      if (isSerialReader(reader)) {
        const path = `${reader.serial.driver}:${reader.serial.path}`;
        if (paths.has(path))
          ctx.addIssue({
            code: 'custom',
            path: ['readers', i, 'serial', 'path'],
            message: `serial port ${reader.serial.path} is used by another reader`,
          });
        paths.add(path);
      }
      if (reader.type === 'osdp') {
        if (readerIds.has(reader.id))
          ctx.addIssue({ code: 'custom', path: ['readers', i, 'id'], message: `duplicate reader id '${reader.id}'` });
        readerIds.add(reader.id);
        const addresses = new Set<number>();
        reader.devices.forEach((device, k) => {
          if (addresses.has(device.address)) {
            ctx.addIssue({
              code: 'custom',
              path: ['readers', i, 'devices', k, 'address'],
              message: `address ${device.address} is used twice on line '${reader.id}'`,
            });
          }
          addresses.add(device.address);
        });
      }
      for (const { placement, at } of placementsOf(reader)) {
        const where = ['readers', i, ...at];
        if (readerIds.has(placement.id))
          ctx.addIssue({ code: 'custom', path: [...where, 'id'], message: `duplicate reader id '${placement.id}'` });
        readerIds.add(placement.id);
        if (!doorIds.has(placement.door)) {
          ctx.addIssue({
            code: 'custom',
            path: [...where, 'door'],
            message: `no door '${placement.door}' in doors (${[...doorIds.keys()].join(', ')})`,
          });
        }
        const face = `${placement.door}/${placement.direction}`;
        if (faces.has(face))
          ctx.addIssue({
            code: 'custom',
            path: [...where, 'direction'],
            message: `door '${placement.door}' already has an '${placement.direction}' reader`,
          });
        faces.add(face);
      }
    });
  });

type ParsedConfig = z.infer<typeof agentConfigSchema>;

export type DoorConfig = ParsedConfig['doors'][number];
export type {
  LineFormatConfig,
  OsdpDeviceConfig,
  OsdpLineConfig,
  ReaderConfig,
  ReaderFeedbackConfig,
  ReaderPlacement,
  SerialReaderConfig,
  SingleReaderConfig,
} from './reader-config.js';
export { isSerialReader, readerPlacements } from './reader-config.js';
export type GpioConfig = ParsedConfig['gpio'];

export interface MqttConfig {
  url: string;
  username: string;
  password?: string;
  /** Absolute path. */
  passwordFile?: string;
  keepaliveSec: number;
  reconnect: { minMs: number; maxMs: number };
  /** Absolute paths. */
  tls?: MqttTlsConfig;
}

export interface MqttTlsConfig {
  caFile: string;
  certFile?: string;
  keyFile?: string;
  servername?: string;
}

export interface AgentConfig extends Omit<ParsedConfig, 'mqtt' | 'sim'> {
  mqtt: MqttConfig;
  sim: { controlServer: boolean; registryDir?: string };
  /** Absolute path of the file this came from (null when built in code). */
  configFile: string | null;
}

export class AgentConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid agent configuration ${source}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'AgentConfigError';
  }
}

/** Environment variables that override file values, and the field each one sets. */
export const ENV_OVERRIDES = {
  ACS_AGENT_ID: 'agentId',
  ACS_AGENT_MQTT_URL: 'mqtt.url',
  ACS_AGENT_MQTT_USERNAME: 'mqtt.username',
  ACS_AGENT_MQTT_PASSWORD: 'mqtt.password',
  ACS_AGENT_MQTT_PASSWORD_FILE: 'mqtt.passwordFile',
  ACS_AGENT_DATA_DIR: 'dataDir',
} as const;

export type Env = Readonly<Record<string, string | undefined>>;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Applies env overrides to the raw document; returns which fields came from which variable. */
function applyEnv(raw: Record<string, unknown>, env: Env, cwd: string): Map<string, string> {
  const origin = new Map<string, string>();
  for (const [name, field] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    origin.set(field, name);
    if (field === 'agentId') raw.agentId = value;
    else if (field === 'dataDir') raw.dataDir = resolve(cwd, value);
    else {
      const mqtt = asRecord(raw.mqtt) ?? {};
      raw.mqtt = mqtt;
      const key = field.slice('mqtt.'.length);
      // The environment wins over the file: a password from env replaces a file's passwordFile and vice versa.
      if (key === 'password') delete mqtt.passwordFile;
      if (key === 'passwordFile') {
        delete mqtt.password;
        mqtt.passwordFile = resolve(cwd, value);
        continue;
      }
      mqtt[key] = value;
    }
  }
  return origin;
}

/**
 * Validates a configuration document (already parsed from YAML). Relative paths resolve
 * against `baseDir` (the config file's folder); env overrides against `cwd`.
 */
export function parseAgentConfig(
  document: unknown,
  options: { source?: string; baseDir?: string; env?: Env; cwd?: string; configFile?: string | null } = {},
): AgentConfig {
  const source = options.source ?? '(inline)';
  const baseDir = options.baseDir ?? process.cwd();
  const raw = asRecord(document);
  if (!raw) throw new AgentConfigError(source, ['(top level): expected a mapping of settings']);
  const copy = structuredClone(raw);
  const origin = applyEnv(copy, options.env ?? process.env, options.cwd ?? process.cwd());
  const result = agentConfigSchema.safeParse(copy);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const field = formatPath(issue.path);
      const fromEnv = origin.get(field);
      const message = issue.message.replace(/^Invalid input: /, '');
      return `${field}${fromEnv ? ` (from ${fromEnv})` : ''}: ${message}`;
    });
    throw new AgentConfigError(source, problems);
  }
  const parsed = result.data;
  const inBase = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...parsed,
    dataDir: inBase(parsed.dataDir),
    mqtt: {
      url: parsed.mqtt.url,
      username: parsed.mqtt.username ?? parsed.agentId,
      keepaliveSec: parsed.mqtt.keepaliveSec,
      reconnect: parsed.mqtt.reconnect,
      ...(parsed.mqtt.password !== undefined ? { password: parsed.mqtt.password } : {}),
      ...(parsed.mqtt.passwordFile !== undefined ? { passwordFile: inBase(parsed.mqtt.passwordFile) } : {}),
      ...(parsed.mqtt.tls !== undefined
        ? {
            tls: {
              caFile: inBase(parsed.mqtt.tls.caFile),
              ...(parsed.mqtt.tls.certFile !== undefined ? { certFile: inBase(parsed.mqtt.tls.certFile) } : {}),
              ...(parsed.mqtt.tls.keyFile !== undefined ? { keyFile: inBase(parsed.mqtt.tls.keyFile) } : {}),
              ...(parsed.mqtt.tls.servername !== undefined ? { servername: parsed.mqtt.tls.servername } : {}),
            },
          }
        : {}),
    },
    gpio: { ...parsed.gpio, sysfsRoot: inBase(parsed.gpio.sysfsRoot) },
    readers: parsed.readers.map((r) =>
      isSerialReader(r) && r.serial.driver === 'system' ? { ...r, serial: { ...r.serial, path: inBase(r.serial.path) } } : r,
    ),
    sim: {
      controlServer: parsed.sim.controlServer,
      ...(parsed.sim.registryDir !== undefined ? { registryDir: inBase(parsed.sim.registryDir) } : {}),
    },
    configFile: options.configFile ?? null,
  };
}

/** Reads, parses and validates a configuration file. Throws `AgentConfigError`. */
export function loadAgentConfig(file: string, options: { env?: Env; cwd?: string } = {}): AgentConfig {
  const path = resolve(options.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AgentConfigError(path, [`cannot read the file: ${(err as Error).message}`]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new AgentConfigError(
      path,
      doc.errors.map(
        (e) =>
          `YAML syntax error${e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ''}: ${e.message.split('\n')[0]}`,
      ),
    );
  }
  return parseAgentConfig(doc.toJS(), { ...options, source: path, baseDir: dirname(path), configFile: path });
}

/** The MQTT password from the config or its password file (read when the agent starts). */
export async function resolveMqttPassword(config: AgentConfig): Promise<string | undefined> {
  if (config.mqtt.password !== undefined) return config.mqtt.password;
  if (config.mqtt.passwordFile === undefined) return undefined;
  try {
    const text = await readFile(config.mqtt.passwordFile, 'utf8');
    const password = text.split(/\r?\n/)[0]!.trim();
    if (!password) throw new Error('the file is empty');
    return password;
  } catch (err) {
    throw new AgentConfigError(config.configFile ?? '(inline)', [
      `mqtt.passwordFile: cannot read ${config.mqtt.passwordFile}: ${(err as Error).message}`,
    ]);
  }
}

/** What mqtt.js and `tls.connect` need to verify the broker (and show our certificate), or undefined without `mqtt.tls`. */
export interface MqttTlsOptions {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
  rejectUnauthorized: true;
}

/** Reads the files `mqtt.tls` names (when the agent starts, like the password file). Throws `AgentConfigError`. */
export async function resolveMqttTls(config: AgentConfig): Promise<MqttTlsOptions | undefined> {
  const tls = config.mqtt.tls;
  if (tls === undefined) return undefined;
  const read = async (field: 'caFile' | 'certFile' | 'keyFile', path: string | undefined): Promise<Buffer | undefined> => {
    if (path === undefined) return undefined;
    try {
      const bytes = await readFile(path);
      if (!bytes.includes('-----BEGIN')) throw new Error('not a PEM file (no -----BEGIN line)');
      return bytes;
    } catch (err) {
      throw new AgentConfigError(config.configFile ?? '(inline)', [`mqtt.tls.${field}: cannot read ${path}: ${(err as Error).message}`]);
    }
  };
  const [ca, cert, key] = await Promise.all([read('caFile', tls.caFile), read('certFile', tls.certFile), read('keyFile', tls.keyFile)]);
  return {
    ca: ca!,
    rejectUnauthorized: true,
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
  };
}

/**
 * A hint for the TLS errors an installer meets, keyed by OpenSSL's code: the message alone
 * ("self-signed certificate in certificate chain") does not say which setting to change.
 */
export function tlsErrorHint(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  switch (code) {
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'CERT_SIGNATURE_FAILURE':
      return "the broker's certificate does not verify against mqtt.tls.caFile: give the CA that signed the broker's certificate";
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return "the broker's certificate does not name the host in mqtt.url: use the name it carries, or set mqtt.tls.servername";
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return "the broker's certificate is outside its validity period (or this device's clock is wrong)";
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return 'the broker did not answer with TLS on this port: check the port of the mqtts:// URL';
    default:
      return null;
  }
}
