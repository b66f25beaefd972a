import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PersonRepositoryModule } from '../people/person.repository.js';
import { AuthModule } from '../auth/auth.module.js';
import { UserAdminService } from './user-admin.service.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [AuthModule, TypeOrmModule.forFeature([]), PersonRepositoryModule],
  controllers: [UsersController],
  providers: [UserAdminService],
})
export class UsersModule {}
