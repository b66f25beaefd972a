/**
 * Namespaced logger (`acs:agent:mqtt`), one line per message on stderr. Level from
 * `ACS_LOG_LEVEL` (error, warn, info, debug; default info). Fields whose name looks like
 * a secret are redacted, and so are passwords inside URLs.
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
  /** A logger for `<namespace>:<suffix>` with the same level and sink. */
  child(suffix: string): Logger;
}

export type LogSink = (line: string, level: MessageLevel) => void;

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };
const SECRET_KEY = /pass(word)?|secret|token|credential_?key/i;

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
    if (SECRET_KEY.test(key)) out[key] = '[redacted]';
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

export function createLogger(namespace = 'acs:agent', options: LoggerOptions = {}): Logger {
  const level = options.level ?? parseLogLevel(process.env.ACS_LOG_LEVEL);
  const sink = options.sink ?? stderrSink;
  const enabled = (l: MessageLevel) => RANK[l] <= RANK[level];
  const write = (l: MessageLevel, message: string | (() => string), fields?: LogFields) => {
    if (!enabled(l)) return;
    const text = typeof message === 'function' ? message() : message;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(redact(fields))}` : '';
    sink(`${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${namespace} ${text}${extra}`, l);
  };
  return {
    namespace,
    error: (m, f) => write('error', m, f),
    warn: (m, f) => write('warn', m, f),
    info: (m, f) => write('info', m, f),
    debug: (m, f) => write('debug', m, f),
    isEnabled: enabled,
    child: (suffix) => createLogger(`${namespace}:${suffix}`, { level, sink }),
  };
}

export const silentLogger: Logger = createLogger('acs:agent', { level: 'silent' });
