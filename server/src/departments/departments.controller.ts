import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { DepartmentView } from '@acs/shared/api/departments';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { DepartmentsService } from './departments.service.js';
import { CreateDepartmentDto, UpdateDepartmentDto } from './dto/department.dto.js';

@Controller('departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(): Promise<DepartmentView[]> {
    return this.departments.list();
  }

  @Roles(ANY_ROLE)
  @Get(':id')
  get(@Param('id') id: string): Promise<DepartmentView> {
    return this.departments.get(id);
  }

  @Roles(ADMIN)
  @Post()
  create(@CurrentAuth() auth: AuthContext, @Body() dto: CreateDepartmentDto): Promise<DepartmentView> {
    return this.departments.create(dto, auth.user);
  }

  @Roles(ADMIN)
  @Patch(':id')
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateDepartmentDto): Promise<DepartmentView> {
    return this.departments.update(id, dto, auth.user);
  }

  @Roles(ADMIN)
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    return this.departments.remove(id, auth.user);
  }
}
