import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { PersonEntity } from '../people/person.entity.js';
import { SiteSettingsEntity } from '../site/site-settings.entity.js';
import { LegalHoldEntity } from './legal-hold.entity.js';
import { RetentionController } from './retention.controller.js';
import { RetentionService } from './retention.service.js';

/** Retention per record type and legal holds (issue 6). */
@Module({
  imports: [TypeOrmModule.forFeature([LegalHoldEntity, SiteSettingsEntity, UserEntity, PersonEntity])],
  controllers: [RetentionController],
  providers: [RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
