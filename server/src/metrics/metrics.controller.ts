import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Public } from '../auth/roles.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { MetricsService } from './metrics.service.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Prometheus scrapes without a session, so the metrics have their own rule: the bearer token
 * of ACS_METRICS_TOKEN when set, else loopback clients only. The socket's address is used,
 * never X-Forwarded-For: behind the load balancer every request would otherwise look local.
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  @Public()
  @Get()
  async scrape(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    if (!this.allowed(req)) {
      const local = this.config.metricsToken === null;
      const body = local
        ? { error: 'forbidden', message: 'Metrics are served to loopback clients only; set ACS_METRICS_TOKEN to scrape from elsewhere' }
        : { error: 'unauthorized', message: 'A valid metrics bearer token is required' };
      res.writeHead(local ? 403 : 401, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      return;
    }
    const text = await this.metrics.text();
    res.writeHead(200, { 'content-type': this.metrics.contentType, 'cache-control': 'no-store' }).end(text);
  }

  private allowed(req: IncomingMessage): boolean {
    const token = this.config.metricsToken;
    if (token === null) return LOOPBACK.has(req.socket.remoteAddress ?? '');
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') && sameToken(header.slice('Bearer '.length), token);
  }
}
