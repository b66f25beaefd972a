import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Subject, type Observable } from 'rxjs';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { PermissionChangeEntity } from './permission-change.entity.js';
import { SiteService } from './site.service.js';

/**
 * What a change touches. Card-level scopes let the sync send a delta of those cards;
 * a structural change (zones, doors, schedules, site settings) needs full sets.
 */
export interface PermissionChangeScope {
  /** Cards whose own entry changed (status, validity, holder). */
  cardIds?: readonly string[];
  /** People whose grants or status changed: every card they hold. */
  personIds?: readonly string[];
  structural?: boolean;
  /** Takes access away (revocation, suspension, loss, departure): pushed at once, never coalesced. */
  revokes?: boolean;
  /** The signed-in user who made the change, when there is one. */
  actorUserId?: string | null;
}

/** A change that can alter what some door decides. */
export interface PermissionChange {
  /** The permission version that includes the change. */
  version: number;
  /** What changed, for logs and reports (`card 5f3… revoked`). */
  reason: string;
  /** When the change was made (the admin's click), epoch ms. */
  at: number;
  cardIds: readonly string[];
  personIds: readonly string[];
  structural: boolean;
  revokes: boolean;
}

/**
 * Every change that can affect a door goes through {@link record}: it raises the
 * permission version, keeps a row describing the change, and tells the sync service,
 * which pushes to the agents.
 */
@Injectable()
export class PermissionChangesService {
  private readonly logger = new Logger('PermissionChanges');
  private readonly subject = new Subject<PermissionChange>();
  readonly changes$: Observable<PermissionChange> = this.subject.asObservable();

  constructor(
    private readonly site: SiteService,
    private readonly clock: Clock,
    @InjectRepository(PermissionChangeEntity) private readonly repo: Repository<PermissionChangeEntity>,
  ) {}

  async record(reason: string, scope: PermissionChangeScope): Promise<number> {
    return this.publish(await this.site.bumpPermissionVersion(), reason, scope);
  }

  /**
   * Moves the version past one an agent holds but this server never issued (it was restored
   * from a backup older than the agent's set): every agent then gets a fresh snapshot whose
   * version is newer than anything it holds, which agents accept. Returns null when the
   * version already is above `floor`.
   */
  async raiseAbove(floor: number, reason: string): Promise<number | null> {
    const version = await this.site.raisePermissionVersionAbove(floor);
    return version === null ? null : this.publish(version, reason, { structural: true });
  }

  private async publish(version: number, reason: string, scope: PermissionChangeScope): Promise<number> {
    const at = this.clock.now();
    const change: PermissionChange = {
      version,
      reason,
      at,
      cardIds: [...(scope.cardIds ?? [])],
      personIds: [...(scope.personIds ?? [])],
      structural: scope.structural ?? false,
      revokes: scope.revokes ?? false,
    };
    await this.repo.insert({
      version,
      at,
      reason: reason.slice(0, 500),
      cardIds: JSON.stringify(change.cardIds),
      personIds: JSON.stringify(change.personIds),
      structural: change.structural,
      revokes: change.revokes,
      actorUserId: scope.actorUserId ?? null,
    });
    this.logger.debug?.(`permission version ${version}: ${reason}`);
    this.subject.next(change);
    return version;
  }

  /** Changes after `version`, oldest first. */
  async since(version: number): Promise<PermissionChange[]> {
    const rows = await this.repo.createQueryBuilder('c').where('c.version > :version', { version }).orderBy('c.version', 'ASC').getMany();
    return rows.map((r) => ({
      version: r.version,
      reason: r.reason,
      at: r.at,
      cardIds: JSON.parse(r.cardIds) as string[],
      personIds: JSON.parse(r.personIds) as string[],
      structural: r.structural,
      revokes: r.revokes,
    }));
  }
}
