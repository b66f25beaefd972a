import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, In, LessThan, Not, type Repository } from 'typeorm';
import { invitationCode, type VisitView } from '@acs/shared/api/reception';
import { displayCredential } from '@acs/shared/credentials/credential';
import { UsersService } from '../auth/users.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import type { ReceivedFile } from '../common/file-upload.js';
import { resolvePeriod } from '../common/period.query.js';
import { startOfLocalDay } from '../common/site-time.js';
import { PeopleService } from '../people/people.service.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { SiteService } from '../site/site.service.js';
import type { ListVisitsQuery } from './dto/visit.dto.js';
import { WatchlistEntryEntity } from './reception-records.entity.js';
import { VisitEntity } from './visit.entity.js';

/**
 * The visit records: reading them as staff and hosts see them, the visitor's photo, and
 * the live push of each change. The steps of the procedure (registration, check-in and
 * sign-out, the time rules) are their own services and publish through this one.
 */
@Injectable()
export class VisitsService {
  constructor(
    @InjectRepository(VisitEntity) private readonly visits: Repository<VisitEntity>,
    @InjectRepository(WatchlistEntryEntity) private readonly watchlist: Repository<WatchlistEntryEntity>,
    private readonly people: PeopleService,
    private readonly users: UsersService,
    private readonly site: SiteService,
    private readonly realtime: RealtimeGateway,
    private readonly clock: Clock,
  ) {}

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
    if (!visit.photoConsent)
      throw invalid("photo: a photo is kept only with the visitor's recorded consent (check in with photoConsent: true)");
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
      rows = await this.visits.find({
        where: [{ status: 'awaiting_host' }, { watchlistStatus: 'pending', status: Not(In(['denied', 'cancelled'])) }],
        order: { createdAt: 'ASC' },
      });
    } else if (scope === 'today') {
      const start = startOfLocalDay(site.timeZone, now);
      rows = await this.visits.find({
        where: [
          { windowStart: Between(start, start + 86_400_000) },
          { status: In(['on_site', 'awaiting_host']) },
          { status: 'expected', windowStart: LessThan(start + 86_400_000) },
        ],
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

  async views(rows: readonly VisitEntity[]): Promise<VisitView[]> {
    const personIds = new Set<string>();
    for (const v of rows) {
      personIds.add(v.hostPersonId);
      for (const e of v.escortPersonIds) personIds.add(e);
    }
    const people = new Map((personIds.size ? await this.people.summaries(personIds) : []).map((p) => [p.id, p.name]));
    const entryIds = [...new Set(rows.map((v) => v.watchlistEntryId).filter((id): id is string => id !== null))];
    const entries = new Map((entryIds.length ? await this.watchlist.findBy({ id: In(entryIds) }) : []).map((e) => [e.id, e]));
    const refs = await this.users.refs(
      rows.flatMap((v) => [
        v.hostDecidedByUserId,
        v.watchlistDecidedByUserId,
        v.idCheckedByUserId,
        v.checkedInByUserId,
        v.signedOutByUserId,
        v.createdByUserId,
      ]),
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
        watchlistMatch: entry
          ? { entryId: entry.id, name: entry.name, list: entry.list, reason: entry.reason, score: v.watchlistScore ?? 0 }
          : null,
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

  /** The visit as staff see it, pushed live to the dashboards. */
  async publish(visit: VisitEntity): Promise<VisitView> {
    const view = (await this.views([visit]))[0]!;
    this.realtime.emitVisit(view);
    return view;
  }
}
