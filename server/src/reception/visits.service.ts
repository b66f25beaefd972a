import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Between, DataSource, In, IsNull, LessThan, Not, type Repository } from 'typeorm';
import {
  invitationCode,
  PHOTO_MAX_BYTES,
  type ReceptionSettingsView,
  type VisitorItem,
  type VisitStatus,
  type VisitView,
} from '@acs/shared/api/reception';
import type { Locale } from '@acs/shared/api/users';
import { displayCredential, isValidCredential, qrCredential } from '@acs/shared/credentials/credential';
import { credentialFromCardNumber } from '@acs/shared/credentials/card-number';
import { UserEntity } from '../auth/user.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { CardEntity, CLOSED_CARD_STATUSES } from '../cards/card.entity.js';
import type { Actor } from '../common/actor.js';
import { conflict, forbidden, invalid, notFound } from '../common/api-exception.js';
import { checkPeriodOrder, resolvePeriod } from '../common/period.query.js';
import { SerialWork } from '../common/serial-work.js';
import { Clock } from '../common/clock.js';
import { formatSiteTime, toCsv } from '../common/csv.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import type { ReceivedFile, UploadRule } from '../common/file-upload.js';
import { newId } from '../common/ids.js';
import { reportLabels, withTimeZone } from '../common/report-labels.js';
import { nextLocalTime, startOfLocalDay } from '../common/site-time.js';
import { loadUserRefs } from '../common/user-refs.js';
import { GrantEntity } from '../grants/grant.entity.js';
import { JobLeases } from '../jobs/job-leases.service.js';
import { PersonEntity } from '../people/person.entity.js';
import { ReaderKeyVault } from '../readers/reader-key-vault.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import { SiteService } from '../site/site.service.js';
import { SITE_ROW_ID, SiteSettingsEntity } from '../site/site-settings.entity.js';
import { ZoneEntity } from '../zones/zone.entity.js';
import type { CheckInDto, CreateVisitDto, DecisionDto, IdentityCheckDto, ListVisitsQuery, ReceptionSettingsDto, SignOutDto, WatchlistDecisionDto } from './dto/visit.dto.js';
import { hashIdNumber, maskIdNumber } from './identity.js';
import { bestMatch } from './name-match.js';
import { PoolCardEntity, WatchlistEntryEntity } from './reception-records.entity.js';
import { VisitEntity } from './visit.entity.js';

export const DEFAULT_RECEPTION_SETTINGS: ReceptionSettingsView = { endOfDay: '23:00', retentionDays: 180 };
/** Longest visit one registration may cover; longer stays are contractors with cards. */
const MAX_WINDOW_MS = 14 * 24 * 3_600_000;
/** A visitor may be checked in this long before the window opens (early arrivals). */
const EARLY_CHECK_IN_MS = 60 * 60_000;
/**
 * The dashboard shrinks a phone photo to 800 px (100-200 KB as JPEG) before sending; 1 MB
 * leaves room for a camera or client that sends its own smaller file.
 */
export const PHOTO_UPLOAD: UploadRule = { field: 'photo', maxBytes: PHOTO_MAX_BYTES, kinds: ['jpeg', 'png', 'webp'], required: true };
const SWEEP_INTERVAL_MS = 30_000;
const ANONYMISED_NAME = '(anonymised)';

/** What a guard scans or types for a pool card, as a canonical credential. */
export function credentialFromTyped(input: string): { ok: true; credential: string } | { ok: false; error: string } {
  const text = input.trim();
  if (isValidCredential(text)) return { ok: true, credential: text };
  if (/^\d{1,10}$/.test(text)) return credentialFromCardNumber('em4100', text);
  if (/^\d{1,3}\s*[,:]\s*\d{1,5}$/.test(text)) return credentialFromCardNumber('h10301', text);
  if (/^[0-9a-fA-F:\s-]{8,}$/.test(text)) return credentialFromCardNumber('uid', text);
  return { ok: false, error: 'cardNumber: scan the card, or type its 10-digit number, FC:CN or chip UID' };
}

