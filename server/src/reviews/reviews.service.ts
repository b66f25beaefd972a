import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import type { ReviewCampaignDetailView, ReviewCampaignView, ReviewItemView, ReviewProgressView } from '@acs/shared/api/reviews';
import type { Locale } from '@acs/shared/api/users';
import type { AuthContext } from '../auth/roles.js';
import type { Actor } from '../common/actor.js';
import { conflict, forbidden, invalid, notFound, separationOfDuties } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { formatSiteTime, toCsv } from '../common/csv.js';
import { newId } from '../common/ids.js';
import { reportLabels, withTimeZone } from '../common/report-labels.js';
import { refOf } from '../common/user-refs.js';
import { endGrant } from '../grants/grants.service.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import { SiteService } from '../site/site.service.js';
import type { ZoneEntity } from '../zones/zone.entity.js';
import { OWNER_REQUIRED_FROM_LEVEL } from '../zones/zones.service.js';
import type { StartReviewDto } from './dto/review.dto.js';
import { ReviewCampaignEntity } from './review-campaign.entity.js';
import { ReviewItemEntity } from './review-item.entity.js';
import { PersonRepository } from '../people/person.repository.js';
import { ZoneRepository } from '../zones/zone.repository.js';
import { ScheduleRepository } from '../schedules/schedule.repository.js';
import { GrantRepository } from '../grants/grant.repository.js';
import { UsersService } from '../auth/users.service.js';

/**
 * Access-review (recertification) campaigns (docs/product-rules.md#access-reviews): an admin starts a
 * campaign over some zones (by default every L2/L3 zone); each zone's current owner
 * recertifies or removes every grant to it. Removing ends the grant at once (reason
 * `review_removed`). Nobody reviews their own grant; an admin decides those and the
 * grants of zones without an owner.
 */
@Injectable()
export class ReviewsService {
  private readonly logger = new Logger('Reviews');

  constructor(
    @InjectRepository(ReviewCampaignEntity) private readonly campaigns: Repository<ReviewCampaignEntity>,
    @InjectRepository(ReviewItemEntity) private readonly items: Repository<ReviewItemEntity>,
    private readonly zones: ZoneRepository,
    private readonly people: PersonRepository,
    private readonly schedules: ScheduleRepository,
    private readonly grants: GrantRepository,
    private readonly users: UsersService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly site: SiteService,
    private readonly changes: PermissionChangesService,
    private readonly clock: Clock,
  ) {}

