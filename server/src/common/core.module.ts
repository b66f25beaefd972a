import { type DynamicModule, Global, Module, type ValueProvider } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { Clock } from './clock.js';
import { DomainSignalBus } from './domain-signals.js';

/**
 * Process-wide providers every module may inject: configuration, clock, domain signal bus, and
 * the instances the composition root hands in (the password hasher). Those come in as providers
 * rather than by name so that common/ depends on no domain.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: ServerConfig, clock: Clock, processWide: readonly ValueProvider[] = []): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: SERVER_CONFIG, useValue: config }, { provide: Clock, useValue: clock }, ...processWide, DomainSignalBus],
      exports: [SERVER_CONFIG, Clock, ...processWide.map((p) => p.provide), DomainSignalBus],
    };
  }
}
