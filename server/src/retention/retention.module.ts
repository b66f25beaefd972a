import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertRepositoryModule } from '../alerts/alert.repository.js';
import { AuthModule } from '../auth/auth.module.js';
import { EquipmentRepositoryModule } from '../equipment/equipment.repository.js';
import { EventRepositoryModule } from '../events/event.repository.js';
import { IncidentRepositoryModule } from '../incidents/incident.repository.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { SiteModule } from '../site/site.module.js';
import { LegalHoldEntity } from './legal-hold.entity.js';
import { RetentionController } from './retention.controller.js';
import { RetentionService } from './retention.service.js';

/** Retention per record type and legal holds: each record type's owner deletes its own aged rows. */
@Module({
  imports: [
    TypeOrmModule.forFeature([LegalHoldEntity]),
    SiteModule,
    AuthModule,
    PersonRepositoryModule,
    EventRepositoryModule,
    AlertRepositoryModule,
    IncidentRepositoryModule,
    EquipmentRepositoryModule,
  ],
  controllers: [RetentionController],
  providers: [RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
