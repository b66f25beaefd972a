import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { type INestApplication, type LoggerService, type LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AgentMessageRouter } from './agent-link/agent-message-router.service.js';
import { AppModule } from './app.module.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { Clock, SystemClock } from './common/clock.js';
import { StartupError } from './common/startup-error.js';
import { logFormatFrom, requestContextMiddleware, ServerLogger } from './common/server-logger.js';
import { securityHeaders } from './common/security-headers.js';
import { createValidationPipe } from './common/validation.js';
import { loadServerConfig, type ServerConfig, type ServerLogLevel } from './config/server-config.js';
import { serveDashboard } from './dashboard/static-dashboard.js';
import { describeDatabase } from './database/data-source.js';
import { BootstrapService } from './demo/bootstrap.service.js';
import { EmbeddedBrokerService, SERVER_MQTT_USERNAME } from './mqtt/embedded-broker.service.js';
import { MqttClientService, type MqttConnection, redact } from './mqtt/mqtt-client.service.js';
import { MetricsService } from './metrics/metrics.service.js';
import { OpenApiDocumentHolder } from './openapi/openapi-document.holder.js';
import { PermissionSyncService } from './sync/permission-sync.service.js';

export interface RunningServer {
  config: ServerConfig;
  /** Base URL of the HTTP server (dashboard, `/api`, socket.io), e.g. `http://127.0.0.1:3000`. */
  httpUrl: string;
  /** The broker agents connect to: the embedded one or ACS_MQTT_URL. */
  mqttUrl: string;
  close(): Promise<void>;
  app: INestApplication;
}

export interface StartOptions {
  /** Where Nest and the services log; defaults to the console at ACS_LOG_LEVEL. */
  logger?: LoggerService;
  /** Time source of every service (tests move it by hand). */
  clock?: Clock;
  /** Password hashing; tests pass cheaper scrypt parameters to stay fast. */
  hasher?: PasswordHasher;
}

/** JSON (and form) bodies: every DTO fits easily; beyond it the answer is 413 stating the limit. */
export const JSON_BODY_LIMIT_BYTES = 100 * 1024;

/** How long a stop waits for each part before going on. */
const CLOSE_STEP_MS = 5000;

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function logLevelsFrom(level: ServerLogLevel): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

function portProblem(err: unknown, what: string, host: string, port: number, variable: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    return new StartupError(
      `The ${what} port ${host}:${port} is ${code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}. Choose another with ${variable}.`,
    );
  }
  return err;
}

/** A host clients can reach: a wildcard listen address becomes loopback. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the server: database (with migrations), demo data or the production admin check,
 * the embedded broker unless ACS_MQTT_URL names one, the HTTP API with the dashboard and
 * socket.io, and the server's MQTT client. `overrides` apply on top of the environment.
 * Can run several times in one process (tests), each on its own ports and database.
 */
export async function startServer(overrides: Partial<ServerConfig> = {}, options: StartOptions = {}): Promise<RunningServer> {
  const config = loadServerConfig(process.env, overrides);
  const logger = options.logger ?? new ServerLogger(logLevelsFrom(config.logLevel), { format: logFormatFrom(process.env, config.mode) });
  const log = new Logger('Server');
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, options.clock ?? new SystemClock(), options.hasher ?? new PasswordHasher(), (m) => log.log(m)),
    { logger, abortOnError: false },
  );
  let broker: EmbeddedBrokerService | null = null;
  const mqttClient = app.get(MqttClientService);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // Each step is bounded: a stop must finish even if some work in flight never settles
    // (seen in tests: the process then kept its HTTP port open forever).
    const step = async (what: string, work: () => Promise<unknown>) => {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CLOSE_STEP_MS)));
      const outcome = await Promise.race([work().then(() => 'done' as const), limit]);
      clearTimeout(timer);
      if (outcome === 'timeout') log.warn(`stopping: ${what} did not finish within ${CLOSE_STEP_MS} ms; going on`);
    };
    await step('the MQTT client', () => mqttClient.close());
    await step('the embedded broker', async () => broker?.stop());
    await step('agent messages in flight', () => app.get(AgentMessageRouter).idle());
    await step('permission pushes in flight', () => app.get(PermissionSyncService).idle());
    await step('the application', () => app.close());
  };
  try {
    app.setGlobalPrefix('api');
    app.useGlobalPipes(createValidationPipe());
    app.disable('x-powered-by');
    // Before the dashboard's files and the routes, so every response carries the headers.
    app.use(securityHeaders());
    app.use(app.get(MetricsService).httpMiddleware());
    // Set here, so Nest does not add its own parser with the default limit; files have their
    // own routes and limits (FileUpload).
    app.useBodyParser('json', { limit: JSON_BODY_LIMIT_BYTES });
    app.useBodyParser('urlencoded', { limit: JSON_BODY_LIMIT_BYTES, extended: true });
    // After the body parsers: their stream callbacks would otherwise run outside the
    // request's context and lose its id.
    app.use(requestContextMiddleware());
    serveDashboard(app, config.dashboardDir);
    await app.init();
    app.get(OpenApiDocumentHolder).attach(app);
    log.log(`database: ${describeDatabase(config)}`);
    await app.get(BootstrapService).prepare();

    let connection: MqttConnection;
    if (config.mqttUrl) {
      connection = { url: config.mqttUrl, username: config.mqttUsername, password: config.mqttPassword };
    } else {
      const embedded = app.get(EmbeddedBrokerService);
      broker = embedded;
      const port = await embedded.start().catch((err: unknown) => {
        throw portProblem(err, 'MQTT', config.host, config.mqttPort, 'ACS_MQTT_PORT');
      });
      connection = {
        url: `mqtt://${reachableHost(config.host)}:${port}`,
        username: SERVER_MQTT_USERNAME,
        password: embedded.serverPassword,
      };
    }
    await app.listen(config.httpPort, config.host).catch((err: unknown) => {
      throw portProblem(err, 'HTTP', config.host, config.httpPort, 'ACS_HTTP_PORT');
    });
    const httpPort = (app.getHttpServer().address() as AddressInfo).port;
    await mqttClient.connect(connection);
    const httpUrl = `http://${reachableHost(config.host)}:${httpPort}`;
    log.log(`listening on ${httpUrl} (${config.mode} mode), MQTT ${redact(connection.url)}`);
    return { config, httpUrl, mqttUrl: redact(connection.url), close, app };
  } catch (err) {
    await close().catch((closeErr: unknown) => log.error(`closing after a failed start: ${(closeErr as Error).message}`));
    throw err;
  }
}
