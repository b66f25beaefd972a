import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, type Repository } from 'typeorm';
import { ReviewCampaignEntity } from './review-campaign.entity.js';

/** The access review campaigns as other domains may count them (the evidence pack). A module of its own with no imports. */
@Injectable()
export class ReviewCampaignRepository {
  constructor(@InjectRepository(ReviewCampaignEntity) private readonly campaigns: Repository<ReviewCampaignEntity>) {}

  countStartedBetween(from: number, to: number): Promise<number> {
    return this.campaigns.count({ where: { startedAt: Between(from, to) } });
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([ReviewCampaignEntity])],
  providers: [ReviewCampaignRepository],
  exports: [ReviewCampaignRepository],
})
export class ReviewCampaignRepositoryModule {}
