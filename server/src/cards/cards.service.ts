import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Not, Repository } from 'typeorm';
import type { CardStatus } from '@acs/shared/access/model';
import type { CardView } from '@acs/shared/api/views';
import { displayCredential } from '@acs/shared/credentials/credential';
import type { AuthContext } from '../auth/roles.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { newId } from '../common/ids.js';
import { PersonEntity } from '../people/person.entity.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import { CardEntity, CLOSED_CARD_STATUSES } from './card.entity.js';
import type { CreateCardDto } from './dto/create-card.dto.js';
import type { UpdateCardDto } from './dto/update-card.dto.js';

export function isLiveStatus(status: CardStatus): boolean {
  return !CLOSED_CARD_STATUSES.includes(status);
}

export function toCardView(card: CardEntity, holder: string | null): CardView {
  return {
    id: card.id,
    credential: card.credential,
    display: displayCredential(card.credential),
    type: card.type,
    status: card.status,
    personId: card.personId,
    holder,
    validFrom: card.validFrom,
    validUntil: card.validUntil,
  };
}

@Injectable()
export class CardsService {
  private readonly logger = new Logger('Cards');

  constructor(
    @InjectRepository(CardEntity) private readonly repo: Repository<CardEntity>,
    @InjectRepository(PersonEntity) private readonly people: Repository<PersonEntity>,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  /** Employees see only their own cards. */
  async list(auth: AuthContext): Promise<CardView[]> {
    let cards: CardEntity[];
    if (auth.user.role === 'employee') {
      if (!auth.user.personId) return [];
      cards = await this.repo.find({ where: { personId: auth.user.personId }, order: { createdAt: 'DESC' } });
    } else {
      cards = await this.repo.find({ order: { createdAt: 'DESC' } });
    }
    const holderIds = [...new Set(cards.map((c) => c.personId).filter((id): id is string => id !== null))];
    const holders = new Map<string, string>();
    for (let i = 0; i < holderIds.length; i += 500) {
      const people = await this.people.find({ select: { id: true, name: true }, where: { id: In(holderIds.slice(i, i + 500)) } });
      for (const p of people) holders.set(p.id, p.name);
    }
    return cards.map((c) => toCardView(c, c.personId ? (holders.get(c.personId) ?? null) : null));
  }

  async create(dto: CreateCardDto): Promise<CardView> {
    const status = dto.status ?? 'active';
    this.checkValidity(dto.validFrom ?? null, dto.validUntil ?? null);
    const holder = dto.personId ? await this.activePerson(dto.personId) : null;
    if (isLiveStatus(status)) await this.checkNoOtherLiveCard(dto.credential, null);
    const now = this.clock.now();
    const card = this.repo.create({
      id: newId(),
      credential: dto.credential,
      type: dto.type,
      status,
      personId: dto.personId ?? null,
      validFrom: dto.validFrom ?? null,
      validUntil: dto.validUntil ?? null,
      levelCeilingOverride: null,
      statusChangedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await this.save(card, true);
    await this.changes.record(`card ${card.id} created`, { cardIds: [card.id] });
    return toCardView(card, holder?.name ?? null);
  }

  async update(id: string, dto: UpdateCardDto): Promise<CardView> {
    const card = await this.repo.findOneBy({ id });
    if (!card) throw notFound(`card ${id}`);
    const now = this.clock.now();
    const before = { status: card.status, validUntil: card.validUntil, personId: card.personId };
    if (dto.status !== undefined && dto.status !== card.status) {
      this.logger.log(`card ${id} (${card.credential}): ${card.status} → ${dto.status}`);
      card.status = dto.status;
      card.statusChangedAt = now;
    }
    if (dto.type !== undefined) card.type = dto.type;
    if (dto.personId !== undefined) card.personId = dto.personId;
    if (dto.validFrom !== undefined) card.validFrom = dto.validFrom;
    if (dto.validUntil !== undefined) card.validUntil = dto.validUntil;
    this.checkValidity(card.validFrom, card.validUntil);
    const holder = card.personId
      ? dto.personId !== undefined
        ? await this.activePerson(card.personId)
        : await this.people.findOneBy({ id: card.personId })
      : null;
    if (isLiveStatus(card.status)) await this.checkNoOtherLiveCard(card.credential, card.id);
    card.updatedAt = now;
    await this.save(card, false);
    // Anything that can end access already granted travels on the priority path.
    const revokes =
      (before.status === 'active' && card.status !== 'active') ||
      before.personId !== card.personId ||
      (card.validUntil !== null && (before.validUntil === null || card.validUntil < before.validUntil));
    await this.changes.record(`card ${id} ${before.status !== card.status ? `${before.status} → ${card.status}` : 'updated'}`, { cardIds: [id], revokes });
    return toCardView(card, holder?.name ?? null);
  }

  private checkValidity(validFrom: number | null, validUntil: number | null): void {
    if (validFrom !== null && validUntil !== null && validUntil <= validFrom) {
      throw invalid('validUntil must be after validFrom');
    }
  }

  private async activePerson(personId: string): Promise<PersonEntity> {
    const person = await this.people.findOneBy({ id: personId });
    if (!person) throw invalid(`personId: no person ${personId}`);
    if (person.status === 'departed') throw conflict(`${person.name} has departed; a departed person holds no cards`);
    return person;
  }

  /** One physical card has one holder at a time (requirements §3). */
  private async checkNoOtherLiveCard(credential: string, exceptId: string | null): Promise<void> {
    const other = await this.repo.findOneBy({
      credential,
      status: Not(In([...CLOSED_CARD_STATUSES])),
      ...(exceptId ? { id: Not(exceptId) } : {}),
    });
    if (other) {
      throw conflict(
        `card ${displayCredential(credential)} is already in use (card ${other.id}, ${other.status}); return, revoke or destroy it first`,
      );
    }
  }

  private async save(card: CardEntity, insert: boolean): Promise<void> {
    try {
      if (insert) await this.repo.insert(card);
      else await this.repo.save(card);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`card ${displayCredential(card.credential)} is already in use`);
      throw err;
    }
  }
}
