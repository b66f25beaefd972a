import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res, UploadedFile } from '@nestjs/common';
import type { IncidentDetailView, IncidentStatsView, IncidentView, ViolationView } from '@acs/shared/api/incidents';
import { ANY_ROLE, type AuthContext, CurrentAuth, Roles, STAFF } from '../auth/roles.js';
import {
  AlertToIncidentDto,
  CloseIncidentDto,
  CreateIncidentDto,
  CreateViolationDto,
  IncidentNoteDto,
  ListViolationsQuery,
  UpdateIncidentDto,
} from './dto/incident.dto.js';
import { FileUpload, type ReceivedFile } from '../common/file-upload.js';
import { PeriodQuery, resolvePeriod } from '../common/period.query.js';
import { ATTACHMENT_UPLOAD, IncidentsService } from './incidents.service.js';

const OPERATORS = ['admin', 'guard'] as const;

interface FileResponse {
  setHeader(name: string, value: string): void;
  send(body: Buffer): void;
}

@Controller('incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  /** Staff see all; anyone else the incidents they reported, with the feedback. */
  @Roles(ANY_ROLE)
  @Get()
  list(@CurrentAuth() auth: AuthContext): Promise<IncidentView[]> {
    return this.incidents.list(auth.user);
  }

  @Roles(STAFF)
  @Get('stats')
  stats(@Query() query: PeriodQuery): Promise<IncidentStatsView> {
    const { from, to } = resolvePeriod(query, 365, Date.now());
    return this.incidents.stats(from, to);
  }

  /** A report typed by anyone who may change things (auditors only read). */
  @Roles(['admin', 'guard', 'employee'])
  @Post()
  report(@CurrentAuth() auth: AuthContext, @Body() dto: CreateIncidentDto): Promise<IncidentDetailView> {
    return this.incidents.report(dto, auth.user);
  }

  @Roles(ANY_ROLE)
  @Get(':id')
  detail(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<IncidentDetailView> {
    return this.incidents.detail(id, auth.user);
  }

  @Roles(OPERATORS)
  @Patch(':id')
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateIncidentDto): Promise<IncidentDetailView> {
    return this.incidents.update(id, dto, auth.user);
  }

  /**
   * Notes and attachments: staff, and the reporter (more facts for the investigation). A note
   * alone may be JSON; with an attachment it is multipart/form-data (`text`, `attachment`).
   */
  @Roles(['admin', 'guard', 'employee'])
  @Post(':id/notes')
  @FileUpload(ATTACHMENT_UPLOAD)
  note(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() dto: IncidentNoteDto,
    @UploadedFile() file: ReceivedFile | undefined,
  ): Promise<IncidentDetailView> {
    return this.incidents.addNote(id, dto.text, file, auth.user);
  }

  @Roles(ANY_ROLE)
  @Get(':id/attachments/:entryId')
  async attachment(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Param('entryId') entryId: string,
    @Res() res: FileResponse,
  ): Promise<void> {
    const file = await this.incidents.attachment(id, entryId, auth.user);
    res.setHeader('Content-Type', file.type);
    res.setHeader('Content-Disposition', `attachment; filename="${encodeURIComponent(file.name)}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(file.data);
  }

  /** Level 3 only by an admin (checked in the service). */
  @Roles(OPERATORS)
  @Post(':id/close')
  @HttpCode(200)
  close(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: CloseIncidentDto): Promise<IncidentDetailView> {
    return this.incidents.close(id, dto, auth.user);
  }
}

@Controller('alerts')
export class AlertIncidentController {
  constructor(private readonly incidents: IncidentsService) {}

  @Roles(OPERATORS)
  @Post(':id/incident')
  escalate(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: AlertToIncidentDto): Promise<IncidentDetailView> {
    return this.incidents.fromAlert(id, dto, auth.user);
  }
}

@Controller('violations')
export class ViolationsController {
  constructor(private readonly incidents: IncidentsService) {}

  /** A person's violation history: admins (and auditors, who read everything). */
  @Roles(['admin', 'auditor'])
  @Get()
  list(@Query() query: ListViolationsQuery): Promise<ViolationView[]> {
    return this.incidents.listViolations(query.personId);
  }

  @Roles(OPERATORS)
  @Post()
  record(@CurrentAuth() auth: AuthContext, @Body() dto: CreateViolationDto): Promise<ViolationView> {
    return this.incidents.recordViolation(dto, auth.user);
  }
}
