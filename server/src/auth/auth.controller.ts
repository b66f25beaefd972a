import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import type { LoginResponse, UserView } from '@acs/shared/api/users';
import { AuthService } from './auth.service.js';
import { LoginDto } from './dto/login.dto.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { UpdateMeDto } from './dto/update-me.dto.js';
import { ANY_ROLE, type AuthContext, ClientIp, CurrentAuth, Public, Roles, SelfService } from './roles.js';
import { UsersService } from './users.service.js';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() dto: LoginDto, @ClientIp() ip: string): Promise<LoginResponse> {
    return this.auth.login(dto.username, dto.password, ip);
  }

  @Roles(ANY_ROLE)
  @SelfService()
  @Post('logout')
  @HttpCode(204)
  logout(@CurrentAuth() auth: AuthContext): Promise<void> {
    return this.auth.logout(auth);
  }

  @Roles(ANY_ROLE)
  @Get('me')
  me(@CurrentAuth() auth: AuthContext): UserView {
    return auth.user;
  }

  @Roles(ANY_ROLE)
  @SelfService()
  @Patch('me')
  updateMe(@CurrentAuth() auth: AuthContext, @Body() dto: UpdateMeDto): Promise<UserView> {
    return this.users.setLocale(auth.user.id, dto.locale);
  }

  /** Changes the caller's own password; their other sessions end. */
  @Roles(ANY_ROLE)
  @SelfService()
  @Post('password')
  @HttpCode(204)
  changePassword(@CurrentAuth() auth: AuthContext, @Body() dto: ChangePasswordDto, @ClientIp() ip: string): Promise<void> {
    return this.auth.changePassword(auth, dto.current, dto.next, ip);
  }
}
