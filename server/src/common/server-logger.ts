import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Nest's start-up chatter (one line per module and route), shown only at debug level. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController', 'NestFactory']);

/** The console logger of `main.ts`: Nest's, minus the start-up listing unless ACS_LOG_LEVEL=debug. */
export class ServerLogger extends ConsoleLogger {
  private readonly showStartup: boolean;

  constructor(levels: LogLevel[]) {
    super({ logLevels: levels, prefix: 'acs' });
    this.showStartup = levels.includes('debug');
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (!this.showStartup && typeof context === 'string' && STARTUP_CONTEXTS.has(context)) return;
    super.log(message, ...optionalParams);
  }
}
