import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { VisitView } from '@acs/shared/api/reception';
import type { Actor } from '../common/actor.js';
import { conflict, forbidden, invalid } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import { newId } from '../common/ids.js';
import { PeopleService } from '../people/people.service.js';
import { ZonesService } from '../zones/zones.service.js';
import type { CreateVisitDto, DecisionDto, WatchlistDecisionDto } from './dto/visit.dto.js';
import { bestMatch } from './name-match.js';
import { WatchlistEntryEntity } from './reception-records.entity.js';
import { MAX_WINDOW_MS } from './visit-rules.js';
import { VisitEntity } from './visit.entity.js';
import { VisitorChecks } from './visitor-checks.service.js';
import { VisitsService } from './visits.service.js';

/**
 * A visit from invitation or walk-in up to arrival (docs/product-rules.md#visitor-registration): the host's approval,
 * a supervisor's decision on a watch-list match, or cancellation before the visitor comes.
 */
@Injectable()
export class VisitRegistrationService {
  constructor(
    @InjectRepository(VisitEntity) private readonly visits: Repository<VisitEntity>,
    @InjectRepository(WatchlistEntryEntity) private readonly watchlist: Repository<WatchlistEntryEntity>,
    private readonly records: VisitsService,
    private readonly checks: VisitorChecks,
    private readonly people: PeopleService,
    private readonly zones: ZonesService,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
  ) {}

  /** A host (or staff on a host's behalf) invites a visitor: the visit waits for arrival. */
  async preRegister(dto: CreateVisitDto, actor: Actor): Promise<VisitView> {
    const hostPersonId = dto.hostPersonId ?? actor.personId;
    if (!hostPersonId) throw invalid('hostPersonId: name the employee the visitor comes to see');
    if (actor.role === 'employee' && hostPersonId !== actor.personId) throw forbidden('an employee invites visitors to see themselves');
    const now = this.clock.now();
    const windowStart = dto.windowStart ?? now;
    const visit = await this.newVisit(dto, hostPersonId, windowStart, 'invitation', actor);
    // The host inviting is the host's approval; staff inviting on a host's behalf still needs it.
    if (hostPersonId === actor.personId)
      Object.assign(visit, { hostDecision: 'approved', hostDecidedByUserId: actor.id, hostDecidedAt: now });
    visit.invitationToken = randomBytes(15).toString('hex');
    await this.visits.insert(visit);
    return this.records.publish(visit);
  }

  /** The guard registers a visitor at the counter; the host is told at once and approves. */
  async registerWalkIn(dto: CreateVisitDto, actor: Actor): Promise<VisitView> {
    if (!dto.hostPersonId) throw invalid('hostPersonId: name the employee the visitor comes to see');
    const visit = await this.newVisit(dto, dto.hostPersonId, dto.windowStart ?? this.clock.now(), 'walk_in', actor);
    visit.status = 'awaiting_host';
    if (dto.identity) this.checks.recordIdentity(visit, dto.identity, actor);
    await this.visits.insert(visit);
    return this.records.publish(visit);
  }

