import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import type { VisitView } from '@acs/shared/api/reception';
import { displayCredential, qrCredential } from '@acs/shared/credentials/credential';
import { CardsService } from '../cards/cards.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, invalid } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { GrantsService } from '../grants/grants.service.js';
import { PeopleService } from '../people/people.service.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import type { CheckInDto, SignOutDto } from './dto/visit.dto.js';
import { PoolCardEntity } from './reception-records.entity.js';
import { cleanItem, compareItems, credentialFromTyped, EARLY_CHECK_IN_MS } from './visit-rules.js';
import { VisitEntity } from './visit.entity.js';
import { VisitorChecks } from './visitor-checks.service.js';
import { VisitsService } from './visits.service.js';

/**
 * The guard at the counter: check-in and sign-out. A visit's card is an ordinary visitor
 * card with grants that end with the window, so the agents enforce zones and expiry with
 * the rules they already have, and the permission sync pushes it as a delta at once. The
 * person, card and grants belong to their domains; they are asked to write inside this
 * service's transaction, so a check-in or sign-out is still all or nothing.
 */
@Injectable()
export class VisitCheckInService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(PoolCardEntity) private readonly pool: Repository<PoolCardEntity>,
    private readonly records: VisitsService,
    private readonly checks: VisitorChecks,
    private readonly people: PeopleService,
    private readonly cards: CardsService,
    private readonly grants: GrantsService,
    private readonly changes: PermissionChangesService,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
  ) {}

  /**
   * The guard checks the visitor in: identity checked, items registered, a card from the
   * pool (or the invitation's QR) activated for the visit's zones until the window ends.
   */
  async checkIn(id: string, dto: CheckInDto, actor: Actor): Promise<VisitView> {
    const visit = await this.records.get(id);
    const now = this.clock.now();
    if (visit.status === 'awaiting_host') throw conflict('the host has not approved this visit yet');
    if (visit.status !== 'expected') throw conflict(`the visit is ${visit.status}`);
    if (visit.hostDecision !== 'approved') throw conflict('the host has not approved this visit yet');
    if (visit.watchlistStatus === 'pending') throw conflict('a watch-list match waits for a supervisor decision');
    if (visit.watchlistStatus === 'refused') throw conflict('a supervisor refused this visitor');
    if (now < visit.windowStart - EARLY_CHECK_IN_MS) throw conflict('the visit window has not started (check-in opens an hour before)');
    if (now >= visit.windowEnd) throw conflict('the visit window has ended');
    if (dto.identity) this.checks.recordIdentity(visit, dto.identity, actor);
    if (!visit.idCheckedAt) throw invalid('identity: record the identity document the guard checked');
    if (dto.useQr && dto.cardNumber) throw invalid('give either cardNumber (a pool card) or useQr, not both');
    if (!dto.useQr && !dto.cardNumber)
      throw invalid('cardNumber: scan or type a visitor card from the pool, or set useQr to use the invitation QR');
    const problems: string[] = [];
    if (dto.escortPersonIds) visit.escortPersonIds = await this.checks.escorts(dto.escortPersonIds, problems);
    if (problems.length) throw invalid(problems);

    let credential: string;
    let poolCard: PoolCardEntity | null = null;
    if (dto.useQr) {
      if (!visit.invitationToken) throw conflict('this visit has no invitation QR code (walk-ins get a pool card)');
      credential = qrCredential(visit.invitationToken);
    } else {
      const parsed = credentialFromTyped(dto.cardNumber!);
      if (!parsed.ok) throw invalid(parsed.error);
      credential = parsed.credential;
      poolCard = await this.pool.findOneBy({ credential });
      if (!poolCard) throw invalid(`cardNumber: ${displayCredential(credential)} is not a visitor pool card`);
      if (poolCard.status !== 'available')
        throw conflict(`pool card ${poolCard.label} is ${poolCard.status === 'issued' ? 'already lent to another visitor' : 'retired'}`);
    }

    await this.dataSource.transaction(async (m) => {
      const personId = await this.people.ensureVisitor(visit.personId, { name: visit.visitorName, company: visit.visitorCompany }, now, m);
      const cardId = await this.cards.issueVisitorCard(
        {
          credential,
          personId,
          at: now,
          validUntil: visit.windowEnd,
          requestedByUserId: visit.createdByUserId,
          approvedByUserId: visit.hostDecidedByUserId,
          issuedByUserId: actor.id,
        },
        m,
      );
      await this.grants.grantVisitZones(
        { personId, zoneIds: visit.zoneIds, validUntil: visit.windowEnd, grantedByUserId: actor.id, at: now },
        m,
      );
      if (poolCard) await m.getRepository(PoolCardEntity).update({ credential }, { status: 'issued', visitId: visit.id, updatedAt: now });
      Object.assign(visit, {
        status: 'on_site',
        personId,
        cardId,
        credential,
        credentialKind: dto.useQr ? 'qr' : 'pool',
        photoConsent: dto.photoConsent ?? false,
        items: (dto.items ?? []).map(cleanItem),
        checkedInAt: now,
        checkedInByUserId: actor.id,
        updatedAt: now,
      });
      await m.getRepository(VisitEntity).save(visit);
    });
    await this.changes.record(`visit ${visit.id} checked in`, {
      cardIds: [visit.cardId!],
      personIds: [visit.personId!],
      actorUserId: actor.id,
    });
    return this.records.publish(visit);
  }

  async signOut(id: string, dto: SignOutDto, actor: Actor): Promise<VisitView> {
    const visit = await this.records.get(id);
    if (visit.status !== 'on_site') throw conflict(`the visit is ${visit.status}, not on site`);
    const leaving = dto.items ? dto.items.map(cleanItem) : visit.items;
    const { missing, extra } = compareItems(visit.items, leaving);
    if ((missing.length || extra.length) && !dto.itemsDecision?.trim()) {
      this.signals.emit('visit.items_mismatch', {
        visitId: visit.id,
        visitorName: visit.visitorName,
        missing: missing.map((i) => i.description),
        extra: extra.map((i) => i.description),
        at: this.clock.now(),
      });
      throw conflict(
        `items differ from check-in (missing: ${missing.map((i) => i.description).join(', ') || 'none'}; extra: ${extra.map((i) => i.description).join(', ') || 'none'}): record the guard's decision in itemsDecision`,
      );
    }
    visit.itemsAtSignout = leaving;
    visit.itemsDecision = missing.length || extra.length ? dto.itemsDecision!.trim() : null;
    await this.endVisit(visit, 'guard', null, actor.id);
    return this.records.publish(visit);
  }

  /** Ends the visit: card returned (to the pool) and deactivated everywhere, grants ended. */
  async endVisit(visit: VisitEntity, kind: 'guard' | 'end_of_day', reason: string | null, actorUserId: string | null): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      if (visit.cardId) await this.cards.returnVisitorCard(visit.cardId, now, m);
      if (visit.personId) await this.grants.endVisitGrants(visit.personId, now, m);
      if (visit.credentialKind === 'pool' && visit.credential) {
        await m
          .getRepository(PoolCardEntity)
          .update({ credential: visit.credential, visitId: visit.id }, { status: 'available', visitId: null, updatedAt: now });
      }
      Object.assign(visit, {
        status: 'signed_out',
        signedOutAt: now,
        signedOutByUserId: actorUserId,
        signoutKind: kind,
        signoutReason: reason,
        updatedAt: now,
      });
      await m.getRepository(VisitEntity).save(visit);
    });
    if (visit.cardId) {
      await this.changes.record(`visit ${visit.id} signed out`, {
        cardIds: [visit.cardId],
        personIds: visit.personId ? [visit.personId] : [],
        revokes: true,
        actorUserId,
      });
    }
  }
}
