import type { ServerResponse } from 'node:http';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  Inject,
  ServiceUnavailableException,
  UseFilters,
} from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { SERVER_VERSION } from '../common/version.js';
import { Public } from '../auth/roles.js';
import type { HealthView } from '@acs/shared/api/health';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { BrokerHealthIndicator, DatabaseHealthIndicator, JobsHealthIndicator } from './health-indicators.js';

/**
 * Terminus reports a failed check by throwing 503 with its result as the body; the API's
 * error filter would turn that into the usual error body and lose which check failed.
 */
@Catch(ServiceUnavailableException)
class HealthCheckFailureFilter implements ExceptionFilter {
  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ServerResponse>();
    res
      .writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
      .end(JSON.stringify(exception.getResponse()));
  }
}

const indicatorResults = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'degraded', 'down'] } },
    required: ['status'],
    additionalProperties: true,
  },
};

/** Terminus' body, written here rather than left to its optional Swagger hook, so the document
 * is the same whichever module loader runs the server (Jest's does not reach that hook). */
const healthCheckResult = (statuses: string[]) => ({
  type: 'object',
  properties: { status: { type: 'string', enum: statuses }, info: indicatorResults, error: indicatorResults, details: indicatorResults },
  required: ['status', 'details'],
});

const HealthCheckDocs = () => (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
  ApiOkResponse({ description: 'Every check is up (or degraded); details names each', schema: healthCheckResult(['ok', 'degraded']) })(
    target,
    key,
    descriptor,
  );
  ApiServiceUnavailableResponse({ description: 'A check is down; error names it', schema: healthCheckResult(['error', 'shutting_down']) })(
    target,
    key,
    descriptor,
  );
  HealthCheck({ swaggerDocumentation: false })(target, key, descriptor);
};

/**
 * Liveness and readiness in the form orchestrators expect: 200 when up, 503 with the failing
 * checks named when not (Terminus' `{status, info, error, details}` body).
 *
 * `GET /api/health` keeps its old meaning and body for the dashboard and scripts: the process
 * answers. It is the liveness probe; `live` says the same in Terminus' form. Readiness is
 * separate because a database or broker outage must take an instance out of a load balancer
 * but must not make an orchestrator restart it: a restart fixes neither.
 */
@Controller('health')
@UseFilters(HealthCheckFailureFilter)
export class HealthController {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly broker: BrokerHealthIndicator,
    private readonly jobs: JobsHealthIndicator,
  ) {}

  @Public()
  @Get()
  status(): HealthView {
    return { status: 'ok', mode: this.config.mode, version: SERVER_VERSION };
  }

  @Public()
  @Get('live')
  @HealthCheckDocs()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Public()
  @Get('ready')
  @HealthCheckDocs()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.check(), () => this.broker.check(), () => this.jobs.check()]);
  }
}
