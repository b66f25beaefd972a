import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import type { UserAccountView } from '@acs/shared/api/users';
import { ADMIN, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { UserAdminService } from './user-admin.service.js';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UserAdminService) {}

  @Roles(ADMIN)
  @Get()
  list(): Promise<UserAccountView[]> {
    return this.users.list();
  }

  @Roles(ADMIN)
  @Post()
  create(@Body() dto: CreateUserDto): Promise<UserAccountView> {
    return this.users.create(dto);
  }

  @Roles(ADMIN)
  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateUserDto, @CurrentAuth() auth: AuthContext): Promise<UserAccountView> {
    return this.users.update(id, dto, auth);
  }
}
