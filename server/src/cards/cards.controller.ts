import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import type { CardHistoryView, CardTransitionResult, CardView } from '@acs/shared/api/cards';
import { ADMIN, ANY_ROLE, type AuthContext, CurrentAuth, Roles } from '../auth/roles.js';
import { CardsService } from './cards.service.js';
import { CreateCardDto, ReplaceCardDto } from './dto/create-card.dto.js';
import { CardTransitionDto, ListCardsQuery, UpdateCardDto } from './dto/update-card.dto.js';

@Controller('cards')
export class CardsController {
  constructor(private readonly cards: CardsService) {}

  @Roles(ANY_ROLE)
  @Get()
  list(@CurrentAuth() auth: AuthContext, @Query() query: ListCardsQuery): Promise<CardView[]> {
    return this.cards.list(auth, query);
  }

  @Roles(ANY_ROLE)
  @Get(':id')
  get(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<CardView> {
    return this.cards.get(auth, id);
  }

  @Roles(ANY_ROLE)
  @Get(':id/history')
  history(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<CardHistoryView[]> {
    return this.cards.cardHistory(auth, id);
  }

  /** Requests a card (status `requested`); another admin approves it. */
  @Roles(ADMIN)
  @Post()
  request(@CurrentAuth() auth: AuthContext, @Body() dto: CreateCardDto): Promise<CardView> {
    return this.cards.request(dto, auth.user);
  }

  @Roles(ADMIN)
  @Post(':id/transition')
  transition(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: CardTransitionDto): Promise<CardTransitionResult> {
    return this.cards.transition(id, dto.to, dto.note ?? null, auth.user);
  }

  @Roles(ADMIN)
  @Post(':id/replacement')
  replace(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: ReplaceCardDto): Promise<CardView> {
    return this.cards.replace(id, dto, auth.user);
  }

  @Roles(ADMIN)
  @Patch(':id')
  update(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Body() dto: UpdateCardDto): Promise<CardView> {
    return this.cards.update(id, dto, auth.user);
  }
}
