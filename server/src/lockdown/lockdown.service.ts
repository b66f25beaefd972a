import { Injectable } from '@nestjs/common';
import type { LockdownView } from '@acs/shared/api/lockdown';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import type { LockdownRecord } from '../site/site-settings.entity.js';
import { SiteService } from '../site/site.service.js';
import type { ZoneEntity } from '../zones/zone.entity.js';
import type { LockdownCommandDto } from './dto/lockdown.dto.js';
import { ZoneRepository } from '../zones/zone.repository.js';
import { UsersService } from '../auth/users.service.js';

/**
 * Site and zone lockdown (docs/product-rules.md#lockdown): started and ended by admins and guards, each
 * step an explicit audit action with the reason. The lockdown travels in every affected
 * agent's permission set on the priority path, so an agent that reconnects later still
 * learns it; the agents refuse every card but those designated for lockdown.
 */
@Injectable()
export class LockdownService {
  constructor(
    private readonly zones: ZoneRepository,
    private readonly users: UsersService,
    private readonly site: SiteService,
    private readonly changes: PermissionChangesService,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeGateway,
    private readonly clock: Clock,
  ) {}

  async view(): Promise<LockdownView> {
    const record = (await this.site.get()).lockdown ?? { site: null, zones: {} };
    const zoneIds = Object.keys(record.zones);
    const names = new Map((zoneIds.length ? await this.zones.names() : []).map((z) => [z.id, z.name]));
    const refs = await this.users.refs([record.site?.startedByUserId, ...Object.values(record.zones).map((z) => z.startedByUserId)]);
    const part = (p: { startedAt: number; startedByUserId: string | null; reason: string }) => ({
      startedAt: p.startedAt,
      startedBy: p.startedByUserId ? (refs.get(p.startedByUserId)?.name ?? p.startedByUserId) : null,
      reason: p.reason,
    });
    return {
      site: record.site ? part(record.site) : null,
      zones: zoneIds.sort().map((zoneId) => ({ zoneId, zoneName: names.get(zoneId) ?? zoneId, ...part(record.zones[zoneId]!) })),
      active: record.site !== null || zoneIds.length > 0,
    };
  }

  async start(dto: LockdownCommandDto, actor: Actor): Promise<LockdownView> {
    if (!dto.reason?.trim()) throw invalid('reason: say why the lockdown starts (it is kept in the audit log and shown to every guard)');
    const record = await this.current();
    const part = { startedAt: this.clock.now(), startedByUserId: actor.id, reason: dto.reason.trim() };
    if (dto.scope === 'site') {
      if (record.site) throw conflict('the site is already locked down');
      record.site = part;
    } else {
      const zone = await this.zone(dto.zoneId);
      if (record.zones[zone.id]) throw conflict(`zone ${zone.id} is already locked down`);
      record.zones[zone.id] = part;
    }
    await this.save(record, 'lockdown.start', dto, part.reason, true, actor);
    return this.broadcast();
  }

  async end(dto: LockdownCommandDto, actor: Actor): Promise<LockdownView> {
    const record = await this.current();
    if (dto.scope === 'site') {
      if (!record.site) throw conflict('the site is not locked down');
      record.site = null;
    } else {
      const zone = await this.zone(dto.zoneId);
      if (!record.zones[zone.id]) throw conflict(`zone ${zone.id} is not locked down`);
      delete record.zones[zone.id];
    }
    await this.save(record, 'lockdown.end', dto, dto.reason?.trim() ?? null, false, actor);
    return this.broadcast();
  }

  private async current(): Promise<LockdownRecord> {
    const stored = (await this.site.get()).lockdown;
    return { site: stored?.site ?? null, zones: { ...(stored?.zones ?? {}) } };
  }

  private async zone(id: string | undefined): Promise<ZoneEntity> {
    if (!id) throw invalid('zoneId is required for a zone lockdown');
    const zone = await this.zones.findById(id);
    if (!zone) throw notFound(`zone ${id}`);
    return zone;
  }

  private async save(
    record: LockdownRecord,
    action: string,
    dto: LockdownCommandDto,
    reason: string | null,
    revokes: boolean,
    actor: Actor,
  ): Promise<void> {
    const empty = record.site === null && Object.keys(record.zones).length === 0;
    await this.site.setLockdown(empty ? null : record, this.clock.now());
    const target = dto.scope === 'site' ? 'site' : `zone ${dto.zoneId}`;
    await this.audit.record({
      action,
      entityType: dto.scope === 'site' ? 'site' : 'zone',
      entityId: dto.scope === 'site' ? null : (dto.zoneId ?? null),
      detail: reason ? `${target}: ${reason}` : target,
    });
    // Starting a lockdown takes access away: it must not wait behind anything.
    await this.changes.record(`${action === 'lockdown.start' ? 'lockdown started' : 'lockdown ended'}: ${target}`, {
      structural: true,
      revokes,
      actorUserId: actor.id,
    });
  }

  private async broadcast(): Promise<LockdownView> {
    const view = await this.view();
    this.realtime.emitLockdown(view);
    return view;
  }
}
