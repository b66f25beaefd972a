import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, Not, Repository } from 'typeorm';
import { allowedCardTransitions, isCardTransitionAllowed, REPLACEABLE_CARD_STATUSES } from '@acs/shared/access/card-lifecycle';
import type { CardStatus, CardType } from '@acs/shared/access/model';
import type { CardHistoryView, CardTransitionResult, CardView } from '@acs/shared/api/cards';
import type { UserRef } from '@acs/shared/api/users';
import { credentialFromCardNumber } from '@acs/shared/credentials/card-number';
import { displayCredential } from '@acs/shared/credentials/credential';
import type { AuthContext } from '../auth/roles.js';
import type { Actor } from '../common/actor.js';
import { conflict, forbidden, invalid, notFound, separationOfDuties } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { newId } from '../common/ids.js';
import { refOf } from '../common/user-refs.js';
import type { PersonEntity } from '../people/person.entity.js';
import { cardTypeSettings } from '../site/site-admin.service.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import { SiteService } from '../site/site.service.js';
import { maskCredential } from '@acs/shared/credentials/mask';
import { CardHistoryEntity } from './card-history.entity.js';
import { CardEntity, CLOSED_CARD_STATUSES } from './card.entity.js';
import type { CreateCardDto, ReplaceCardDto } from './dto/create-card.dto.js';
import type { ListCardsQuery, UpdateCardDto } from './dto/update-card.dto.js';
import { PersonRepository } from '../people/person.repository.js';
import { UsersService } from '../auth/users.service.js';

const DAY_MS = 86_400_000;

/** Card types that may carry a recorded exception above their ceiling (docs/product-rules.md#card-type-ceilings). */
const OVERRIDABLE_TYPES: readonly CardType[] = ['contractor', 'temporary'];

export function isLiveStatus(status: CardStatus): boolean {
  return !CLOSED_CARD_STATUSES.includes(status);
}

export function toCardView(card: CardEntity, holder: string | null, users: ReadonlyMap<string, UserRef> = new Map()): CardView {
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
    levelCeilingOverride: card.levelCeilingOverride,
    lockdownAccess: card.lockdownAccess,
    statusChangedAt: card.statusChangedAt,
    requestedBy: refOf(users, card.requestedByUserId ?? null),
    approvedBy: refOf(users, card.approvedByUserId ?? null),
    issuedBy: refOf(users, card.issuedByUserId ?? null),
    replacesCardId: card.replacesCardId ?? null,
    createdAt: card.createdAt,
  };
}

export function cardHistoryRow(
  cardId: string,
  from: CardStatus | null,
  to: CardStatus,
  at: number,
  actorUserId: string | null,
  note: string | null,
): CardHistoryEntity {
  return Object.assign(new CardHistoryEntity(), { id: newId(), cardId, fromStatus: from, toStatus: to, at, actorUserId, note });
}

interface CardNumberInput {
  credential?: string;
  format?: string;
  cardNumber?: string;
}

/** The canonical credential from either form of input. */
export function resolveCredential(dto: CardNumberInput): string {
  const hasNumber = dto.format !== undefined || dto.cardNumber !== undefined;
  if (dto.credential !== undefined && hasNumber) throw invalid('give either credential, or format and cardNumber, not both');
  if (dto.credential !== undefined) return dto.credential;
  const result = credentialFromCardNumber(dto.format ?? '', dto.cardNumber ?? '');
  if (!result.ok) throw invalid(result.error);
  return result.credential;
}

/**
 * Cards through their lifecycle (docs/product-rules.md#card-lifecycle): requested → approved → issued →
 * active → suspended / lost / returned / revoked / destroyed, by the table in
 * `@acs/shared/access/card-lifecycle`. The approver is never the requester nor the
 * issuer. Every step is kept in `card_history` and recorded as a permission change of
 * the card; one that ends access travels on the priority path.
 */
/** Key of `holdersOf`' answer for one read. */
export function holderKey(credential: string, cardId: string | null): string {
  return `${credential}\u0000${cardId ?? ''}`;
}

/** A card and the person holding it, as the server's records say. */
export interface CardHolder {
  cardId: string;
  credential: string;
  personId: string | null;
  holder: string | null;
}

