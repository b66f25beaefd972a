import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { type EntityManager, In, Not, type Repository } from 'typeorm';
import { CardHistoryEntity } from './card-history.entity.js';
import { CardEntity, CLOSED_CARD_STATUSES } from './card.entity.js';
import { cardHistoryRow } from './cards.service.js';

/**
 * The cards and their history as other domains may use them: narrowly named queries, never the
 * tables. A module of its own with no imports, so people can end a leaver's cards without a
 * module cycle. Methods that take an EntityManager run inside the caller's transaction.
 */
@Injectable()
export class CardRepository {
  constructor(@InjectRepository(CardEntity) private readonly cards: Repository<CardEntity>) {}

  /** Revokes every card of the person that is not closed yet, each with its history row; returns how many. */
  async revokeOpenCardsOf(personId: string, at: number, actorUserId: string | null, note: string, manager: EntityManager): Promise<number> {
    const cards = manager.getRepository(CardEntity);
    let revoked = 0;
    for (const card of await cards.findBy({ personId, status: Not(In([...CLOSED_CARD_STATUSES])) })) {
      const from = card.status;
      card.status = 'revoked';
      card.statusChangedAt = at;
      card.updatedAt = at;
      await cards.save(card);
      await manager.getRepository(CardHistoryEntity).insert(cardHistoryRow(card.id, from, 'revoked', at, actorUserId, note));
      revoked++;
    }
    return revoked;
  }
}

@Module({ imports: [TypeOrmModule.forFeature([CardEntity, CardHistoryEntity])], providers: [CardRepository], exports: [CardRepository] })
export class CardRepositoryModule {}
