import { Injectable } from '@nestjs/common';
import type { AlertView } from '@acs/shared/api/alerts';
import { UsersService } from '../auth/users.service.js';
import { DoorsService } from '../doors/doors.service.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import type { AlertEntity } from './alert.entity.js';

/** Alerts as staff see them, and the live push of every change. */
@Injectable()
export class AlertViews {
  constructor(
    private readonly doors: DoorsService,
    private readonly users: UsersService,
    private readonly realtime: RealtimeGateway,
  ) {}

  async publish(alert: AlertEntity): Promise<AlertView> {
    const [view] = await this.views([alert]);
    this.realtime.emitAlert(view!);
    return view!;
  }

  async views(rows: AlertEntity[]): Promise<AlertView[]> {
    const doorIds = [...new Set(rows.map((r) => r.doorId).filter((id): id is string => id !== null))];
    const doors = new Map((await this.doors.summaries(doorIds)).map((d) => [d.id, d.name]));
    const users = await this.users.refs(rows.map((r) => r.acknowledgedByUserId));
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      severity: r.severity,
      status: r.status,
      active: r.active,
      doorId: r.doorId,
      doorName: r.doorId ? (doors.get(r.doorId) ?? null) : null,
      agentId: r.agentId,
      personId: r.personId,
      holder: r.holder,
      credential: r.credential,
      detail: r.detail,
      count: r.count,
      firstAt: r.firstAt,
      lastAt: r.lastAt,
      acknowledgedAt: r.acknowledgedAt,
      acknowledgedBy: r.acknowledgedByUserId ? (users.get(r.acknowledgedByUserId)?.name ?? r.acknowledgedByUserId) : null,
      note: r.note,
      escalatedAt: r.escalatedAt,
      incidentId: r.incidentId,
    }));
  }
}
