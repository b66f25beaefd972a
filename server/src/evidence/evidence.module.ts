import { Module } from '@nestjs/common';
import { SiteModule } from '../site/site.module.js';
import { EvidenceController } from './evidence.controller.js';
import { EvidenceService } from './evidence.service.js';

/** The ISO/IEC 27001:2022 evidence pack (issue 6). */
@Module({
  imports: [SiteModule],
  controllers: [EvidenceController],
  providers: [EvidenceService],
})
export class EvidenceModule {}
