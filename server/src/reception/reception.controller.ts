import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Res, UploadedFile } from '@nestjs/common';
import type { OnSiteList, PoolCardView, ReceptionSettingsView, VisitView, WatchlistEntryView } from '@acs/shared/api/reception';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles, STAFF } from '../auth/roles.js';
import { invalid } from '../common/api-exception.js';
import { FileUpload, type ReceivedFile } from '../common/file-upload.js';
import {
  CheckInDto,
  CreatePoolCardDto,
  CreateVisitDto,
  CreateWatchlistEntryDto,
  DecisionDto,
  ListVisitsQuery,
  ReceptionSettingsDto,
  SignOutDto,
  UpdateWatchlistEntryDto,
  WatchlistDecisionDto,
} from './dto/visit.dto.js';
import { PresenceService } from './presence.service.js';
import { ReceptionListsService } from './reception-lists.service.js';
import { ReceptionSettingsService } from './reception-settings.service.js';
import { VisitCheckInService } from './visit-check-in.service.js';
import { VisitRegistrationService } from './visit-registration.service.js';
import { PHOTO_UPLOAD } from './visit-rules.js';
import { VisitorLogExportService } from './visitor-log-export.service.js';
import { VisitsService } from './visits.service.js';

const COUNTER = ['admin', 'guard'] as const;
/** Employees invite their own visitors and approve walk-ins to see them. */
const HOSTS = ['admin', 'guard', 'employee'] as const;

interface CsvResponse {
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

@Controller('visits')
export class VisitsController {
  constructor(
    private readonly visits: VisitsService,
    private readonly registration: VisitRegistrationService,
    private readonly counter: VisitCheckInService,
    private readonly visitorLog: VisitorLogExportService,
  ) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@CurrentAuth() auth: AuthContext, @Query() query: ListVisitsQuery): Promise<VisitView[]> {
    return this.visits.list(query, auth.user);
  }

  @Roles(['admin', 'auditor'])
  @Get('export.csv')
  async exportCsv(@CurrentAuth() auth: AuthContext, @Query() query: ListVisitsQuery, @Res() res: CsvResponse): Promise<void> {
    if (query.from === undefined || query.to === undefined) throw invalid('from and to (epoch ms) are required');
    const { filename, csv } = await this.visitorLog.exportCsv(query.from, query.to, auth.user.locale);
    // Set here, not by decorator: an error before this point must still answer in JSON.
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.send(csv);
  }

  @Roles(HOSTS)
  @Post()
  preRegister(@CurrentAuth() auth: AuthContext, @Body() dto: CreateVisitDto): Promise<VisitView> {
    return this.registration.preRegister(dto, auth.user);
  }

  @Roles(COUNTER)
  @Post('walk-in')
  walkIn(@CurrentAuth() auth: AuthContext, @Body() dto: CreateVisitDto): Promise<VisitView> {
    return this.registration.registerWalkIn(dto, auth.user);
  }

  @Roles(ANY_ROLE)
  @Get(':id')
  detail(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<VisitView> {
    return this.visits.detail(id, auth.user);
  }

  @Roles(STAFF)
  @Get(':id/photo')
  async photo(@Param('id') id: string): Promise<{ photo: string | null }> {
    return { photo: await this.visits.photo(id) };
  }

  /** multipart/form-data with the image in the field `photo`; only with the consent recorded at check-in. */
  @Roles(COUNTER)
  @Put(':id/photo')
  @FileUpload(PHOTO_UPLOAD)
  setPhoto(@Param('id') id: string, @UploadedFile() file: ReceivedFile): Promise<VisitView> {
    return this.visits.setPhoto(id, file);
  }

  @Roles(['admin', 'employee'])
  @Post(':id/host-decision')
  @HttpCode(200)
  hostDecision(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: DecisionDto): Promise<VisitView> {
    return this.registration.hostDecision(id, dto, auth.user);
  }

  @Roles(ADMIN)
  @Post(':id/watchlist-decision')
  @HttpCode(200)
  watchlistDecision(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: WatchlistDecisionDto): Promise<VisitView> {
    return this.registration.watchlistDecision(id, dto, auth.user);
  }

  @Roles(COUNTER)
  @Post(':id/check-in')
  @HttpCode(200)
  checkIn(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: CheckInDto): Promise<VisitView> {
    return this.counter.checkIn(id, dto, auth.user);
  }

  @Roles(COUNTER)
  @Post(':id/sign-out')
  @HttpCode(200)
  signOut(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: SignOutDto): Promise<VisitView> {
    return this.counter.signOut(id, dto, auth.user);
  }

  @Roles(HOSTS)
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<VisitView> {
    return this.registration.cancel(id, auth.user);
  }
}

@Controller('reception')
export class ReceptionController {
  constructor(
    private readonly settingsService: ReceptionSettingsService,
    private readonly presence: PresenceService,
    private readonly lists: ReceptionListsService,
  ) {}

  /** On-site and evacuation lists: everyone on site now, by the zone they were last let into. */
  @Roles(STAFF)
  @Get('on-site')
  onSite(): Promise<OnSiteList> {
    return this.presence.onSite();
  }

  @Roles(STAFF)
  @Get('settings')
  settings(): Promise<ReceptionSettingsView> {
    return this.settingsService.settings();
  }

  @Roles(ADMIN)
  @Put('settings')
  updateSettings(@Body() dto: ReceptionSettingsDto): Promise<ReceptionSettingsView> {
    return this.settingsService.updateSettings(dto);
  }

  @Roles(COUNTER)
  @Get('watchlist')
  watchlist(): Promise<WatchlistEntryView[]> {
    return this.lists.listWatchlist();
  }

  @Roles(ADMIN)
  @Post('watchlist')
  addWatchlist(@CurrentAuth() auth: AuthContext, @Body() dto: CreateWatchlistEntryDto): Promise<WatchlistEntryView> {
    return this.lists.addWatchlist(dto, auth.user);
  }

  @Roles(ADMIN)
  @Patch('watchlist/:id')
  updateWatchlist(@Param('id') id: string, @Body() dto: UpdateWatchlistEntryDto): Promise<WatchlistEntryView> {
    return this.lists.updateWatchlist(id, dto);
  }

  @Roles(STAFF)
  @Get('pool')
  pool(): Promise<PoolCardView[]> {
    return this.lists.listPool();
  }

  @Roles(ADMIN)
  @Post('pool')
  addPoolCard(@Body() dto: CreatePoolCardDto): Promise<PoolCardView> {
    return this.lists.addPoolCard(dto);
  }

  @Roles(ADMIN)
  @Post('pool/:credential/retire')
  @HttpCode(200)
  retirePoolCard(@Param('credential') credential: string): Promise<PoolCardView> {
    return this.lists.retirePoolCard(credential);
  }
}
