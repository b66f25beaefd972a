import { Controller, Get, Inject } from '@nestjs/common';
import { SERVER_VERSION } from '../common/version.js';
import { Public } from '../auth/roles.js';
import type { HealthView } from '@acs/shared/api/views';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  @Public()
  @Get()
  health(): HealthView {
    return { status: 'ok', mode: this.config.mode, version: SERVER_VERSION };
  }
}
