import { maskCredential } from '@acs/shared/credentials/mask';

/**
 * Namespaced logger (`acs:agent:mqtt`), one line per message on stderr. Level from
 * `ACS_LOG_LEVEL` (error, warn, info, debug; default info). Format from `ACS_LOG_FORMAT`
 * (json, pretty): JSON lines for log collectors in production, text for people in the
 * demo and on a terminal. Fields whose name looks like a secret are redacted, card
 * numbers cut to their last digits, names dropped, and passwords inside URLs hidden.
 */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
type MessageLevel = Exclude<LogLevel, 'silent'>;

export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly namespace: string;
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  /** The message may be a function, so a debug line costs nothing when debug is off. */
  debug(message: string | (() => string), fields?: LogFields): void;
  isEnabled(level: MessageLevel): boolean;
  /** A logger for `<namespace>:<suffix>` with the same level, format, sink and bound fields. */
  child(suffix: string): Logger;
  /** The same logger with `fields` on every line (the agent id). */
  with(fields: LogFields): Logger;
}

export type LogSink = (line: string, level: MessageLevel) => void;

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  sink?: LogSink;
  /** Written on every line, e.g. `{ agentId }`. */
  fields?: LogFields;
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };
const SECRET_KEY = /pass(word)?|secret|token|credential_?key/i;
const CARD_KEY = /^(credential|cardNumber)$/i;
const PERSONAL_KEY = /^(holder|name|displayName|personName|email|phone)$/i;

/** ACS_LOG_FORMAT wins; otherwise text for the demo and a terminal, JSON for production. */
export function logFormatFrom(env: NodeJS.ProcessEnv = process.env, isTty = process.stderr.isTTY): LogFormat {
  const asked = env.ACS_LOG_FORMAT?.trim().toLowerCase();
  if (asked === 'json' || asked === 'pretty') return asked;
  return env.ACS_MODE === 'demo' || isTty ? 'pretty' : 'json';
}

export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  const v = value?.trim().toLowerCase();
  return v && (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : fallback;
}

/** `mqtt://user:secret@host` → `mqtt://user:***@host`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key) || PERSONAL_KEY.test(key)) out[key] = '[redacted]';
    else if (CARD_KEY.test(key)) out[key] = typeof value === 'string' ? maskCredential(value) : '[redacted]';
    else if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value)) out[key] = redactUrl(value);
    else if (value instanceof Error) out[key] = value.message;
    else if (typeof value === 'bigint') out[key] = value.toString();
    else out[key] = value;
  }
  return out;
}

const stderrSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export function createLogger(namespace = 'acs:agent', options: LoggerOptions = {}): Logger {
  const level = options.level ?? parseLogLevel(process.env.ACS_LOG_LEVEL);
  const format = options.format ?? (options.sink ? 'pretty' : logFormatFrom());
  const sink = options.sink ?? stderrSink;
  const bound = options.fields ?? {};
  const enabled = (l: MessageLevel) => RANK[l] <= RANK[level];
  const write = (l: MessageLevel, message: string | (() => string), fields?: LogFields) => {
    if (!enabled(l)) return;
    const text = typeof message === 'function' ? message() : message;
    const time = new Date().toISOString();
    if (format === 'json') {
      // Bound fields last: a call site cannot overwrite the agent id.
      sink(JSON.stringify({ time, level: l, ns: namespace, msg: text, ...(fields ? redact(fields) : {}), ...redact(bound) }, jsonSafe), l);
      return;
    }
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(redact(fields), jsonSafe)}` : '';
    sink(`${time} ${l.toUpperCase().padEnd(5)} ${namespace} ${text}${extra}`, l);
  };
  return {
    namespace,
    error: (m, f) => write('error', m, f),
    warn: (m, f) => write('warn', m, f),
    info: (m, f) => write('info', m, f),
    debug: (m, f) => write('debug', m, f),
    isEnabled: enabled,
    child: (suffix) => createLogger(`${namespace}:${suffix}`, { level, format, sink, fields: bound }),
    with: (fields) => createLogger(namespace, { level, format, sink, fields: { ...bound, ...fields } }),
  };
}

export const silentLogger: Logger = createLogger('acs:agent', { level: 'silent' });
