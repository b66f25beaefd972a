import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AccessRequestsModule } from './access-requests/access-requests.module.js';
import { AgentLinkModule } from './agent-link/agent-link.module.js';
import { AgentsModule } from './agents/agents.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { CardsModule } from './cards/cards.module.js';
import { ApiExceptionFilter } from './common/api-exception.filter.js';
import { Clock } from './common/clock.js';
import { CoreModule } from './common/core.module.js';
import type { ServerConfig } from './config/server-config.js';
import { dataSourceOptions, prepareDatabase, serialiseSqliteTransactions } from './database/data-source.js';
import { DemoModule } from './demo/demo.module.js';
import { DepartmentsModule } from './departments/departments.module.js';
import { DoorsModule } from './doors/doors.module.js';
import { EventsModule } from './events/events.module.js';
import { GrantsModule } from './grants/grants.module.js';
import { HealthModule } from './health/health.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OpenApiModule } from './openapi/openapi.module.js';
import { PeopleModule } from './people/people.module.js';
import { ProofModule } from './proof/proof.module.js';
import { ReadersModule } from './readers/readers.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { ReviewsModule } from './reviews/reviews.module.js';
import { SchedulesModule } from './schedules/schedules.module.js';
import { SiteModule } from './site/site.module.js';
import { SyncModule } from './sync/sync.module.js';
import { UsersModule } from './users/users.module.js';
import { ZonesModule } from './zones/zones.module.js';
import { LockdownModule } from './lockdown/lockdown.module.js';
import { AlertsModule } from './alerts/alerts.module.js';
import { ReceptionModule } from './reception/reception.module.js';
import { EquipmentModule } from './equipment/equipment.module.js';
import { GatePassesModule } from './gate-passes/gate-passes.module.js';
import { SealsModule } from './seals/seals.module.js';
import { IncidentsModule } from './incidents/incidents.module.js';
import { EvidenceModule } from './evidence/evidence.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { ReportsModule } from './reports/reports.module.js';

const CONNECTION_ERROR = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|starting up|shutting down/i;

@Module({})
export class AppModule {
  static forRoot(config: ServerConfig, clock: Clock, hasher: PasswordHasher, log: (message: string) => void): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, clock, [{ provide: PasswordHasher, useValue: hasher }]),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(config),
            // A database that is still starting (docker compose) is waited for; anything else fails at once.
            retryAttempts: config.db === 'postgres' ? 10 : 0,
            retryDelay: 3000,
            toRetry: (err: unknown) => CONNECTION_ERROR.test(`${(err as { code?: string }).code ?? ''} ${(err as Error).message}`),
          }),
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const dataSource = new DataSource(options!);
            if (config.db === 'sqlite') serialiseSqliteTransactions(dataSource);
            await dataSource.initialize();
            try {
              await prepareDatabase(dataSource, config, log);
            } catch (err) {
              await dataSource.destroy();
              throw err;
            }
            return dataSource;
          },
        }),
        JobsModule,
        MetricsModule,
        AuditModule,
        SiteModule,
        AuthModule,
        RealtimeModule,
        PeopleModule,
        ZonesModule,
        LockdownModule,
        DoorsModule,
        SchedulesModule,
        CardsModule,
        GrantsModule,
        DepartmentsModule,
        AccessRequestsModule,
        ReviewsModule,
        // Before AgentsModule: `GET /api/agents/lag` must match before any `agents/:id`.
        ProofModule,
        AgentsModule,
        EventsModule,
        AlertsModule,
        ReceptionModule,
        EquipmentModule,
        GatePassesModule,
        SealsModule,
        IncidentsModule,
        EvidenceModule,
        RetentionModule,
        ReportsModule,
        SyncModule,
        AgentLinkModule,
        ReadersModule,
        DemoModule,
        HealthModule,
        UsersModule,
        OpenApiModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
