import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgentCredentialsService } from '../agents/agent-credentials.service.js';
import { PasswordHasher, randomSecret } from '../auth/password-hasher.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import {
  DEMO_AGENT,
  DEMO_CARDS,
  DEMO_EQUIPMENT,
  DEMO_POOL_CARDS,
  DEMO_DEPARTMENTS,
  DEMO_DOOR_TIMING,
  DEMO_DOORS,
  DEMO_GRANTS,
  DEMO_PEOPLE,
  DEMO_SCHEDULES,
  DEMO_SIGN_INS,
  DEMO_SITE,
  DEMO_ZONES,
} from './demo-data.js';
import { DemoSiteOwners } from './demo-site-owners.js';

/** Where the demo agent's MQTT password is kept for the demo launcher: `<dataDir>/secrets/agent-1.mqtt-password`. */
export function demoAgentPasswordFile(dataDir: string): string {
  return join(dataDir, 'secrets', `${DEMO_AGENT.id}.mqtt-password`);
}

/** Loads the demo site into an empty database (demo mode only) and keeps the demo agent's secret file. */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger('Demo');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly agentCredentials: AgentCredentialsService,
    private readonly clock: Clock,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly owners: DemoSiteOwners,
  ) {}

  async isDatabaseEmpty(): Promise<boolean> {
    const { users, people, zones } = this.owners;
    const counts = await Promise.all([users.countAll(), people.count(), zones.count()]);
    return counts.every((n) => n === 0);
  }

  /** No zones and no people yet (accounts may exist). */
  async isSiteEmpty(): Promise<boolean> {
    const { people, zones } = this.owners;
    const counts = await Promise.all([people.count(), zones.count()]);
    return counts.every((n) => n === 0);
  }

  /** Demo mode: seeds everything, demo users included, when the database is empty; returns whether it did. */
  async seedIfEmpty(): Promise<boolean> {
    if (!(await this.isDatabaseEmpty())) return false;
    const agentHash = await this.hasher.hash(await this.readOrCreateAgentPassword());
    await this.seed({ users: true, agentHash, doorAgents: {} });
    return true;
  }

  /**
   * The demo site without any account (`cli.js seed-demo-site`, the production-like compose
   * stack): zones, doors, schedules, people, cards and grants. The agent must be registered
   * with `add-agent` for a usable password; a missing one is recorded without one.
   */
  async seedSiteIfEmpty(doorAgents: Readonly<Record<string, string>> = {}): Promise<boolean> {
    if (!(await this.isSiteEmpty())) return false;
    await this.seed({ users: false, agentHash: null, doorAgents });
    return true;
  }

  private async seed(options: { users: boolean; agentHash: string | null; doorAgents: Readonly<Record<string, string>> }): Promise<void> {
    const now = this.clock.now();
    const passwordHashes = options.users ? await Promise.all(DEMO_SIGN_INS.map((s) => this.hasher.hash(s.password))) : [];
    const o = this.owners;
    await this.dataSource.transaction(async (m) => {
      await o.site.setIdentity({ name: DEMO_SITE.name, timeZone: DEMO_SITE.timeZone, holidays: DEMO_SITE.holidays }, now, m);
      const personIds = new Map<string, string>();
      for (const p of DEMO_PEOPLE) {
        const id = newId();
        personIds.set(p.key, id);
        await o.people.insertRow(
          {
            id,
            name: p.name,
            kind: p.kind,
            department: p.department,
            email: p.email,
            status: 'active',
            departedAt: null,
            createdAt: now,
            updatedAt: now,
          },
          m,
        );
      }
      for (const z of DEMO_ZONES) {
        await o.zones.insertRow(
          {
            id: z.id,
            name: z.name,
            level: z.level,
            parentId: z.parentId,
            ownerPersonId: z.ownerKey ? personIds.get(z.ownerKey)! : null,
            antiPassback: 'off',
            twoPerson: z.level >= 3,
            createdAt: now,
            updatedAt: now,
          },
          m,
        );
      }
      if (!(await o.agents.exists(DEMO_AGENT.id, m))) {
        await o.agents.insertRow(
          {
            id: DEMO_AGENT.id,
            name: DEMO_AGENT.name,
            // '!' matches no scrypt hash: the agent cannot sign in until `add-agent` sets a password.
            mqttPasswordHash: options.agentHash ?? '!',
            online: false,
            lastSeenAt: null,
            softwareVersion: null,
            appliedVersion: null,
            appliedHash: null,
            appliedAt: null,
            hashMatches: null,
            contiguousSeq: 0,
            createdAt: now,
          },
          m,
        );
      }
      for (const d of DEMO_DOORS) {
        await o.doors.insertRow(
          { ...d, agentId: options.doorAgents[d.id] ?? DEMO_AGENT.id, ...DEMO_DOOR_TIMING, createdAt: now, updatedAt: now },
          m,
        );
      }
      for (const s of DEMO_SCHEDULES) {
        await o.schedules.insertRow({ ...s, createdAt: now, updatedAt: now }, m);
      }
      for (const d of DEMO_DEPARTMENTS) {
        await o.departments.insertRow({ id: newId(), name: d.name, defaultZones: d.defaultZones, createdAt: now, updatedAt: now }, m);
      }
      for (const c of DEMO_CARDS) {
        await o.cards.insertRow(
          {
            id: newId(),
            credential: c.credential,
            type: c.type,
            status: c.status,
            personId: personIds.get(c.holderKey)!,
            validFrom: null,
            validUntil: null,
            levelCeilingOverride: null,
            statusChangedAt: now,
            createdAt: now,
            updatedAt: now,
          },
          m,
        );
      }
      for (const g of DEMO_GRANTS) {
        await o.grants.insert(
          {
            id: newId(),
            personId: personIds.get(g.holderKey)!,
            zoneId: g.zoneId,
            scheduleId: g.scheduleId,
            validUntil: null,
            createdAt: now,
            revokedAt: null,
            revokedReason: null,
          },
          m,
        );
      }
      for (const c of DEMO_POOL_CARDS) {
        await o.visits.addPoolCard({ credential: c.credential, label: c.label, status: 'available', visitId: null, updatedAt: now }, m);
      }
      for (const e of DEMO_EQUIPMENT) {
        await o.equipment.insertRow(
          {
            id: newId(),
            assetTag: e.assetTag,
            serial: e.serial,
            kind: e.kind,
            description: e.description,
            ownerPersonId: e.ownerKey ? personIds.get(e.ownerKey)! : null,
            homeZoneId: e.homeZoneId,
            storesData: e.storesData,
            status: 'in_service',
            createdAt: now,
            updatedAt: now,
          },
          m,
        );
      }
      for (const [i, s] of (options.users ? DEMO_SIGN_INS : []).entries()) {
        await o.users.insertRow(
          {
            id: newId(),
            username: s.username,
            displayName: s.displayName,
            role: s.role,
            personId: s.personKey ? personIds.get(s.personKey)! : null,
            locale: s.locale,
            passwordHash: passwordHashes[i]!,
            isDemo: true,
            createdAt: now,
          },
          m,
        );
      }
    });
    this.logger.log(
      `seeded the demo site "${DEMO_SITE.name}" (zones, doors, people, cards, grants, visitor card pool, equipment${options.users ? ', demo users' : ''}, ${DEMO_AGENT.id})`,
    );
  }

  /**
   * Keeps `<dataDir>/secrets/agent-1.mqtt-password` and the stored hash in agreement, so
   * the demo launcher can hand the password to the demo agent across restarts.
   */
  async ensureAgentSecret(): Promise<void> {
    const exists = await this.owners.agents.exists(DEMO_AGENT.id);
    if (!exists) return;
    const password = await this.readOrCreateAgentPassword();
    if (!(await this.agentCredentials.verify(DEMO_AGENT.id, password))) {
      this.logger.warn(`the stored MQTT password of ${DEMO_AGENT.id} did not match its secret file; updated the stored hash`);
      await this.agentCredentials.setPassword(DEMO_AGENT.id, password);
    }
  }

  private async readOrCreateAgentPassword(): Promise<string> {
    const file = demoAgentPasswordFile(this.config.dataDir);
    try {
      const existing = (await readFile(file, 'utf8')).trim();
      if (existing.length >= 16) return existing;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const password = randomSecret();
    const dir = join(this.config.dataDir, 'secrets');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${password}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, file);
    this.logger.log(`wrote the MQTT password of ${DEMO_AGENT.id} to ${file}`);
    return password;
  }
}
