import { Injectable } from '@nestjs/common';
import type { ReceptionSettingsView } from '@acs/shared/api/reception';
import { SiteService } from '../site/site.service.js';
import type { ReceptionSettingsDto } from './dto/visit.dto.js';
import { DEFAULT_RECEPTION_SETTINGS } from './visit-rules.js';

/** End-of-day sign-out time and how long visitors' personal data is kept; stored on the site. */
@Injectable()
export class ReceptionSettingsService {
  constructor(private readonly site: SiteService) {}

  async settings(): Promise<ReceptionSettingsView> {
    return { ...DEFAULT_RECEPTION_SETTINGS, ...((await this.site.get()).reception ?? {}) };
  }

  async updateSettings(dto: ReceptionSettingsDto): Promise<ReceptionSettingsView> {
    const next = {
      ...(await this.settings()),
      ...(dto.endOfDay ? { endOfDay: dto.endOfDay } : {}),
      ...(dto.retentionDays ? { retentionDays: dto.retentionDays } : {}),
    };
    await this.site.setReceptionSettings(next);
    return next;
  }
}