/** Items compare by kind and serial (or description when there is no serial), case and spaces aside. */
function itemKey(item: VisitorItem): string {
  const id = (item.serial?.trim() || item.description).normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return `${item.kind}\u0000${id}`;
}

export function compareItems(before: readonly VisitorItem[], after: readonly VisitorItem[]): { missing: VisitorItem[]; extra: VisitorItem[] } {
  const remaining = new Map<string, VisitorItem[]>();
  for (const item of before) remaining.set(itemKey(item), [...(remaining.get(itemKey(item)) ?? []), item]);
  const extra: VisitorItem[] = [];
  for (const item of after) {
    const list = remaining.get(itemKey(item));
    if (list?.length) list.pop();
    else extra.push(item);
  }
  return { missing: [...remaining.values()].flat(), extra };
}

/**
 * The visitor procedure of requirements §2, from pre-registration or walk-in to sign-out
 * and, after the retention period, anonymisation. A visit's card is an ordinary visitor
 * card with grants that end with the window, so the agents enforce zones and expiry with
 * the rules they already have, and the permission sync pushes it as a delta at once.
 */
@Injectable()
export class VisitsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Visits');
  private readonly sweeps = new SerialWork(this.logger, 'visit sweep');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(VisitEntity) private readonly visits: Repository<VisitEntity>,
    @InjectRepository(WatchlistEntryEntity) private readonly watchlist: Repository<WatchlistEntryEntity>,
    @InjectRepository(PoolCardEntity) private readonly pool: Repository<PoolCardEntity>,
    @InjectRepository(PersonEntity) private readonly people: Repository<PersonEntity>,
    @InjectRepository(ZoneEntity) private readonly zones: Repository<ZoneEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(SiteSettingsEntity) private readonly siteRepo: Repository<SiteSettingsEntity>,
    private readonly site: SiteService,
    private readonly changes: PermissionChangesService,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeGateway,
    private readonly signals: DomainSignalBus,
    private readonly vault: ReaderKeyVault,
    private readonly clock: Clock,
    private readonly jobs: JobLeases,
  ) {}

  onModuleInit(): void {
    this.jobs.every(this.sweeps, 'visit-sweep', SWEEP_INTERVAL_MS, () => this.sweep(this.clock.now()));
  }

  onModuleDestroy(): Promise<void> {
    return this.sweeps.stop();
  }

  // ---- registration -------------------------------------------------------------------

  /** A host (or staff on a host's behalf) invites a visitor: the visit waits for arrival. */
  async preRegister(dto: CreateVisitDto, actor: Actor): Promise<VisitView> {
    const hostPersonId = dto.hostPersonId ?? actor.personId;
    if (!hostPersonId) throw invalid('hostPersonId: name the employee the visitor comes to see');
    if (actor.role === 'employee' && hostPersonId !== actor.personId) throw forbidden('an employee invites visitors to see themselves');
    const now = this.clock.now();
    const windowStart = dto.windowStart ?? now;
    const visit = await this.newVisit(dto, hostPersonId, windowStart, 'invitation', actor);
    // The host inviting is the host's approval; staff inviting on a host's behalf still needs it.
    if (hostPersonId === actor.personId) Object.assign(visit, { hostDecision: 'approved', hostDecidedByUserId: actor.id, hostDecidedAt: now });
    visit.invitationToken = randomBytes(15).toString('hex');
    await this.visits.insert(visit);
    return this.publish(visit);
  }

  /** The guard registers a visitor at the counter; the host is told at once and approves. */
  async registerWalkIn(dto: CreateVisitDto, actor: Actor): Promise<VisitView> {
    if (!dto.hostPersonId) throw invalid('hostPersonId: name the employee the visitor comes to see');
    const visit = await this.newVisit(dto, dto.hostPersonId, dto.windowStart ?? this.clock.now(), 'walk_in', actor);
    visit.status = 'awaiting_host';
    if (dto.identity) this.recordIdentity(visit, dto.identity, actor);
    await this.visits.insert(visit);
    return this.publish(visit);
  }

  private async newVisit(dto: CreateVisitDto, hostPersonId: string, windowStart: number, source: VisitEntity['source'], actor: Actor): Promise<VisitEntity> {
    const now = this.clock.now();
    const problems: string[] = [];
    if (dto.windowEnd <= windowStart) problems.push('windowEnd must be after windowStart');
    if (dto.windowEnd <= now) problems.push('windowEnd must be in the future');
    if (dto.windowEnd - windowStart > MAX_WINDOW_MS) problems.push('a visit lasts at most 14 days; longer stays need a contractor card');
    if (!dto.visitorName.trim()) problems.push('visitorName must not be blank');
    if (!dto.purpose.trim()) problems.push('purpose must not be blank');
    const host = await this.people.findOneBy({ id: hostPersonId });
    if (!host) problems.push(`hostPersonId: person ${hostPersonId} does not exist`);
    else if (host.kind !== 'employee' || host.status !== 'active') problems.push('hostPersonId: the host must be an active employee');
    const zoneIds = [...new Set(dto.zoneIds)];
    const found = await this.zones.findBy({ id: In(zoneIds) });
    for (const id of zoneIds) if (!found.some((z) => z.id === id)) problems.push(`zoneIds: zone ${id} does not exist`);
    const escorts = await this.checkEscorts(dto.escortPersonIds ?? [], problems);
    if (problems.length) throw invalid(problems);
    const match = bestMatch(dto.visitorName, await this.watchlist.findBy({ active: true }));
    const visit: VisitEntity = Object.assign(new VisitEntity(), {
      id: newId(),
      status: 'expected' as VisitStatus,
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
      this.signals.emit('visit.watchlist_match', { visitId: visit.id, visitorName: visit.visitorName, entryId: match.entry.id, score: match.score, decision: 'pending', at: now });
    }
    return visit;
  }

  private async checkEscorts(ids: readonly string[], problems: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const found = await this.people.findBy({ id: In(unique) });
    for (const id of unique) {
      const person = found.find((p) => p.id === id);
      if (!person) problems.push(`escortPersonIds: person ${id} does not exist`);
      else if (person.kind !== 'employee' || person.status !== 'active') problems.push(`escortPersonIds: ${person.name} is not an active employee`);
    }
    return unique;
  }

  private recordIdentity(visit: VisitEntity, identity: IdentityCheckDto, actor: Actor): void {
    const key = this.vault.derive('visitor-id-number');
    visit.idDocumentType = identity.idDocumentType;
    visit.idNumberMasked = maskIdNumber(identity.idNumber);
    // Without the master key (production not configured) only the masked form is kept.
    visit.idNumberHash = key ? hashIdNumber(identity.idNumber, key) : null;
    visit.idCheckedByUserId = actor.id;
    visit.idCheckedAt = this.clock.now();
  }

  // ---- decisions ----------------------------------------------------------------------

  async hostDecision(id: string, dto: DecisionDto, actor: Actor): Promise<VisitView> {
    const visit = await this.get(id);
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
    return this.publish(visit);
  }

  /** A watch-list match is decided by a supervisor (an admin), never by the guard at the counter. */
  async watchlistDecision(id: string, dto: WatchlistDecisionDto, actor: Actor): Promise<VisitView> {
    const visit = await this.get(id);
    if (visit.watchlistStatus !== 'pending') throw conflict('this visit has no watch-list match waiting for a decision');
    const now = this.clock.now();
    Object.assign(visit, {
      watchlistStatus: dto.decision,
      watchlistDecidedByUserId: actor.id,
      watchlistNote: dto.note.trim(),
      updatedAt: now,
      ...(dto.decision === 'refused' ? { status: 'denied' as VisitStatus } : {}),
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
    return this.publish(visit);
  }

  async cancel(id: string, actor: Actor): Promise<VisitView> {
    const visit = await this.get(id);
    const isHost = actor.personId !== null && actor.personId === visit.hostPersonId;
    if (actor.role === 'employee' && !isHost) throw forbidden('only the host cancels their visit');
    if (visit.status !== 'expected' && visit.status !== 'awaiting_host') throw conflict(`a visit that is ${visit.status} cannot be cancelled`);
    Object.assign(visit, { status: 'cancelled', signoutReason: `cancelled by ${actor.displayName || actor.username}`, updatedAt: this.clock.now() });
    await this.visits.save(visit);
    return this.publish(visit);
  }

  // ---- check-in and sign-out ----------------------------------------------------------

  /**
   * The guard checks the visitor in: identity checked, items registered, a card from the
   * pool (or the invitation's QR) activated for the visit's zones until the window ends.
   */
  async checkIn(id: string, dto: CheckInDto, actor: Actor): Promise<VisitView> {
    const visit = await this.get(id);
    const now = this.clock.now();
    if (visit.status === 'awaiting_host') throw conflict('the host has not approved this visit yet');
    if (visit.status !== 'expected') throw conflict(`the visit is ${visit.status}`);
    if (visit.hostDecision !== 'approved') throw conflict('the host has not approved this visit yet');
    if (visit.watchlistStatus === 'pending') throw conflict('a watch-list match waits for a supervisor decision');
    if (visit.watchlistStatus === 'refused') throw conflict('a supervisor refused this visitor');
    if (now < visit.windowStart - EARLY_CHECK_IN_MS) throw conflict('the visit window has not started (check-in opens an hour before)');
    if (now >= visit.windowEnd) throw conflict('the visit window has ended');
    if (dto.identity) this.recordIdentity(visit, dto.identity, actor);
    if (!visit.idCheckedAt) throw invalid('identity: record the identity document the guard checked');
    if (dto.useQr && dto.cardNumber) throw invalid('give either cardNumber (a pool card) or useQr, not both');
    if (!dto.useQr && !dto.cardNumber) throw invalid('cardNumber: scan or type a visitor card from the pool, or set useQr to use the invitation QR');
    const problems: string[] = [];
    if (dto.escortPersonIds) visit.escortPersonIds = await this.checkEscorts(dto.escortPersonIds, problems);
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
      if (poolCard.status !== 'available') throw conflict(`pool card ${poolCard.label} is ${poolCard.status === 'issued' ? 'already lent to another visitor' : 'retired'}`);
    }

    await this.dataSource.transaction(async (m) => {
      const person = visit.personId ? await m.getRepository(PersonEntity).findOneBy({ id: visit.personId }) : null;
      const personId = person?.id ?? newId();
      if (!person) {
        await m.getRepository(PersonEntity).insert({ id: personId, name: visit.visitorName, kind: 'visitor', department: visit.visitorCompany, email: null, status: 'active', departedAt: null, departureVersion: null, createdAt: now, updatedAt: now });
      }
      const live = await m.getRepository(CardEntity).findOneBy({ credential, status: Not(In([...CLOSED_CARD_STATUSES])) });
      if (live) throw conflict(`${displayCredential(credential)} is still an active card (${live.type}); return it first`);
      const cardId = newId();
      await m.getRepository(CardEntity).insert({
        id: cardId,
        credential,
        type: 'visitor',
        status: 'active',
        personId,
        validFrom: now,
        validUntil: visit.windowEnd,
        levelCeilingOverride: null,
        lockdownAccess: false,
        statusChangedAt: now,
        requestedByUserId: visit.createdByUserId,
        approvedByUserId: visit.hostDecidedByUserId,
        issuedByUserId: actor.id,
        replacesCardId: null,
        createdAt: now,
        updatedAt: now,
      });
      await m.getRepository(GrantEntity).insert(
        visit.zoneIds.map((zoneId) => ({ id: newId(), personId, zoneId, scheduleId: null, validUntil: visit.windowEnd, createdAt: now, revokedAt: null, revokedReason: null, grantedByUserId: actor.id })),
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
    await this.changes.record(`visit ${visit.id} checked in`, { cardIds: [visit.cardId!], personIds: [visit.personId!], actorUserId: actor.id });
    return this.publish(visit);
  }

  async signOut(id: string, dto: SignOutDto, actor: Actor): Promise<VisitView> {
    const visit = await this.get(id);
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
    await this.close(visit, 'guard', null, actor.id);
    return this.publish(visit);
  }

  /** Ends the visit: card returned (to the pool) and deactivated everywhere, grants ended. */
  private async close(visit: VisitEntity, kind: 'guard' | 'end_of_day', reason: string | null, actorUserId: string | null): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      if (visit.cardId) await m.getRepository(CardEntity).update({ id: visit.cardId }, { status: 'returned', statusChangedAt: now, updatedAt: now });
      if (visit.personId) await m.getRepository(GrantEntity).update({ personId: visit.personId, revokedAt: IsNull() }, { revokedAt: now, revokedReason: 'visit_ended' });
      if (visit.credentialKind === 'pool' && visit.credential) {
        await m.getRepository(PoolCardEntity).update({ credential: visit.credential, visitId: visit.id }, { status: 'available', visitId: null, updatedAt: now });
      }
      Object.assign(visit, { status: 'signed_out', signedOutAt: now, signedOutByUserId: actorUserId, signoutKind: kind, signoutReason: reason, updatedAt: now });
      await m.getRepository(VisitEntity).save(visit);
    });
    if (visit.cardId) {
      await this.changes.record(`visit ${visit.id} signed out`, { cardIds: [visit.cardId], personIds: visit.personId ? [visit.personId] : [], revokes: true, actorUserId });
    }
  }

  // ---- the sweep: overstay, end of day, no-shows, anonymisation -----------------------

  /** One pass of the time rules; the timer runs it every 30 s and tests call it with their clock. */
  async sweep(now: number): Promise<{ overstays: number; signedOut: number; cancelled: number; anonymised: number }> {
    const site = await this.site.get();
    const settings = { ...DEFAULT_RECEPTION_SETTINGS, ...(site.reception ?? {}) };
    let overstays = 0;
    let signedOut = 0;
    for (const visit of await this.visits.find({ where: { status: 'on_site', windowEnd: LessThan(now) } })) {
      if (now >= nextLocalTime(site.timeZone, visit.windowEnd, settings.endOfDay)) {
        const reason = `end-of-day sign-out at ${settings.endOfDay}: still signed in ${formatSiteTime(visit.windowEnd, site.timeZone)} after the visit window`;
        await this.close(visit, 'end_of_day', reason, null);
        await this.audit.record({ action: 'visit.forced_signout', entityType: 'visit', entityId: visit.id, detail: reason });
        this.signals.emit('visit.forced_signout', { visitId: visit.id, visitorName: visit.visitorName, reason, at: now });
        await this.publish(visit);
        signedOut += 1;
      } else if (visit.overstayAt === null) {
        await this.visits.update({ id: visit.id }, { overstayAt: now, updatedAt: now });
        visit.overstayAt = now;
        this.signals.emit('visit.overstay', { visitId: visit.id, visitorName: visit.visitorName, hostPersonId: visit.hostPersonId, windowEnd: visit.windowEnd, at: now });
        await this.publish(visit);
        overstays += 1;
      }
    }
    let cancelled = 0;
    for (const visit of await this.visits.find({ where: { status: In(['expected', 'awaiting_host']), windowEnd: LessThan(now) } })) {
      Object.assign(visit, { status: 'cancelled', signoutReason: 'did not arrive before the visit window ended', updatedAt: now });
      await this.visits.save(visit);
      cancelled += 1;
    }
    const anonymised = await this.anonymise(now - settings.retentionDays * 86_400_000);
    return { overstays, signedOut, cancelled, anonymised };
  }

  /** Personal data of visits that ended before `cutoff` is removed; the visit, card and events stay. */
  private async anonymise(cutoff: number): Promise<number> {
    const due = await this.visits.find({
      where: { status: In(['signed_out', 'cancelled', 'denied']), anonymisedAt: IsNull(), windowEnd: LessThan(cutoff) },
      take: 500,
    });
    const now = this.clock.now();
    for (const visit of due) {
      await this.dataSource.transaction(async (m) => {
        await m.getRepository(VisitEntity).update(
          { id: visit.id },
          {
            visitorName: ANONYMISED_NAME,
            visitorCompany: null,
            visitorPhone: null,
            photo: null,
            idNumberMasked: null,
            idNumberHash: null,
            items: visit.items.map((i) => ({ kind: i.kind, description: i.kind, serial: null })),
            itemsAtSignout: visit.itemsAtSignout?.map((i) => ({ kind: i.kind, description: i.kind, serial: null })) ?? null,
            anonymisedAt: now,
            updatedAt: now,
          },
        );
        if (visit.personId) await m.getRepository(PersonEntity).update({ id: visit.personId }, { name: ANONYMISED_NAME, department: null, updatedAt: now });
      });
    }
    if (due.length) await this.audit.record({ action: 'visit.anonymise', entityType: 'visit', entityId: null, detail: `${due.length} visits ended before ${new Date(cutoff).toISOString()}` });
    return due.length;
  }

  // ---- reading ------------------------------------------------------------------------

  async get(id: string): Promise<VisitEntity> {
    const visit = await this.visits.findOneBy({ id });
    if (!visit) throw notFound(`visit ${id}`);
    return visit;
  }

  async detail(id: string, actor: Actor): Promise<VisitView> {
    const visit = await this.get(id);
    if (actor.role === 'employee' && visit.hostPersonId !== actor.personId) throw notFound(`visit ${id}`);
    return (await this.views([visit]))[0]!;
  }

  /**
   * The visitor's photo (`file` has passed the upload check of PHOTO_UPLOAD): while on site,
   * and only with the consent recorded at check-in. A new photo replaces the old one.
   */
  async setPhoto(id: string, file: ReceivedFile): Promise<VisitView> {
    const visit = await this.get(id);
    if (visit.status !== 'on_site') throw conflict(`the visit is ${visit.status}; the photo is taken once the visitor is checked in`);
    if (!visit.photoConsent) throw invalid('photo: a photo is kept only with the visitor\'s recorded consent (check in with photoConsent: true)');
    // A data URL as before, so photos stored earlier and GET …/photo stay as they are.
    Object.assign(visit, { photo: `data:${file.mimetype};base64,${file.buffer.toString('base64')}`, updatedAt: this.clock.now() });
    await this.visits.save(visit);
    return this.publish(visit);
  }

  async photo(id: string): Promise<string | null> {
    return (await this.get(id)).photo;
  }

  async list(query: ListVisitsQuery, actor: Actor): Promise<VisitView[]> {
    const scope = actor.role === 'employee' ? 'mine' : (query.scope ?? 'today');
    const site = await this.site.get();
    const now = this.clock.now();
    let rows: VisitEntity[];
    if (scope === 'mine') {
      if (!actor.personId) return [];
      rows = await this.visits.find({ where: { hostPersonId: actor.personId }, order: { windowStart: 'DESC' }, take: 200 });
    } else if (scope === 'active') {
      rows = await this.visits.find({ where: { status: 'on_site' }, order: { checkedInAt: 'ASC' } });
    } else if (scope === 'pending') {
      rows = await this.visits.find({ where: [{ status: 'awaiting_host' }, { watchlistStatus: 'pending', status: Not(In(['denied', 'cancelled'])) }], order: { createdAt: 'ASC' } });
    } else if (scope === 'today') {
      const start = startOfLocalDay(site.timeZone, now);
      rows = await this.visits.find({
        where: [{ windowStart: Between(start, start + 86_400_000) }, { status: In(['on_site', 'awaiting_host']) }, { status: 'expected', windowStart: LessThan(start + 86_400_000) }],
        order: { windowStart: 'ASC' },
      });
    } else {
      const { from, to } = resolvePeriod(query, 30, now);
      rows = await this.visits.find({ where: { windowStart: Between(from, to) }, order: { windowStart: 'DESC' }, take: 2000 });
    }
    if (query.q?.trim()) {
      const q = query.q.trim().toLowerCase();
      rows = rows.filter((v) => v.visitorName.toLowerCase().includes(q) || (v.visitorCompany ?? '').toLowerCase().includes(q));
    }
    return this.views(rows);
  }

  /** The visitor log for a period as CSV, in the reader's language and the site's time. */
  async exportCsv(from: number, to: number, locale: Locale): Promise<{ filename: string; csv: string }> {
    checkPeriodOrder({ from, to });
    const site = await this.site.get();
    const tz = site.timeZone;
    const L = reportLabels(locale).visits;
    const rows = await this.visits.find({ where: { checkedInAt: Between(from, to) }, order: { checkedInAt: 'ASC' } });
    const views = await this.views(rows);
    const csv = toCsv(
      [L.visitor, L.company, L.host, L.purpose, L.zones, withTimeZone(L.windowStart, tz), withTimeZone(L.windowEnd, tz), withTimeZone(L.checkedIn, tz), L.checkedInBy, withTimeZone(L.signedOut, tz), L.signedOutBy, L.signoutKind, L.reason, L.card, L.idDocument, L.items, L.itemsDecision],
      views.map((v) => [
        v.visitorName,
        v.visitorCompany,
        v.hostName,
        v.purpose,
        v.zoneIds.join(' '),
        formatSiteTime(v.windowStart, tz),
        formatSiteTime(v.windowEnd, tz),
        formatSiteTime(v.checkedInAt, tz),
        v.checkedInBy,
        formatSiteTime(v.signedOutAt, tz),
        v.signedOutBy,
        v.signoutKind ? L.signoutKinds[v.signoutKind] : v.status === 'on_site' ? L.onSite : '',
        v.signoutReason,
        v.credentialDisplay,
        v.idNumberMasked ? `${v.idDocumentType} ${v.idNumberMasked}` : '',
        v.items.map((i) => `${i.kind}: ${i.description}${i.serial ? ` (${i.serial})` : ''}`).join('; '),
        v.itemsDecision,
      ]),
    );
    await this.audit.record({ action: 'report.export', entityType: 'visit', entityId: null, detail: `visitor log ${new Date(from).toISOString()} – ${new Date(to).toISOString()}: ${views.length} visits` });
    return { filename: `visitor-log-${formatSiteTime(from, tz).slice(0, 10)}-${formatSiteTime(to, tz).slice(0, 10)}.csv`, csv };
  }

  async settings(): Promise<ReceptionSettingsView> {
    return { ...DEFAULT_RECEPTION_SETTINGS, ...((await this.site.get()).reception ?? {}) };
  }

  async updateSettings(dto: ReceptionSettingsDto): Promise<ReceptionSettingsView> {
    const next = { ...(await this.settings()), ...(dto.endOfDay ? { endOfDay: dto.endOfDay } : {}), ...(dto.retentionDays ? { retentionDays: dto.retentionDays } : {}) };
    // Only this column: the permission version on the same row is raised concurrently.
    await this.siteRepo.update({ id: SITE_ROW_ID }, { reception: next, updatedAt: this.clock.now() });
    return next;
  }

  async views(rows: readonly VisitEntity[]): Promise<VisitView[]> {
    const personIds = new Set<string>();
    for (const v of rows) {
      personIds.add(v.hostPersonId);
      for (const e of v.escortPersonIds) personIds.add(e);
    }
    const people = new Map((personIds.size ? await this.people.find({ select: { id: true, name: true }, where: { id: In([...personIds]) } }) : []).map((p) => [p.id, p.name]));
    const entryIds = [...new Set(rows.map((v) => v.watchlistEntryId).filter((id): id is string => id !== null))];
    const entries = new Map((entryIds.length ? await this.watchlist.findBy({ id: In(entryIds) }) : []).map((e) => [e.id, e]));
    const refs = await loadUserRefs(
      this.users,
      rows.flatMap((v) => [v.hostDecidedByUserId, v.watchlistDecidedByUserId, v.idCheckedByUserId, v.checkedInByUserId, v.signedOutByUserId, v.createdByUserId]),
    );
    const name = (id: string | null) => (id ? (refs.get(id)?.name ?? id) : null);
    return rows.map((v) => {
      const entry = v.watchlistEntryId ? entries.get(v.watchlistEntryId) : undefined;
      return {
        id: v.id,
        status: v.status,
        source: v.source,
        visitorName: v.visitorName,
        visitorCompany: v.visitorCompany,
        visitorPhone: v.visitorPhone,
        hostPersonId: v.hostPersonId,
        hostName: people.get(v.hostPersonId) ?? v.hostPersonId,
        purpose: v.purpose,
        zoneIds: v.zoneIds,
        windowStart: v.windowStart,
        windowEnd: v.windowEnd,
        invitationCode: v.invitationToken && v.status === 'expected' ? invitationCode(v.invitationToken) : null,
        hostDecision: v.hostDecision,
        hostDecidedBy: name(v.hostDecidedByUserId),
        hostDecidedAt: v.hostDecidedAt,
        hostNote: v.hostNote,
        watchlist: v.watchlistStatus,
        watchlistMatch: entry ? { entryId: entry.id, name: entry.name, list: entry.list, reason: entry.reason, score: v.watchlistScore ?? 0 } : null,
        watchlistDecidedBy: name(v.watchlistDecidedByUserId),
        watchlistNote: v.watchlistNote,
        idDocumentType: v.idDocumentType,
        idNumberMasked: v.idNumberMasked,
        idCheckedBy: name(v.idCheckedByUserId),
        idCheckedAt: v.idCheckedAt,
        photoConsent: v.photoConsent,
        hasPhoto: v.photo !== null,
        escortPersonIds: v.escortPersonIds,
        escortNames: v.escortPersonIds.map((id) => people.get(id) ?? id),
        items: v.items,
        itemsAtSignout: v.itemsAtSignout,
        itemsDecision: v.itemsDecision,
        credentialKind: v.credentialKind,
        credentialDisplay: v.credential ? displayCredential(v.credential) : null,
        cardId: v.cardId,
        checkedInAt: v.checkedInAt,
        checkedInBy: name(v.checkedInByUserId),
        signedOutAt: v.signedOutAt,
        signedOutBy: name(v.signedOutByUserId),
        signoutKind: v.signoutKind,
        signoutReason: v.signoutReason,
        overstay: v.overstayAt !== null,
        anonymisedAt: v.anonymisedAt,
        createdBy: name(v.createdByUserId),
        createdAt: v.createdAt,
      };
    });
  }

  private async publish(visit: VisitEntity): Promise<VisitView> {
    const view = (await this.views([visit]))[0]!;
    this.realtime.emitVisit(view);
    return view;
  }
}

function cleanItem(item: VisitorItem): VisitorItem {
  return { kind: item.kind, description: item.description.trim(), serial: item.serial?.trim() || null };
}