  private async newVisit(
    dto: CreateVisitDto,
    hostPersonId: string,
    windowStart: number,
    source: VisitEntity['source'],
    actor: Actor,
  ): Promise<VisitEntity> {
    const now = this.clock.now();
    const problems: string[] = [];
    if (dto.windowEnd <= windowStart) problems.push('windowEnd must be after windowStart');
    if (dto.windowEnd <= now) problems.push('windowEnd must be in the future');
    if (dto.windowEnd - windowStart > MAX_WINDOW_MS) problems.push('a visit lasts at most 14 days; longer stays need a contractor card');
    if (!dto.visitorName.trim()) problems.push('visitorName must not be blank');
    if (!dto.purpose.trim()) problems.push('purpose must not be blank');
    const [host] = await this.people.summaries([hostPersonId]);
    if (!host) problems.push(`hostPersonId: person ${hostPersonId} does not exist`);
    else if (host.kind !== 'employee' || host.status !== 'active') problems.push('hostPersonId: the host must be an active employee');
    const zoneIds = [...new Set(dto.zoneIds)];
    const found = await this.zones.summaries(zoneIds);
    for (const id of zoneIds) if (!found.some((z) => z.id === id)) problems.push(`zoneIds: zone ${id} does not exist`);
    const escorts = await this.checks.escorts(dto.escortPersonIds ?? [], problems);
    if (problems.length) throw invalid(problems);
    const match = bestMatch(dto.visitorName, await this.watchlist.findBy({ active: true }));
    const visit: VisitEntity = Object.assign(new VisitEntity(), {
      id: newId(),
      status: 'expected',
      source,
      visitorName: dto.visitorName.trim(),
      visitorCompany: dto.visitorCompany?.trim() || null,
      visitorPhone: dto.visitorPhone?.trim() || null,
      hostPersonId,
      purpose: dto.purpose.trim(),
      zoneIds,
      windowStart,
      windowEnd: dto.windowEnd,
      invitationToken: null,
      hostDecision: null,
      hostDecidedByUserId: null,
      hostDecidedAt: null,
      hostNote: null,
      watchlistStatus: match ? 'pending' : 'clear',
      watchlistEntryId: match?.entry.id ?? null,
      watchlistScore: match ? Math.round(match.score * 1000) / 1000 : null,
      watchlistDecidedByUserId: null,
      watchlistNote: null,
      idDocumentType: null,
      idNumberMasked: null,
      idNumberHash: null,
      idCheckedByUserId: null,
      idCheckedAt: null,
      photoConsent: false,
      photo: null,
      escortPersonIds: escorts,
      items: [],
      itemsAtSignout: null,
      itemsDecision: null,
      personId: null,
      cardId: null,
      credentialKind: null,
      credential: null,
      checkedInAt: null,
      checkedInByUserId: null,
      signedOutAt: null,
      signedOutByUserId: null,
      signoutKind: null,
      signoutReason: null,
      overstayAt: null,
      anonymisedAt: null,
      createdByUserId: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    if (match) {
      this.signals.emit('visit.watchlist_match', {
        visitId: visit.id,
        visitorName: visit.visitorName,
        entryId: match.entry.id,
        score: match.score,
        decision: 'pending',
        at: now,
      });
    }
    return visit;
  }

  // ---- decisions ----------------------------------------------------------------------

  async hostDecision(id: string, dto: DecisionDto, actor: Actor): Promise<VisitView> {
    const visit = await this.records.get(id);
    const isHost = actor.personId !== null && actor.personId === visit.hostPersonId;
    if (!isHost && actor.role !== 'admin') throw forbidden('only the host (or an admin) approves a visit');
    if (visit.hostDecision !== null) throw conflict(`the host already ${visit.hostDecision} this visit`);
    if (visit.status !== 'awaiting_host' && visit.status !== 'expected') throw conflict(`the visit is ${visit.status}`);
    const now = this.clock.now();
    Object.assign(visit, {
      hostDecision: dto.decision,
      hostDecidedByUserId: actor.id,
      hostDecidedAt: now,
      hostNote: dto.note?.trim() || null,
      status: dto.decision === 'approved' ? 'expected' : 'denied',
      updatedAt: now,
    });
    await this.visits.save(visit);
    return this.records.publish(visit);
  }

  /** A watch-list match is decided by a supervisor (an admin), never by the guard at the counter. */
  async watchlistDecision(id: string, dto: WatchlistDecisionDto, actor: Actor): Promise<VisitView> {
    const visit = await this.records.get(id);
    if (visit.watchlistStatus !== 'pending') throw conflict('this visit has no watch-list match waiting for a decision');
    const now = this.clock.now();
    Object.assign(visit, {
      watchlistStatus: dto.decision,
      watchlistDecidedByUserId: actor.id,
      watchlistNote: dto.note.trim(),
      updatedAt: now,
      ...(dto.decision === 'refused' ? { status: 'denied' } : {}),
    });
    await this.visits.save(visit);
    this.signals.emit('visit.watchlist_match', {
      visitId: visit.id,
      visitorName: visit.visitorName,
      entryId: visit.watchlistEntryId!,
      score: visit.watchlistScore ?? 0,
      decision: dto.decision,
      at: now,
    });
    return this.records.publish(visit);
  }

  async cancel(id: string, actor: Actor): Promise<VisitView> {
    const visit = await this.records.get(id);
    const isHost = actor.personId !== null && actor.personId === visit.hostPersonId;
    if (actor.role === 'employee' && !isHost) throw forbidden('only the host cancels their visit');
    if (visit.status !== 'expected' && visit.status !== 'awaiting_host')
      throw conflict(`a visit that is ${visit.status} cannot be cancelled`);
    Object.assign(visit, {
      status: 'cancelled',
      signoutReason: `cancelled by ${actor.displayName || actor.username}`,
      updatedAt: this.clock.now(),
    });
    await this.visits.save(visit);
    return this.records.publish(visit);
  }
}
