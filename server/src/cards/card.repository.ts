import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, type EntityManager, In, Not, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import type { CardStatus } from '@acs/shared/access/model';
import { epochOrNull, nextTurn, READ_PAGE, readPaged } from '../database/paged-rows.js';
import { quotedTable } from '../database/raw-sql.js';
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
  constructor(
    @InjectRepository(CardEntity) private readonly cards: Repository<CardEntity>,
    @InjectRepository(CardHistoryEntity) private readonly history: Repository<CardHistoryEntity>,
  ) {}

  // ---- read by the permission compiler: plain rows, paged (hydrating 100,000s of entities costs seconds) ----

  /** Every card still in circulation (not returned or destroyed), as plain rows in id order. */
  async rawInCirculation(): Promise<CardEntity[]> {
    const ds = this.cards.manager.connection;
    const rows = await readPaged(
      ds,
      'id, credential, type, status, person_id, valid_from, valid_until, level_ceiling_override, lockdown_access, updated_at',
      quotedTable(ds, CardEntity),
      "status NOT IN ('returned', 'destroyed')",
    );
    const cards = new Array<CardEntity>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      cards[i] = {
        id: r.id,
        credential: r.credential,
        type: r.type,
        status: r.status,
        personId: r.person_id ?? null,
        validFrom: epochOrNull(r.valid_from),
        validUntil: epochOrNull(r.valid_until),
        levelCeilingOverride: r.level_ceiling_override === null ? null : Number(r.level_ceiling_override),
        lockdownAccess: r.lockdown_access === true || r.lockdown_access === 1,
        updatedAt: epochOrNull(r.updated_at)!,
      } as CardEntity;
      if (i % READ_PAGE === READ_PAGE - 1) await nextTurn();
    }
    return cards;
  }

  /** The credentials of the cards. */
  credentialsOfCards(cardIds: readonly string[]): Promise<Pick<CardEntity, 'credential'>[]> {
    return this.cards.find({ select: { credential: true }, where: { id: In([...cardIds]) } });
  }

  /** The credentials of every card the people hold or held. */
  credentialsHeldBy(personIds: readonly string[]): Promise<Pick<CardEntity, 'credential'>[]> {
    return this.cards.find({ select: { credential: true }, where: { personId: In([...personIds]) } });
  }

  /** The cards naming the credentials that are still in circulation (not returned or destroyed). */
  inCirculationWithCredentials(credentials: readonly string[]): Promise<CardEntity[]> {
    return this.cards.find({ where: { credential: In([...credentials]), status: Not(In(['returned', 'destroyed'])) } });
  }

  countIssuedBetween(from: number, to: number): Promise<number> {
    return this.cards.count({ where: { createdAt: Between(from, to) } });
  }

  /** Cards that moved to one of the statuses in the period (and are still in it). */
  countEnteredStatusBetween(statuses: readonly CardStatus[], from: number, to: number): Promise<number> {
    return this.cards.count({ where: { status: In([...statuses]), statusChangedAt: Between(from, to) } });
  }

  /** The status of every card the people hold or held, and since when. */
  statusesOfHolders(personIds: readonly string[]): Promise<Pick<CardEntity, 'id' | 'personId' | 'status' | 'statusChangedAt'>[]> {
    return this.cards.find({
      select: { id: true, personId: true, status: true, statusChangedAt: true },
      where: { personId: In([...personIds]) },
    });
  }

  /** The history steps that revoked the cards. */
  revocationsOf(cardIds: readonly string[]): Promise<CardHistoryEntity[]> {
    return this.history.find({ where: { cardId: In([...cardIds]), toStatus: 'revoked' } });
  }

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

  /** Adds a card inside the caller's transaction (the demo site; issuing goes through CardsService). */
  async insertRow(row: QueryDeepPartialEntity<CardEntity>, manager: EntityManager): Promise<void> {
    await manager.insert(CardEntity, row);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([CardEntity, CardHistoryEntity])], providers: [CardRepository], exports: [CardRepository] })
export class CardRepositoryModule {}
