import { Controller, Get, Query, Res } from '@nestjs/common';
import { AUDIT_READERS, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { PeriodQuery, resolvePeriod } from '../common/period.query.js';
import { EvidenceService } from './evidence.service.js';

interface ZipResponse {
  setHeader(name: string, value: string): void;
  send(body: Buffer): void;
}

@Controller('evidence-pack')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /** A zip: one file per control in English and Chinese, a manifest of SHA-256 hashes. Default: the last 365 days. */
  @Roles(AUDIT_READERS)
  @Get()
  async download(@CurrentAuth() auth: AuthContext, @Query() query: PeriodQuery, @Res() res: ZipResponse): Promise<void> {
    const { from, to } = resolvePeriod(query, 365, Date.now());
    const { filename, zip, manifest } = await this.evidence.pack(from, to, auth.user);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('X-Evidence-Files', String(Object.keys(manifest).length));
    res.send(zip);
  }
}
