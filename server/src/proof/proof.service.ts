import { Injectable } from '@nestjs/common';
import type { AgentLagView } from '@acs/shared/api/agents';
import type { AgentConfirmationView, RevocationProofView } from '@acs/shared/api/proof';
import type { LeaverView } from '@acs/shared/api/reports';
import type { Locale } from '@acs/shared/api/users';
import type { AgentEntity } from '../agents/agent.entity.js';
import { AgentRepository } from '../agents/agent.repository.js';
import { UsersService } from '../auth/users.service.js';
import { CardRepository } from '../cards/card.repository.js';
import { notFound } from '../common/api-exception.js';
import { formatSiteTime, toCsv } from '../common/csv.js';
import { reportLabels, withTimeZone } from '../common/report-labels.js';
import { refOf } from '../common/user-refs.js';
import { DoorRepository } from '../doors/door.repository.js';
import { GrantRepository } from '../grants/grant.repository.js';
import { PersonRepository } from '../people/person.repository.js';
import type { PermissionChangeEntity } from '../site/permission-change.entity.js';
import { PermissionChangeRepository } from '../site/permission-change.repository.js';
import { SiteService } from '../site/site.service.js';
import { PermissionDeliveryRepository } from '../sync/permission-delivery.repository.js';
import { ConfirmationIndex } from './confirmations.js';
import type { LeaversQuery } from './dto/proof.query.js';

const DEFAULT_REVOCATIONS = 20;
const MISSING_SHOWN = 100;

/**
 * Proof that a change reached the doors (docs/product-rules.md#proof-at-the-doors), read from `permission_changes` (the
 * click: version, time, scope) and `permission_deliveries` (per agent and version: sent,
 * applied, reported hash, match).
 *
 * An agent is affected by a change when it drives at least one door and was registered
 * before the change: every agent's set carries every card, so any card or person change
 * reaches all of them. A confirmation counts only with a matching content hash.
 */
@Injectable()
export class ProofService {
  constructor(
    private readonly changes: PermissionChangeRepository,
    private readonly deliveries: PermissionDeliveryRepository,
    private readonly agents: AgentRepository,
    private readonly doors: DoorRepository,
    private readonly people: PersonRepository,
    private readonly cards: CardRepository,
    private readonly grants: GrantRepository,
    private readonly users: UsersService,
    private readonly site: SiteService,
  ) {}

  /** The latest changes that took access away, newest first, each with its confirmations. */
  async revocations(limit = DEFAULT_REVOCATIONS): Promise<RevocationProofView[]> {
    const rows = await this.changes.latestRevocations(limit);
    return this.proofs(rows);
  }

  /** Any one change by version (the answer of a card transition names it). */
  async revocation(version: number): Promise<RevocationProofView> {
    const row = Number.isSafeInteger(version) ? await this.changes.findByVersion(version) : null;
    if (!row) throw notFound(`permission change ${version}`);
    return (await this.proofs([row]))[0]!;
  }

  async agentLag(): Promise<AgentLagView[]> {
    const [agents, current] = await Promise.all([this.agents.allById(), this.site.permissionVersion()]);
    const out: AgentLagView[] = [];
    for (const a of agents) {
      const applied = a.appliedVersion ?? 0;
      const behind = a.appliedVersion === null || a.appliedVersion < current || a.hashMatches === false;
      const [missing, missingCount, missingRevocations, oldest] =
        applied < current
          ? await Promise.all([
              this.changes.latestAfter(applied, MISSING_SHOWN),
              this.changes.countAfter(applied),
              this.changes.countRevocationsAfter(applied),
              this.changes.firstAfter(applied),
            ])
          : [[], 0, 0, null];
      out.push({
        agentId: a.id,
        agentName: a.name,
        online: a.online,
        lastSeenAt: a.lastSeenAt,
        appliedVersion: a.appliedVersion,
        appliedAt: a.appliedAt,
        hashMatches: a.hashMatches,
        currentVersion: current,
        behind,
        missing: missing.reverse().map((c) => ({ version: c.version, at: c.at, reason: c.reason, revokes: c.revokes })),
        missingCount,
        missingRevocations,
        behindSince: oldest?.at ?? null,
      });
    }
    return out;
  }

