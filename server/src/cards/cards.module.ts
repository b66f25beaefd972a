import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { SiteModule } from '../site/site.module.js';
import { CardHistoryEntity } from './card-history.entity.js';
import { CardEntity } from './card.entity.js';
import { CardsController } from './cards.controller.js';
import { CardsService } from './cards.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([CardEntity, CardHistoryEntity]), PersonRepositoryModule, AuthModule, SiteModule],
  controllers: [CardsController],
  providers: [CardsService],
  exports: [CardsService],
})
export class CardsModule {}
