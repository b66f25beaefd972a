import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { SiteModule } from '../site/site.module.js';
import { ReportsController } from './reports.controller.js';

/** Streaming report exports (issue 6). */
@Module({
  imports: [EventsModule, SiteModule],
  controllers: [ReportsController],
})
export class ReportsModule {}
