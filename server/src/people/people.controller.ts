import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import type { PersonView } from '@acs/shared/api/people';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { CreatePersonDto } from './dto/create-person.dto.js';
import { UpdatePersonDto } from './dto/update-person.dto.js';
import { PeopleService } from './people.service.js';

@Controller('people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@CurrentAuth() auth: AuthContext): Promise<PersonView[]> {
    return this.people.list(auth);
  }

  @Roles(ADMIN)
  @Post()
  create(@CurrentAuth() auth: AuthContext, @Body() dto: CreatePersonDto): Promise<PersonView> {
    return this.people.create(dto, auth.user);
  }

  @Roles(ADMIN)
  @Patch(':id')
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdatePersonDto): Promise<PersonView> {
    return this.people.update(id, dto, auth.user);
  }
}
