import { Controller, Get, Query } from '@nestjs/common';
import type { AuditEntryView, AuditVerifyView } from '@acs/shared/api/audit';
import type { Page } from '@acs/shared/api/http';
import { AUDIT_READERS, Roles } from '../auth/roles.js';
import { AuditService } from './audit.service.js';
import { ListAuditQuery } from './dto/list-audit.query.js';

@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Roles(AUDIT_READERS)
  @Get()
  list(@Query() query: ListAuditQuery): Promise<Page<AuditEntryView>> {
    return this.audit.list(query);
  }

  @Roles(AUDIT_READERS)
  @Get('verify')
  verify(): Promise<AuditVerifyView> {
    return this.audit.verify();
  }
}
