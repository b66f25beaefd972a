import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GrantRepositoryModule } from '../grants/grant.repository.js';
import { AuthModule } from '../auth/auth.module.js';
import { ScheduleRepositoryModule } from '../schedules/schedule.repository.js';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { ZoneRepositoryModule } from '../zones/zone.repository.js';
import { SiteModule } from '../site/site.module.js';
import { ReviewCampaignEntity } from './review-campaign.entity.js';
import { ReviewItemEntity } from './review-item.entity.js';
import { ReviewsController } from './reviews.controller.js';
import { ReviewsService } from './reviews.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([ReviewCampaignEntity, ReviewItemEntity]),
    GrantRepositoryModule,
    ZoneRepositoryModule,
    PersonRepositoryModule,
    ScheduleRepositoryModule,
    AuthModule,
    SiteModule,
  ],
  controllers: [ReviewsController],
  providers: [ReviewsService],
})
export class ReviewsModule {}