/** What reception asks for when it checks a visitor in. */
export interface VisitorCardIssue {
  credential: string;
  personId: string;
  at: number;
  validUntil: number;
  requestedByUserId: string | null;
  approvedByUserId: string | null;
  issuedByUserId: string;
}

@Injectable()
export class CardsService {
  private readonly logger = new Logger('Cards');

  constructor(
    @InjectRepository(CardEntity) private readonly repo: Repository<CardEntity>,
    private readonly people: PersonRepository,
    @InjectRepository(CardHistoryEntity) private readonly history: Repository<CardHistoryEntity>,
    private readonly users: UsersService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly site: SiteService,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  /** Employees see only their own cards. */
  async list(auth: AuthContext, query: ListCardsQuery = {}): Promise<CardView[]> {
    let personId = query.personId;
    if (auth.user.role === 'employee') {
      if (personId !== undefined && personId !== auth.user.personId) throw forbidden('Employees see only their own cards');
      if (!auth.user.personId) return [];
      personId = auth.user.personId;
    }
    const cards = await this.repo.find({
      where: { ...(personId !== undefined ? { personId } : {}), ...(query.status !== undefined ? { status: query.status } : {}) },
      order: { createdAt: 'DESC' },
    });
    return this.views(cards);
  }

  /**
   * Who holds each of these credentials, from the server's own records: the card carrying
   * it (the live one; the newest closed one when none is live, for late events of a card
   * since returned or revoked), its person and that person's name. Agents' events are
   * filled from this, never from what the agent wrote (an agent may be old, broken or
   * lying). A card id the agent names is preferred when it really carries the credential.
   * Credentials no card carries are absent.
   */
  async holdersOf(reads: ReadonlyArray<{ credential: string; cardId: string | null }>): Promise<Map<string, CardHolder>> {
    const byCredential = new Map<string, CardEntity[]>();
    const credentials = [...new Set(reads.map((r) => r.credential))];
    for (let i = 0; i < credentials.length; i += 500) {
      const cards = await this.repo.find({
        select: { id: true, credential: true, personId: true, status: true, createdAt: true },
        where: { credential: In(credentials.slice(i, i + 500)) },
        order: { createdAt: 'DESC' },
      });
      for (const card of cards) byCredential.set(card.credential, [...(byCredential.get(card.credential) ?? []), card]);
    }
    const chosen = new Map<string, CardEntity>();
    for (const { credential, cardId } of reads) {
      const cards = byCredential.get(credential);
      if (!cards) continue;
      const card = cards.find((c) => c.id === cardId) ?? cards.find((c) => !CLOSED_CARD_STATUSES.includes(c.status)) ?? cards[0]!;
      chosen.set(holderKey(credential, cardId), card);
    }
    const personIds = [...new Set([...chosen.values()].map((c) => c.personId).filter((p): p is string => p !== null))];
    const names = await this.people.namesOf(personIds);
    const found = new Map<string, CardHolder>();
    for (const [key, card] of chosen) {
      found.set(key, {
        cardId: card.id,
        credential: card.credential,
        personId: card.personId,
        holder: card.personId ? (names.get(card.personId) ?? null) : null,
      });
    }
    return found;
  }

  async get(auth: AuthContext, id: string): Promise<CardView> {
    const card = await this.visibleCard(auth, id);
    return (await this.views([card]))[0]!;
  }

  async cardHistory(auth: AuthContext, id: string): Promise<CardHistoryView[]> {
    await this.visibleCard(auth, id);
    const rows = await this.history.find({ where: { cardId: id }, order: { at: 'ASC' } });
    const users = await this.users.refs(rows.map((r) => r.actorUserId));
    return rows.map((r) => ({
      id: r.id,
      cardId: r.cardId,
      from: r.fromStatus,
      to: r.toStatus,
      at: r.at,
      actor: refOf(users, r.actorUserId),
      note: r.note,
    }));
  }

  /** `POST /api/cards`: a card request. Someone else approves it; the physical card is reserved at once. */
  async request(dto: CreateCardDto, actor: Actor): Promise<CardView> {
    const credential = resolveCredential(dto);
    this.checkValidity(dto.validFrom ?? null, dto.validUntil ?? null);
    this.checkOverride(dto.type, dto.levelCeilingOverride ?? null);
    const holder = dto.personId ? await this.activePerson(dto.personId) : null;
    await this.checkNoOtherLiveCard(credential, null);
    const now = this.clock.now();
    const card = this.repo.create({
      id: newId(),
      credential,
      type: dto.type,
      status: 'requested',
      personId: dto.personId ?? null,
      validFrom: dto.validFrom ?? null,
      validUntil: dto.validUntil ?? null,
      levelCeilingOverride: dto.levelCeilingOverride ?? null,
      statusChangedAt: now,
      requestedByUserId: actor.id,
      approvedByUserId: null,
      issuedByUserId: null,
      replacesCardId: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.insertWithHistory(card, dto.note ?? null);
    await this.changes.record(`card ${card.id} requested`, { cardIds: [card.id], actorUserId: actor.id });
    return (await this.views([card], holder))[0]!;
  }

  /** A new card request for the holder of a lost or destroyed card: the lifecycle starts again. */
  async replace(id: string, dto: ReplaceCardDto, actor: Actor): Promise<CardView> {
    const old = await this.repo.findOneBy({ id });
    if (!old) throw notFound(`card ${id}`);
    if (!REPLACEABLE_CARD_STATUSES.includes(old.status)) {
      throw conflict(
        `card ${displayCredential(old.credential)} is ${old.status}; only a ${REPLACEABLE_CARD_STATUSES.join(' or ')} card is replaced`,
      );
    }
    if (!old.personId) throw conflict(`card ${displayCredential(old.credential)} has no holder to replace it for`);
    const credential = resolveCredential(dto);
    const holder = await this.activePerson(old.personId);
    await this.checkNoOtherLiveCard(credential, null);
    const now = this.clock.now();
    const card = this.repo.create({
      id: newId(),
      credential,
      type: old.type,
      status: 'requested',
      personId: old.personId,
      validFrom: null,
      validUntil: old.validUntil !== null && old.validUntil > now ? old.validUntil : null,
      levelCeilingOverride: old.levelCeilingOverride,
      statusChangedAt: now,
      requestedByUserId: actor.id,
      approvedByUserId: null,
      issuedByUserId: null,
      replacesCardId: old.id,
      createdAt: now,
      updatedAt: now,
    });
    await this.insertWithHistory(card, dto.note ?? `replaces card ${displayCredential(old.credential)} (${old.status})`);
    await this.changes.record(`card ${card.id} requested to replace ${old.id}`, { cardIds: [card.id], actorUserId: actor.id });
    return (await this.views([card], holder))[0]!;
  }

  /** One lifecycle step; illegal steps are 409 with the allowed ones, separation-of-duties refusals 403. */
  async transition(id: string, to: CardStatus, note: string | null, actor: Actor): Promise<CardTransitionResult> {
    const card = await this.repo.findOneBy({ id });
    if (!card) throw notFound(`card ${id}`);
    const from = card.status;
    const now = this.clock.now();
    await this.applyTransition(card, to, actor, now);
    card.updatedAt = now;
    await this.saveWithHistory(card, cardHistoryRow(id, from, to, now, actor.id, note));
    this.logger.log(`card ${id} (${maskCredential(card.credential)}): ${from} → ${to} by user ${actor.id}`);
    // Leaving `active` takes access away: the priority path, and a revocation the proof tracks.
    const revokes = from === 'active';
    const permissionVersion = await this.changes.record(`card ${id} ${from} → ${to}`, { cardIds: [id], revokes, actorUserId: actor.id });
    return { card: (await this.views([card]))[0]!, permissionVersion };
  }

  /** `PATCH /api/cards/:id`: terms of the card; a `status` is a lifecycle step like {@link transition}. */
  async update(id: string, dto: UpdateCardDto, actor: Actor): Promise<CardView> {
    const card = await this.repo.findOneBy({ id });
    if (!card) throw notFound(`card ${id}`);
    const now = this.clock.now();
    const before = {
      status: card.status,
      validUntil: card.validUntil,
      validFrom: card.validFrom,
      personId: card.personId,
      type: card.type,
      override: card.levelCeilingOverride,
      lockdownAccess: card.lockdownAccess,
    };
    let step: CardHistoryEntity | null = null;
    if (dto.status !== undefined && dto.status !== card.status) {
      await this.applyTransition(card, dto.status, actor, now);
      step = cardHistoryRow(id, before.status, dto.status, now, actor.id, null);
    }
    if (dto.personId !== undefined && dto.personId !== card.personId) {
      // One physical card, one holder: once handed over, a card changes hands only by return and a new request.
      if (!['requested', 'approved'].includes(before.status)) {
        throw conflict(
          `card ${displayCredential(card.credential)} is ${before.status}; return it and request a new card for another holder`,
        );
      }
      if (dto.personId !== null) await this.activePerson(dto.personId);
      card.personId = dto.personId;
    }
    if (dto.type !== undefined) card.type = dto.type;
    if (dto.validFrom !== undefined) card.validFrom = dto.validFrom;
    if (dto.validUntil !== undefined) card.validUntil = dto.validUntil;
    if (dto.levelCeilingOverride !== undefined) card.levelCeilingOverride = dto.levelCeilingOverride;
    if (dto.lockdownAccess !== undefined) {
      if (dto.lockdownAccess && card.type === 'visitor') throw invalid('lockdownAccess: visitor cards are never designated for lockdown');
      card.lockdownAccess = dto.lockdownAccess;
    }
    this.checkValidity(card.validFrom, card.validUntil);
    this.checkOverride(card.type, card.levelCeilingOverride);
    card.updatedAt = now;
    await this.saveWithHistory(card, step);
    // Anything that can end access already granted travels on the priority path.
    const ceilings = cardTypeSettings(await this.site.get());
    const ceilingOf = (type: CardType, override: number | null) => Math.max(ceilings[type].ceiling, override ?? -1);
    const revokes =
      (before.status === 'active' && card.status !== 'active') ||
      before.personId !== card.personId ||
      (card.validUntil !== null && (before.validUntil === null || card.validUntil < before.validUntil)) ||
      (card.validFrom !== null && (before.validFrom === null || card.validFrom > before.validFrom)) ||
      ceilingOf(card.type, card.levelCeilingOverride) < ceilingOf(before.type, before.override) ||
      (before.lockdownAccess && !card.lockdownAccess);
    await this.changes.record(`card ${id} ${before.status !== card.status ? `${before.status} → ${card.status}` : 'updated'}`, {
      cardIds: [id],
      revokes,
      actorUserId: actor.id,
    });
    return (await this.views([card]))[0]!;
  }

  /** Checks a step against the table and separation of duties, then applies it to the entity. */
  private async applyTransition(card: CardEntity, to: CardStatus, actor: Actor, now: number): Promise<void> {
    const from = card.status;
    const label = displayCredential(card.credential);
    if (!isCardTransitionAllowed(from, to)) {
      const allowed = allowedCardTransitions(from);
      throw conflict(
        allowed.length
          ? `card ${label} is ${from}; it can go to: ${allowed.join(', ')} (not ${to})`
          : `card ${label} is ${from}; nothing follows ${from}`,
      );
    }
    if (to === 'approved' && card.requestedByUserId === actor.id) {
      throw separationOfDuties(`you requested card ${label}; someone else must approve it`);
    }
    if (to === 'issued' && card.approvedByUserId === actor.id) {
      throw separationOfDuties(`you approved card ${label}; someone else must issue it`);
    }
    if (to === 'issued' || to === 'active') {
      if (card.personId) await this.activePerson(card.personId);
      else if (card.type !== 'visitor') throw conflict(`card ${label} has no holder; a ${card.type} card is issued to a person`);
    }
    if (to === 'approved') card.approvedByUserId = actor.id;
    if (to === 'issued') card.issuedByUserId = actor.id;
    if (to === 'active' && from === 'issued' && card.validUntil === null) {
      // The type's default validity starts when the card first opens doors.
      const days = cardTypeSettings(await this.site.get())[card.type].validityDays;
      if (days !== null) card.validUntil = Math.max(now, card.validFrom ?? now) + days * DAY_MS;
    }
    card.status = to;
    card.statusChangedAt = now;
  }

  private async visibleCard(auth: AuthContext, id: string): Promise<CardEntity> {
    const card = await this.repo.findOneBy({ id });
    if (!card) throw notFound(`card ${id}`);
    if (auth.user.role === 'employee' && (card.personId === null || card.personId !== auth.user.personId)) {
      throw forbidden('Employees see only their own cards');
    }
    return card;
  }

  private async views(cards: CardEntity[], knownHolder?: PersonEntity | null): Promise<CardView[]> {
    const holderIds = [...new Set(cards.map((c) => c.personId).filter((id): id is string => id !== null))];
    const holders = new Map<string, string>();
    if (knownHolder) holders.set(knownHolder.id, knownHolder.name);
    const missing = holderIds.filter((id) => !holders.has(id));
    for (const [id, name] of await this.people.namesOf(missing)) holders.set(id, name);
    const users = await this.users.refs(cards.flatMap((c) => [c.requestedByUserId, c.approvedByUserId, c.issuedByUserId]));
    return cards.map((c) => toCardView(c, c.personId ? (holders.get(c.personId) ?? null) : null, users));
  }

  private checkValidity(validFrom: number | null, validUntil: number | null): void {
    if (validFrom !== null && validUntil !== null && validUntil <= validFrom) {
      throw invalid('validUntil must be after validFrom');
    }
  }

  private checkOverride(type: CardType, override: number | null): void {
    if (override !== null && !OVERRIDABLE_TYPES.includes(type)) {
      throw invalid(
        `levelCeilingOverride: only ${OVERRIDABLE_TYPES.join(' and ')} cards carry a recorded exception (visitor cards never open L3)`,
      );
    }
  }

  private async activePerson(personId: string): Promise<PersonEntity> {
    const person = await this.people.findById(personId);
    if (!person) throw invalid(`personId: no person ${personId}`);
    if (person.status === 'departed') throw conflict(`${person.name} has departed; a departed person holds no cards`);
    return person;
  }

  /** One physical card has one holder at a time (docs/product-rules.md#card-numbers). */
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

  private async insertWithHistory(card: CardEntity, note: string | null): Promise<void> {
    try {
      await this.dataSource.transaction(async (m) => {
        await m.getRepository(CardEntity).insert(card);
        await m
          .getRepository(CardHistoryEntity)
          .insert(cardHistoryRow(card.id, null, card.status, card.createdAt, card.requestedByUserId, note));
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`card ${displayCredential(card.credential)} is already in use`);
      throw err;
    }
  }

  private async saveWithHistory(card: CardEntity, step: CardHistoryEntity | null): Promise<void> {
    try {
      await this.dataSource.transaction(async (m) => {
        await m.getRepository(CardEntity).save(card);
        if (step) await m.getRepository(CardHistoryEntity).insert(step);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`card ${displayCredential(card.credential)} is already in use`);
      throw err;
    }
  }

  // ---- asked by reception -------------------------------------------------------------

  /** The card with this credential if it is live (not closed): a pool card must not be one. */
  async liveWithCredential(credential: string): Promise<Pick<CardEntity, 'id' | 'type' | 'status'> | null> {
    const card = await this.repo.findOne({ where: { credential } });
    return card && !CLOSED_CARD_STATUSES.includes(card.status) ? card : null;
  }

  /**
   * A visit's card: active for the visit's window, issued by the guard at check-in, inside
   * the check-in's transaction. Refused while another card with the credential is live.
   */
  async issueVisitorCard(card: VisitorCardIssue, manager: EntityManager): Promise<string> {
    const repo = manager.getRepository(CardEntity);
    const live = await repo.findOneBy({ credential: card.credential, status: Not(In([...CLOSED_CARD_STATUSES])) });
    if (live) throw conflict(`${displayCredential(card.credential)} is still an active card (${live.type}); return it first`);
    const id = newId();
    await repo.insert({
      id,
      credential: card.credential,
      type: 'visitor',
      status: 'active',
      personId: card.personId,
      validFrom: card.at,
      validUntil: card.validUntil,
      levelCeilingOverride: null,
      lockdownAccess: false,
      statusChangedAt: card.at,
      requestedByUserId: card.requestedByUserId,
      approvedByUserId: card.approvedByUserId,
      issuedByUserId: card.issuedByUserId,
      replacesCardId: null,
      createdAt: card.at,
      updatedAt: card.at,
    });
    return id;
  }

  /** The visit ended: its card is handed back and deactivated, inside the sign-out's transaction. */
  async returnVisitorCard(id: string, at: number, manager: EntityManager): Promise<void> {
    await manager.getRepository(CardEntity).update({ id }, { status: 'returned', statusChangedAt: at, updatedAt: at });
  }
}
