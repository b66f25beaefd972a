import { Injectable, Logger } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { Clock } from '../common/clock.js';
import { SiteService } from './site.service.js';

/** A change that can alter what some door decides. */
export interface PermissionChange {
  /** The permission version that includes the change. */
  version: number;
  /** What changed, for logs (`card revoked 5f3…`). */
  reason: string;
  at: number;
}

/**
 * Every change that can affect a door goes through {@link record}: it raises the
 * permission version and tells the sync service, which pushes fresh sets to the agents.
 */
@Injectable()
export class PermissionChangesService {
  private readonly logger = new Logger('PermissionChanges');
  private readonly subject = new Subject<PermissionChange>();
  readonly changes$: Observable<PermissionChange> = this.subject.asObservable();

  constructor(
    private readonly site: SiteService,
    private readonly clock: Clock,
  ) {}

  async record(reason: string): Promise<number> {
    const version = await this.site.bumpPermissionVersion();
    this.logger.debug?.(`permission version ${version}: ${reason}`);
    this.subject.next({ version, reason, at: this.clock.now() });
    return version;
  }
}
