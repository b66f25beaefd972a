import { type DynamicModule, Global, Module } from '@nestjs/common';
import { PasswordHasher } from '../auth/password-hasher.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { Clock } from './clock.js';
import { DomainSignalBus } from './domain-signals.js';

/** Process-wide providers every module may inject: configuration, clock, password hasher, domain signal bus. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: ServerConfig, clock: Clock, hasher: PasswordHasher): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: SERVER_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
        { provide: PasswordHasher, useValue: hasher },
        DomainSignalBus,
      ],
      exports: [SERVER_CONFIG, Clock, PasswordHasher, DomainSignalBus],
    };
  }
}
