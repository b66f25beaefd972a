import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export type ServerMode = 'demo' | 'production';
export type DatabaseKind = 'sqlite' | 'postgres';
export type ServerLogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/** Everything the server reads from its environment, resolved and validated. */
export interface ServerConfig {
  mode: ServerMode;
  host: string;
  /** 0 picks a free port (tests). */
  httpPort: number;
  dataDir: string;
  db: DatabaseKind;
  sqlitePath: string;
  databaseUrl: string | null;
  /** PostgreSQL schema to use instead of `public` (tests use a fresh one each). */
  dbSchema: string | null;
  /** External broker; null starts the embedded aedes broker. */
  mqttUrl: string | null;
  /** Port of the embedded broker; 0 picks a free port. */
  mqttPort: number;
  mqttUsername: string | null;
  mqttPassword: string | null;
  /**
   * One server: fixed, so the broker keeps the server's QoS 1 messages while it is down
   * (clean: false). Several: each instance needs its own (see `mqttSharedGroup`).
   */
  mqttClientId: string;
  /**
   * Several server instances on one broker: the agents' traffic is spread over them with
   * MQTT shared subscriptions (`$share/<group>/...`); null for a single server.
   */
  mqttSharedGroup: string | null;
  dashboardDir: string;
  sessionTtlMinutes: number;
  /** A session ends this long after sign-in however much it is used. */
  sessionMaxHours: number;
  /** Shortest password accepted for people (never below 8). */
  passwordMinLength: number;
  /** Time zone given to a new site; the site row holds the one in force. */
  siteTimeZone: string;
  logLevel: ServerLogLevel;
  /**
   * Names this process among the instances sharing one database: job leases and their run
   * history record it. Must differ between instances; the default (host, pid, random) does.
   */
  instanceId: string;
  /**
   * File holding the master key (32 bytes, hex or base64) that seals OSDP reader keys.
   * Demo mode generates `<dataDir>/secrets/reader-keys.master-key` when unset; production
   * refuses key operations without it.
   */
  secretKeyFile: string | null;
  /**
   * Bearer token Prometheus sends to `GET /api/metrics`. Unset: only loopback clients may
   * read the metrics (a scraper on the same host, or none).
   */
  metricsToken: string | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The repository root, from this file's place in `server/dist/config/`. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const unset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(unset, z.string().optional());
const port = (fallback: number) =>
  z.preprocess(
    unset,
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535')
      .default(fallback),
  );

const INSTANCE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Host and pid tell an operator which process it is; the suffix keeps a restarted container with the same pid apart. */
export function defaultInstanceId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9.-]/g, '-')
      .slice(0, 40) || 'host';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const envSchema = z.object({
  ACS_MODE: z.preprocess(unset, z.enum(['demo', 'production'], { error: 'must be "demo" or "production"' }).default('demo')),
  ACS_HOST: z.preprocess(unset, z.string().default('0.0.0.0')),
  ACS_HTTP_PORT: port(3000),
  ACS_DATA_DIR: optionalString,
  ACS_DB: z.preprocess(unset, z.enum(['sqlite', 'postgres'], { error: 'must be "sqlite" or "postgres"' }).default('sqlite')),
  ACS_SQLITE_PATH: optionalString,
  ACS_DATABASE_URL: z.preprocess(
    unset,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
  ),
  ACS_DB_SCHEMA: z.preprocess(
    unset,
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier')
      .optional(),
  ),
  ACS_MQTT_URL: z.preprocess(
    unset,
    z
      .string()
      .regex(/^(mqtts?|wss?|tcp|ssl):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
      .optional(),
  ),
  ACS_MQTT_PORT: port(1884),
  ACS_MQTT_USERNAME: optionalString,
  ACS_MQTT_PASSWORD: optionalString,
  ACS_MQTT_CLIENT_ID: z.preprocess(unset, z.string().min(1).max(64).default('acs-server')),
  ACS_MQTT_SHARED_GROUP: z.preprocess(
    unset,
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes')
      .optional(),
  ),
  ACS_DASHBOARD_DIR: optionalString,
  ACS_SESSION_TTL_MINUTES: z.preprocess(
    unset,
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number of minutes')
      .min(1, 'must be at least 1')
      .max(525_600, 'must be at most 525600 (a year)')
      .default(480),
  ),
  ACS_SESSION_MAX_HOURS: z.preprocess(
    unset,
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number of hours')
      .min(1, 'must be at least 1')
      .max(8760, 'must be at most 8760 (a year)')
      .default(12),
  ),
  ACS_PASSWORD_MIN_LENGTH: z.preprocess(
    unset,
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(8, 'must be at least 8')
      .max(128, 'must be at most 128')
      .default(10),
  ),
  ACS_SITE_TIMEZONE: z.preprocess(
    unset,
    z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  ),
  ACS_SECRET_KEY_FILE: optionalString,
  ACS_METRICS_TOKEN: optionalString,
  ACS_INSTANCE_ID: z.preprocess(
    unset,
    z.string().regex(INSTANCE_ID, 'must be 1 to 64 letters, digits, dots, dashes or underscores').optional(),
  ),
  ACS_LOG_LEVEL: z.preprocess(
    unset,
    z.enum(['error', 'warn', 'log', 'debug', 'verbose'], { error: 'must be error, warn, log, debug or verbose' }).default('log'),
  ),
});

/**
 * Builds the server configuration from environment variables, then applies `overrides`
 * (from code, e.g. tests). Paths that default from others (`sqlitePath` from `dataDir`)
 * follow the overridden value. Throws a {@link ConfigError} naming every bad variable.
 */
export function loadServerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<ServerConfig> = {},
): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const raw = env[name];
      return `  ${name}: ${issue.message}${raw !== undefined ? ` (got ${JSON.stringify(raw)})` : ''}`;
    });
    throw new ConfigError(`Invalid server configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(overrides.dataDir ?? e.ACS_DATA_DIR ?? join(REPO_ROOT, 'data'));
  const config: ServerConfig = {
    mode: e.ACS_MODE,
    host: e.ACS_HOST,
    httpPort: e.ACS_HTTP_PORT,
    dataDir,
    db: e.ACS_DB,
    sqlitePath: resolve(overrides.sqlitePath ?? (overrides.dataDir ? undefined : e.ACS_SQLITE_PATH) ?? join(dataDir, 'acs.sqlite')),
    databaseUrl: e.ACS_DATABASE_URL ?? null,
    dbSchema: e.ACS_DB_SCHEMA ?? null,
    mqttUrl: e.ACS_MQTT_URL ?? null,
    mqttPort: e.ACS_MQTT_PORT,
    mqttUsername: e.ACS_MQTT_USERNAME ?? null,
    mqttPassword: e.ACS_MQTT_PASSWORD ?? null,
    mqttClientId: e.ACS_MQTT_CLIENT_ID,
    mqttSharedGroup: e.ACS_MQTT_SHARED_GROUP ?? null,
    dashboardDir: resolve(e.ACS_DASHBOARD_DIR ?? join(REPO_ROOT, 'dashboard', 'dist')),
    sessionTtlMinutes: e.ACS_SESSION_TTL_MINUTES,
    sessionMaxHours: e.ACS_SESSION_MAX_HOURS,
    passwordMinLength: e.ACS_PASSWORD_MIN_LENGTH,
    siteTimeZone: e.ACS_SITE_TIMEZONE,
    logLevel: e.ACS_LOG_LEVEL,
    instanceId: e.ACS_INSTANCE_ID ?? defaultInstanceId(),
    secretKeyFile: e.ACS_SECRET_KEY_FILE ? resolve(e.ACS_SECRET_KEY_FILE) : null,
    metricsToken: e.ACS_METRICS_TOKEN ?? null,
  };
  const { dataDir: _d, sqlitePath: _s, ...rest } = overrides;
  const merged: ServerConfig = { ...config, ...stripUndefined(rest) };
  const problems: string[] = [];
  if (merged.db === 'postgres' && !merged.databaseUrl) problems.push('  ACS_DATABASE_URL: required when ACS_DB=postgres');
  if (merged.dbSchema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(merged.dbSchema)) {
    problems.push('  ACS_DB_SCHEMA: must be a lowercase SQL identifier');
  }
  if (merged.mqttSharedGroup !== null && merged.mqttUrl === null) {
    problems.push(
      '  ACS_MQTT_SHARED_GROUP: several server instances need an external broker (ACS_MQTT_URL); the embedded one serves a single server',
    );
  }
  if (merged.mqttSharedGroup !== null && merged.mqttClientId === 'acs-server') {
    problems.push(
      "  ACS_MQTT_CLIENT_ID: with ACS_MQTT_SHARED_GROUP every instance needs its own client id (e.g. acs-server-1), or they take each other's connection over",
    );
  }
  if (merged.metricsToken !== null && merged.metricsToken.length < 16)
    problems.push('  ACS_METRICS_TOKEN: at least 16 characters (e.g. `openssl rand -hex 32`)');
  if (!INSTANCE_ID.test(merged.instanceId))
    problems.push('  ACS_INSTANCE_ID: must be 1 to 64 letters, digits, dots, dashes or underscores');
  if (!isTimeZone(merged.siteTimeZone)) problems.push('  ACS_SITE_TIMEZONE: must be an IANA time zone such as Asia/Shanghai');
  if (problems.length > 0) throw new ConfigError(`Invalid server configuration:\n${problems.join('\n')}`);
  return merged;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Injection token of the resolved {@link ServerConfig}. */
export const SERVER_CONFIG = Symbol('SERVER_CONFIG');
