import { Body, Controller, Get, Header, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { ReviewCampaignDetailView, ReviewCampaignView, ReviewItemView } from '@acs/shared/api/reviews';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { ReviewDecisionDto, StartReviewDto } from './dto/review.dto.js';
import { ReviewsService } from './reviews.service.js';

interface CsvResponse {
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

@Controller('reviews')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@CurrentAuth() auth: AuthContext): Promise<ReviewCampaignView[]> {
    return this.reviews.list(auth);
  }

  @Roles(ADMIN)
  @Post()
  start(@CurrentAuth() auth: AuthContext, @Body() dto: StartReviewDto): Promise<ReviewCampaignDetailView> {
    return this.reviews.start(dto, auth.user);
  }

  @Roles(['admin', 'auditor'])
  @Get(':id/export.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async exportCsv(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Res() res: CsvResponse): Promise<void> {
    const { filename, csv } = await this.reviews.exportCsv(id, auth.user.locale);
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.send(csv);
  }

  @Roles(ANY_ROLE)
  @Get(':id')
  detail(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<ReviewCampaignDetailView> {
    return this.reviews.detail(auth, id);
  }

  /** The zone's owner or an admin. */
  @Roles(['admin', 'employee'])
  @Post(':id/items/:itemId/decision')
  @HttpCode(200)
  decide(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() dto: ReviewDecisionDto,
  ): Promise<ReviewItemView> {
    return this.reviews.decide(id, itemId, dto.decision, dto.note ?? null, auth.user);
  }

  @Roles(ADMIN)
  @Post(':id/close')
  @HttpCode(200)
  close(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<ReviewCampaignView> {
    return this.reviews.close(id, auth.user);
  }
}
