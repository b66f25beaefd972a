import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../auth/user.entity.js';
import { PersonEntity } from '../people/person.entity.js';
import { ScheduleEntity } from '../schedules/schedule.entity.js';
import { SiteModule } from '../site/site.module.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import { ReviewCampaignEntity } from './review-campaign.entity.js';
import { ReviewItemEntity } from './review-item.entity.js';
import { ReviewsController } from './reviews.controller.js';
import { ReviewsService } from './reviews.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ReviewCampaignEntity, ReviewItemEntity, ZoneEntity, PersonEntity, ScheduleEntity, UserEntity]), SiteModule],
  controllers: [ReviewsController],
  providers: [ReviewsService],
})
export class ReviewsModule {}
