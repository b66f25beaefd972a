import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConsoleLogger, Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** Nest's start-up chatter (one line per module and route), shown only at debug level. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController', 'NestFactory']);

export type LogFormat = 'json' | 'pretty';

/** Who a log line is about: set per HTTP request, completed by the auth guard. */
export interface RequestContext {
  requestId: string;
  userId?: string;
  role?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/**
 * Fields pino blanks when a structured object is logged. Messages are plain text and are
 * kept clean at their call sites; this list catches an object logged whole by mistake.
 */
export const REDACT_PATHS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'secret',
  'credential',
  'holder',
  'name',
  'email',
  'phone',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.credential',
  '*.holder',
  '*.name',
  '*.email',
  '*.phone',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
];

/**
 * ACS_LOG_FORMAT wins; otherwise people read the demo and a terminal, and machines read
 * production output.
 */
export function logFormatFrom(env: NodeJS.ProcessEnv, mode: 'demo' | 'production', isTty = Boolean(process.stdout.isTTY)): LogFormat {
  const asked = env.ACS_LOG_FORMAT?.trim().toLowerCase();
  if (asked === 'json' || asked === 'pretty') return asked;
  return mode === 'demo' || isTty ? 'pretty' : 'json';
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

export interface ServerLoggerOptions {
  format?: LogFormat;
  /** Where JSON lines go (stdout by default); tests pass a capturing stream. */
  destination?: DestinationStream;
}

/**
 * The logger of `main.ts`: JSON lines through pino in production, Nest's console format
 * in the demo, both with the request id and acting user of the HTTP request being served.
 * Nest's start-up listing is dropped unless ACS_LOG_LEVEL=debug.
 */
export class ServerLogger implements LoggerService {
  readonly format: LogFormat;
  private readonly levels: Set<LogLevel>;
  private readonly showStartup: boolean;
  private readonly console: ConsoleLogger | null = null;
  private readonly pino: PinoLogger | null = null;

  constructor(levels: LogLevel[], options: ServerLoggerOptions = {}) {
    this.format = options.format ?? 'pretty';
    this.levels = new Set(levels);
    this.showStartup = levels.includes('debug');
    if (this.format === 'json') {
      this.pino = pino(
        {
          level: 'trace',
          base: { service: 'acs-server' },
          messageKey: 'msg',
          redact: { paths: REDACT_PATHS, censor: '[redacted]' },
          mixin: () => ({ ...requestContext.getStore() }),
          formatters: { level: (label) => ({ level: label }) },
          timestamp: pino.stdTimeFunctions.isoTime,
        },
        // Synchronous: main.ts ends with process.exit, which would drop buffered lines.
        options.destination ?? pino.destination({ fd: 1, sync: true }),
      );
    } else {
      this.console = new ConsoleLogger({ logLevels: levels, prefix: 'acs' });
    }
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.levels.has(level)) return;
    const last = params[params.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    if (level === 'log' && !this.showStartup && context !== undefined && STARTUP_CONTEXTS.has(context)) return;
    if (this.console) {
      const ctx = requestContext.getStore();
      const tagged =
        ctx && typeof message === 'string' ? `${message} [${ctx.requestId}${ctx.userId ? ` user ${ctx.userId}` : ''}]` : message;
      this.console[level](tagged, ...params);
      return;
    }
    // Nest's error(message, stack, context): a string before the context is a stack trace.
    const stack =
      level === 'error' || level === 'fatal' ? params.find((p, i) => typeof p === 'string' && i < params.length - 1) : undefined;
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields.context = context;
    if (typeof stack === 'string') fields.stack = stack;
    let text: string;
    if (message instanceof Error) {
      text = message.message;
      fields.stack ??= message.stack;
    } else if (message !== null && typeof message === 'object') {
      Object.assign(fields, message);
      text = typeof (message as { message?: unknown }).message === 'string' ? String((message as { message: string }).message) : '';
    } else {
      text = String(message);
    }
    this.pino![PINO_LEVEL[level]](fields, text);
  }
}

/** A request id that is safe to echo back and to put in a log line. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Paths polled by load balancers and Prometheus: one line each would bury the rest. */
const QUIET_PATHS = /^\/api\/(health|metrics)(\/|$)/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when well formed), returns it in
 * the response, makes it and the signed-in user part of every line logged while serving
 * the request, and logs one line per API request when the response is sent. The query
 * string is left out of that line: searches carry names.
 */
export function requestContextMiddleware(logger: Pick<LoggerService, 'log' | 'debug'> = new Logger('Http')) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && CLIENT_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const store: RequestContext = { requestId };
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/api/')) {
      res.once('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const line = `${req.method ?? '?'} ${path} ${res.statusCode} ${ms.toFixed(1)} ms`;
        requestContext.run(store, () => {
          if (QUIET_PATHS.test(path)) logger.debug?.(line, 'Http');
          else logger.log(line, 'Http');
        });
      });
    }
    requestContext.run(store, next);
  };
}

/** Called by the auth guard once it knows who is asking. */
export function setRequestUser(user: { id: string; role: string }): void {
  const store = requestContext.getStore();
  if (!store) return;
  store.userId = user.id;
  store.role = user.role;
}
