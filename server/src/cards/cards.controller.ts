import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import type { CardView } from '@acs/shared/api/views';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { CardsService } from './cards.service.js';
import { CreateCardDto } from './dto/create-card.dto.js';
import { UpdateCardDto } from './dto/update-card.dto.js';

@Controller('cards')
export class CardsController {
  constructor(private readonly cards: CardsService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@CurrentAuth() auth: AuthContext): Promise<CardView[]> {
    return this.cards.list(auth);
  }

  @Roles(ADMIN)
  @Post()
  create(@Body() dto: CreateCardDto): Promise<CardView> {
    return this.cards.create(dto);
  }

  @Roles(ADMIN)
  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateCardDto): Promise<CardView> {
    return this.cards.update(id, dto);
  }
}
