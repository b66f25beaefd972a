import { Injectable } from '@nestjs/common';
import type { UserRef } from '@acs/shared/api/users';
import type { AlertEntity } from '../alerts/alert.entity.js';
import { AlertRepository } from '../alerts/alert.repository.js';
import { UsersService } from '../auth/users.service.js';
import type { MovementEntity } from '../equipment/equipment.entity.js';
import { EquipmentRepository } from '../equipment/equipment.repository.js';
import type { GrantEntity } from '../grants/grant.entity.js';
import { GrantRepository } from '../grants/grant.repository.js';
import type { IncidentEntity } from '../incidents/incident.entity.js';
import { IncidentsService } from '../incidents/incidents.service.js';
import { PeopleService, type PersonSummary } from '../people/people.service.js';
import type { ZoneEntity } from '../zones/zone.entity.js';
import { ZoneRepository } from '../zones/zone.repository.js';

/**
 * The rows behind each report, read from the domains that own them; the controller only turns
 * them into CSV.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly users: UsersService,
    private readonly incidentsService: IncidentsService,
    private readonly people: PeopleService,
    private readonly zones: ZoneRepository,
    private readonly grants: GrantRepository,
    private readonly alertRows: AlertRepository,
    private readonly equipment: EquipmentRepository,
  ) {}

  /** Alerts raised in the period, with the names of who acknowledged them. */
  async alerts(from: number, to: number): Promise<{ rows: AlertEntity[]; refs: Map<string, UserRef> }> {
    const rows = await this.alertRows.raisedBetween(from, to);
    return { rows, refs: await this.users.refs(rows.map((r) => r.acknowledgedByUserId)) };
  }

  /** Incidents opened in the period, with the names of their owners and closers. */
  async incidents(from: number, to: number): Promise<{ rows: IncidentEntity[]; refs: Map<string, UserRef> }> {
    const rows = await this.incidentsService.openedBetween(from, to);
    return { rows, refs: await this.users.refs(rows.flatMap((r) => [r.ownerUserId, r.closedByUserId])) };
  }

  /** Equipment movements of the period in log order, with the names of who recorded them. */
  async movements(from: number, to: number): Promise<{ rows: MovementEntity[]; refs: Map<string, UserRef> }> {
    const rows = await this.equipment.movedBetween(from, to);
    return { rows, refs: await this.users.refs(rows.map((r) => r.actorUserId)) };
  }

  /** The zone (null when there is none) with its live grants and their holders. */
  async zoneAccess(zoneId: string): Promise<{ zone: ZoneEntity; grants: GrantEntity[]; people: Map<string, PersonSummary> } | null> {
    const zone = await this.zones.findById(zoneId);
    if (!zone) return null;
    const grants = await this.grants.liveInZone(zoneId);
    const people = new Map((grants.length ? await this.people.summaries(grants.map((g) => g.personId)) : []).map((p) => [p.id, p]));
    return { zone, grants, people };
  }
}
