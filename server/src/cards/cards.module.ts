import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { PersonEntity } from '../people/person.entity.js';
import { SiteModule } from '../site/site.module.js';
import { CardHistoryEntity } from './card-history.entity.js';
import { CardEntity } from './card.entity.js';
import { CardsController } from './cards.controller.js';
import { CardsService } from './cards.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([CardEntity, PersonEntity, CardHistoryEntity, UserEntity]), SiteModule],
  controllers: [CardsController],
  providers: [CardsService],
  exports: [CardsService],
})
export class CardsModule {}
