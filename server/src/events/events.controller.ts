import { Controller, Get, Query } from '@nestjs/common';
import type { EventView } from '@acs/shared/api/events';
import type { Page } from '@acs/shared/api/http';
import { ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { ListEventsQuery } from './dto/list-events.query.js';
import { EventsService } from './events.service.js';

@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@CurrentAuth() auth: AuthContext, @Query() query: ListEventsQuery): Promise<Page<EventView>> {
    return this.events.list(auth, query);
  }
}
