import { Body, Controller, Get, Post } from '@nestjs/common';
import type { AgentView } from '@acs/shared/api/agents';
import { ADMIN, Roles, STAFF } from '../auth/roles.js';
import type { CreatedAgentView } from './agent.views.js';
import { AgentsService } from './agents.service.js';
import { CreateAgentDto } from './dto/create-agent.dto.js';

@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Roles(STAFF)
  @Get()
  list(): Promise<AgentView[]> {
    return this.agents.list();
  }

  @Roles(ADMIN)
  @Post()
  create(@Body() dto: CreateAgentDto): Promise<CreatedAgentView> {
    return this.agents.create(dto.id, dto.name);
  }
}