  async start(dto: StartReviewDto, actor: Actor): Promise<ReviewCampaignDetailView> {
    let zones: ZoneEntity[];
    if (dto.zoneIds) {
      zones = await this.zones.findByIds(dto.zoneIds);
      const unknown = dto.zoneIds.filter((id) => !zones.some((z) => z.id === id));
      if (unknown.length) throw invalid(unknown.map((id) => `zoneIds: no zone ${id}`));
    } else {
      zones = await this.zones.atLeastLevel(OWNER_REQUIRED_FROM_LEVEL);
      if (!zones.length) throw conflict(`there is no zone of level ${OWNER_REQUIRED_FROM_LEVEL} or above to review; name the zones`);
    }
    const now = this.clock.now();
    if (dto.dueAt !== undefined && dto.dueAt <= now) throw invalid('dueAt must be in the future');
    const grants = await this.grants.liveInZones(zones.map((z) => z.id));
    const owners = new Map(zones.map((z) => [z.id, z.ownerPersonId]));
    const campaign = this.campaigns.create({
      id: newId(),
      name: dto.name?.trim() || `Access review ${formatSiteTime(now, (await this.site.get()).timeZone).slice(0, 10)}`,
      status: 'open',
      zoneIds: zones.map((z) => z.id).sort(),
      startedByUserId: actor.id,
      startedAt: now,
      dueAt: dto.dueAt ?? null,
      closedAt: null,
    });
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(ReviewCampaignEntity).save(campaign);
      for (const g of grants) {
        await m.getRepository(ReviewItemEntity).insert({
          id: newId(),
          campaignId: campaign.id,
          grantId: g.id,
          personId: g.personId,
          zoneId: g.zoneId,
          scheduleId: g.scheduleId,
          validUntil: g.validUntil,
          ownerPersonId: owners.get(g.zoneId) ?? null,
          decision: null,
          decidedByUserId: null,
          decidedAt: null,
          note: null,
        });
      }
    });
    this.logger.log(`access review ${campaign.id} started by user ${actor.id}: ${zones.length} zone(s), ${grants.length} grant(s)`);
    return this.loadDetail(campaign.id, null);
  }

  /** Staff see every campaign; an employee sees those with grants to zones they own now. */
  async list(auth: AuthContext): Promise<ReviewCampaignView[]> {
    const campaigns = await this.campaigns.find({ order: { startedAt: 'DESC' } });
    const owned = await this.ownedZoneIds(auth);
    const items = campaigns.length ? await this.items.findBy({ campaignId: In(campaigns.map((c) => c.id)) }) : [];
    const users = await this.users.refs(campaigns.map((c) => c.startedByUserId));
    const out: ReviewCampaignView[] = [];
    for (const c of campaigns) {
      const mine = items.filter((i) => i.campaignId === c.id && (owned === null || owned.has(i.zoneId)));
      if (owned !== null && mine.length === 0) continue;
      out.push(this.toCampaignView(c, mine, users));
    }
    return out;
  }

  async detail(auth: AuthContext, id: string): Promise<ReviewCampaignDetailView> {
    return this.loadDetail(id, await this.ownedZoneIds(auth));
  }

  /** `owned` null: the whole campaign; otherwise only the items of those zones. */
  private async loadDetail(id: string, owned: Set<string> | null): Promise<ReviewCampaignDetailView> {
    const campaign = await this.campaigns.findOneBy({ id });
    if (!campaign) throw notFound(`access review ${id}`);
    const all = await this.items.find({ where: { campaignId: id }, order: { zoneId: 'ASC' } });
    const items = owned === null ? all : all.filter((i) => owned.has(i.zoneId));
    const users = await this.users.refs([campaign.startedByUserId, ...items.map((i) => i.decidedByUserId)]);
    return { campaign: this.toCampaignView(campaign, items, users), items: await this.itemViews(items, users) };
  }

  async decide(
    campaignId: string,
    itemId: string,
    decision: 'keep' | 'remove',
    note: string | null,
    actor: Actor,
  ): Promise<ReviewItemView> {
    const campaign = await this.campaigns.findOneBy({ id: campaignId });
    if (!campaign) throw notFound(`access review ${campaignId}`);
    const item = await this.items.findOneBy({ id: itemId, campaignId });
    if (!item) throw notFound(`review item ${itemId}`);
    const zone = await this.zones.findById(item.zoneId);
    const isOwner = actor.personId !== null && zone?.ownerPersonId === actor.personId;
    if (actor.role !== 'admin' && !(actor.role === 'employee' && isOwner)) {
      throw forbidden(`Only the owner of ${zone?.name ?? item.zoneId} or an admin reviews its grants`);
    }
    if (campaign.status !== 'open') throw conflict(`access review ${campaign.name} is closed`);
    if (item.decision !== null) throw conflict(`this grant was already reviewed: ${item.decision}`);
    if (actor.personId !== null && item.personId === actor.personId) {
      throw separationOfDuties('nobody recertifies their own access; another owner or an admin must');
    }
    const now = this.clock.now();
    let ended = false;
    await this.dataSource.transaction(async (m) => {
      Object.assign(item, { decision, decidedByUserId: actor.id, decidedAt: now, note: note?.trim() || null });
      await m.getRepository(ReviewItemEntity).save(item);
      if (decision === 'remove') {
        const grant = await this.grants.findLive(item.grantId, m);
        if (grant) {
          await endGrant(m, grant, 'review_removed', now, actor.id);
          ended = true;
        }
      }
    });
    if (ended) {
      await this.changes.record(`grant ${item.grantId} removed in access review ${campaign.id}`, {
        personIds: [item.personId],
        revokes: true,
        actorUserId: actor.id,
      });
    }
    const users = await this.users.refs([item.decidedByUserId]);
    return (await this.itemViews([item], users))[0]!;
  }

  async close(id: string, actor: Actor): Promise<ReviewCampaignView> {
    const campaign = await this.campaigns.findOneBy({ id });
    if (!campaign) throw notFound(`access review ${id}`);
    if (campaign.status !== 'open') throw conflict(`access review ${campaign.name} is already closed`);
    campaign.status = 'closed';
    campaign.closedAt = this.clock.now();
    await this.campaigns.save(campaign);
    this.logger.log(`access review ${id} closed by user ${actor.id}`);
    const items = await this.items.findBy({ campaignId: id });
    return this.toCampaignView(campaign, items, await this.users.refs([campaign.startedByUserId]));
  }

  /** The results as CSV, headings and decisions in the reader's language, times in the site's zone. */
  async exportCsv(id: string, locale: Locale): Promise<{ filename: string; csv: string }> {
    const { campaign, items } = await this.loadDetail(id, null);
    const [site, schedules] = await Promise.all([this.site.get(), this.schedules.all()]);
    const ownerIds = [...new Set(items.map((i) => i.ownerPersonId).filter((x): x is string => x !== null))];
    const owners = new Map((ownerIds.length ? await this.people.findByIds(ownerIds) : []).map((p) => [p.id, p.name]));
    const scheduleNames = new Map(schedules.map((s) => [s.id, s.name]));
    const l = reportLabels(locale);
    const tz = site.timeZone;
    const header = [
      l.review.zone,
      l.review.zoneId,
      l.review.person,
      l.review.schedule,
      withTimeZone(l.review.validUntil, tz),
      l.review.owner,
      l.review.decision,
      l.review.decidedBy,
      withTimeZone(l.review.decidedAt, tz),
      l.review.note,
    ];
    const rows = items.map((i) => [
      i.zoneName,
      i.zoneId,
      i.personName,
      i.scheduleId ? (scheduleNames.get(i.scheduleId) ?? i.scheduleId) : l.anyTime,
      i.validUntil === null ? l.noEnd : formatSiteTime(i.validUntil, tz),
      i.ownerPersonId ? (owners.get(i.ownerPersonId) ?? i.ownerPersonId) : '',
      l.decision[i.decision ?? 'pending'],
      i.decidedBy?.name ?? '',
      formatSiteTime(i.decidedAt, tz),
      i.note ?? '',
    ]);
    return { filename: `access-review-${campaign.startedAt}.csv`, csv: toCsv(header, rows) };
  }

  /** null: sees everything (staff); otherwise the zones the employee owns now. */
  private async ownedZoneIds(auth: AuthContext): Promise<Set<string> | null> {
    if (auth.user.role !== 'employee') return null;
    if (!auth.user.personId) return new Set();
    return new Set((await this.zones.ownedBy(auth.user.personId)).map((z) => z.id));
  }

  private toCampaignView(
    c: ReviewCampaignEntity,
    items: ReviewItemEntity[],
    users: Map<string, { id: string; name: string }>,
  ): ReviewCampaignView {
    const progress: ReviewProgressView = {
      total: items.length,
      decided: items.filter((i) => i.decision !== null).length,
      kept: items.filter((i) => i.decision === 'keep').length,
      removed: items.filter((i) => i.decision === 'remove').length,
    };
    return {
      id: c.id,
      name: c.name,
      status: c.status,
      zoneIds: [...c.zoneIds],
      startedBy: refOf(users, c.startedByUserId),
      startedAt: c.startedAt,
      dueAt: c.dueAt,
      closedAt: c.closedAt,
      progress,
    };
  }

  private async itemViews(items: ReviewItemEntity[], users: Map<string, { id: string; name: string }>): Promise<ReviewItemView[]> {
    if (!items.length) return [];
    const [people, zones] = await Promise.all([
      this.people.namesOfFew(items.map((i) => i.personId)),
      this.zones.findByIds([...new Set(items.map((i) => i.zoneId))]),
    ]);
    const names = new Map(people.map((p) => [p.id, p.name]));
    const zoneNames = new Map(zones.map((z) => [z.id, z.name]));
    return items.map((i) => ({
      id: i.id,
      campaignId: i.campaignId,
      grantId: i.grantId,
      personId: i.personId,
      personName: names.get(i.personId) ?? i.personId,
      zoneId: i.zoneId,
      zoneName: zoneNames.get(i.zoneId) ?? i.zoneId,
      scheduleId: i.scheduleId,
      validUntil: i.validUntil,
      ownerPersonId: i.ownerPersonId,
      decision: i.decision,
      decidedBy: refOf(users, i.decidedByUserId),
      decidedAt: i.decidedAt,
      note: i.note,
    }));
  }
}