  /** Departed people, newest first: when access was revoked and when every agent confirmed it. */
  async leavers(query: LeaversQuery = {}): Promise<LeaverView[]> {
    let people = await this.people.departedSince(query.from);
    if (query.to !== undefined) people = people.filter((p) => p.departedAt! < query.to!);
    if (!people.length) return [];
    const ids = people.map((p) => p.id);

    const changeByPerson = new Map<string, PermissionChangeEntity>();
    const versions = people.map((p) => p.departureVersion).filter((v): v is number => v !== null);
    const byVersion = new Map((versions.length ? await this.changes.findByVersions(versions) : []).map((c) => [c.version, c]));
    for (const p of people) {
      // Departures recorded before departure versions were kept have no version on the person: find the change by its reason.
      const change =
        p.departureVersion !== null ? byVersion.get(p.departureVersion) : await this.changes.latestWithReason(`person ${p.id} departed`);
      if (change) changeByPerson.set(p.id, change);
    }
    const [cards, grants] = await Promise.all([this.cards.statusesOfHolders(ids), this.grants.endedByDepartureOf(ids)]);
    const steps = cards.length ? await this.cards.revocationsOf(cards.map((c) => c.id)) : [];
    const affected = await this.affectedAgents();
    const index = await this.index(Math.min(...[...changeByPerson.values()].map((c) => c.version), Number.MAX_SAFE_INTEGER));

    return people.map((p) => {
      const change = changeByPerson.get(p.id) ?? null;
      const own = cards.filter((c) => c.personId === p.id);
      const withHistory = steps.filter((s) => s.at === p.departedAt && own.some((c) => c.id === s.cardId));
      const cardsRevoked = withHistory.length || own.filter((c) => c.status === 'revoked' && c.statusChangedAt === p.departedAt).length;
      const agents = change ? this.confirmations(affected, index, change) : [];
      const pending = agents.filter((a) => a.confirmedAt === null).map((a) => a.agentId);
      return {
        personId: p.id,
        name: p.name,
        kind: p.kind,
        department: p.department,
        departedAt: p.departedAt!,
        version: change?.version ?? null,
        revokedAt: change?.at ?? null,
        cardsRevoked,
        grantsEnded: grants.filter((g) => g.personId === p.id && g.revokedAt === p.departedAt).length,
        agents,
        allConfirmedAt: change && pending.length === 0 ? Math.max(change.at, ...agents.map((a) => a.confirmedAt!)) : null,
        pendingAgentIds: pending,
      };
    });
  }

  async leaversCsv(query: LeaversQuery, locale: Locale): Promise<{ filename: string; csv: string }> {
    const [leavers, site] = await Promise.all([this.leavers(query), this.site.get()]);
    const l = reportLabels(locale);
    const tz = site.timeZone;
    const header = [
      l.leavers.person,
      l.leavers.kind,
      l.leavers.department,
      withTimeZone(l.leavers.departedAt, tz),
      l.leavers.version,
      l.leavers.cardsRevoked,
      l.leavers.grantsEnded,
      withTimeZone(l.leavers.allConfirmedAt, tz),
      l.leavers.delaySeconds,
      l.leavers.pendingAgents,
    ];
    const rows = leavers.map((p) => [
      p.name,
      p.kind,
      p.department ?? '',
      formatSiteTime(p.departedAt, tz),
      p.version ?? '',
      p.cardsRevoked,
      p.grantsEnded,
      formatSiteTime(p.allConfirmedAt, tz),
      p.allConfirmedAt !== null && p.revokedAt !== null ? ((p.allConfirmedAt - p.revokedAt) / 1000).toFixed(3) : '',
      p.pendingAgentIds.join(' '),
    ]);
    return { filename: 'leavers.csv', csv: toCsv(header, rows) };
  }

  private async proofs(rows: PermissionChangeEntity[]): Promise<RevocationProofView[]> {
    if (!rows.length) return [];
    const affected = await this.affectedAgents();
    const index = await this.index(Math.min(...rows.map((r) => r.version)));
    const users = await this.users.refs(rows.map((r) => r.actorUserId));
    return rows.map((r) => {
      const agents = this.confirmations(affected, index, r);
      const complete = agents.every((a) => a.confirmedAt !== null);
      return {
        version: r.version,
        at: r.at,
        reason: r.reason,
        actor: refOf(users, r.actorUserId),
        cardIds: JSON.parse(r.cardIds) as string[],
        personIds: JSON.parse(r.personIds) as string[],
        agents,
        complete,
        delayMs: complete && agents.length ? Math.max(...agents.map((a) => a.delayMs!)) : complete ? 0 : null,
      };
    });
  }

  private confirmations(affected: AgentEntity[], index: ConfirmationIndex, change: PermissionChangeEntity): AgentConfirmationView[] {
    return affected
      .filter((a) => a.createdAt <= change.at)
      .map((a) => {
        const c = index.confirmation(a.id, change.version);
        return {
          agentId: a.id,
          agentName: a.name,
          confirmedVersion: c?.version ?? null,
          confirmedAt: c?.at ?? null,
          delayMs: c ? Math.max(0, c.at - change.at) : null,
        };
      });
  }

  /** Agents that drive at least one door: the ones whose confirmation matters. */
  private async affectedAgents(): Promise<AgentEntity[]> {
    const doors = await this.doors.agentDrivenLinks();
    const ids = [...new Set(doors.map((d) => d.agentId!))];
    return ids.length ? this.agents.findByIdsById(ids) : [];
  }

  private async index(minVersion: number): Promise<ConfirmationIndex> {
    const rows = await this.deliveries.matchingConfirmationsFrom(minVersion);
    return new ConfirmationIndex(rows.map((r) => ({ agentId: r.agentId, version: r.version, confirmedAt: r.confirmedAt! })));
  }
}
