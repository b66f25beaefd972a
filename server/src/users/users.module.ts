import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { PersonEntity } from '../people/person.entity.js';
import { UserAdminService } from './user-admin.service.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [AuthModule, TypeOrmModule.forFeature([PersonEntity])],
  controllers: [UsersController],
  providers: [UserAdminService],
})
export class UsersModule {}
