// Repository-layer tests run against every database the server supports: SQLite always,
// PostgreSQL when ACS_TEST_POSTGRES_URL is set (a fresh schema per run, dropped after).
import { MetricsService } from '../metrics/metrics.service.js';
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import type { DataSource } from 'typeorm';
import type { AccessEvent, AgentEvent } from '@acs/shared/mqtt/payloads';
import { AgentEntity } from '../agents/agent.entity.js';
import { AgentRepository } from '../agents/agent.repository.js';
import { AlertEntity } from '../alerts/alert.entity.js';
import { AlertRepository } from '../alerts/alert.repository.js';
import type { AuditActor, AuditContext } from '../audit/audit-context.js';
import { runWithAuditContext } from '../audit/audit-context.js';
import { AuditLogEntity } from '../audit/audit-log.entity.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthContext } from '../auth/roles.js';
import { CardEntity } from '../cards/card.entity.js';
import { ManualClock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { loadServerConfig } from '../config/server-config.js';
import { DoorEntity } from '../doors/door.entity.js';
import { DoorRepository } from '../doors/door.repository.js';
import { EventEntity } from '../events/event.entity.js';
import { EventsService } from '../events/events.service.js';
import { SeqTracker } from '../events/seq-tracker.js';
import { RefusedEventEntity } from '../events/refused-event.entity.js';
import type { EventAdmission } from '../events/event-admission.js';
import { PersonEntity } from '../people/person.entity.js';
import type { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { PermissionChangeEntity } from '../site/permission-change.entity.js';
import { PermissionChangesService } from '../site/permission-changes.service.js';
import { SiteService } from '../site/site.service.js';
import { SiteSettingsEntity } from '../site/site-settings.entity.js';
import { openDatabase } from './data-source.js';
import { DomainSignalBus } from '../common/domain-signals.js';

interface Backend {
  name: string;
  skip: string | false;
  open(): Promise<{ ds: DataSource; dispose: () => Promise<void> }>;
}

const postgresUrl = process.env.ACS_TEST_POSTGRES_URL;

const BACKENDS: Backend[] = [
  {
    name: 'SQLite',
    skip: false,
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'acs-repo-'));
      const ds = await openDatabase({ db: 'sqlite', sqlitePath: join(dir, 'acs.sqlite'), databaseUrl: null, dbSchema: null });
      return {
        ds,
        async dispose() {
          await ds.destroy();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgresUrl ? false : 'set ACS_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run against PostgreSQL',
    async open() {
      const schema = `acs_repo_${randomBytes(6).toString('hex')}`;
      const ds = await openDatabase({ db: 'postgres', sqlitePath: '', databaseUrl: postgresUrl!, dbSchema: schema });
      return {
        ds,
        async dispose() {
          await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
          await ds.destroy();
        },
      };
    },
  },
];

const ADMIN: AuditActor = { userId: randomUUID(), username: 'admin', role: 'admin' };
const asAdmin = (requestId: string = randomUUID()): AuditContext => ({ source: 'http', actor: ADMIN, requestId, ip: '10.0.0.9' });

function newPerson(name: string, at: number): PersonEntity {
  return {
    id: randomUUID(),
    name,
    kind: 'employee',
    department: null,
    email: null,
    status: 'active',
    departedAt: null,
    departureVersion: null,
    createdAt: at,
    updatedAt: at,
  };
}

function newCard(credential: string, status: CardEntity['status'], at: number): CardEntity {
  return {
    id: randomUUID(),
    credential,
    type: 'employee',
    status,
    personId: null,
    validFrom: null,
    validUntil: null,
    levelCeilingOverride: null,
    statusChangedAt: at,
    createdAt: at,
    updatedAt: at,
  } as CardEntity;
}

for (const backend of BACKENDS) {
  describeUnless(backend.skip)(`the repository layer on ${backend.name}`, () => {
    let ds: DataSource;
    let dispose: () => Promise<void>;
    let audit: AuditService;
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 8, 0, 0));
    const isPostgres = backend.name === 'PostgreSQL';

    beforeAll(async () => {
      ({ ds, dispose } = await backend.open());
      audit = new AuditService(ds, clock);
      audit.onModuleInit();
    });
    afterAll(async () => {
      await dispose?.();
    });

    async function lastSeq(): Promise<number> {
      return (await audit.list({ limit: 1 })).items[0]?.seq ?? 0;
    }

    test('writes made for a person append to the audit chain with before and after; the system’s writes do not', async () => {
      const people = ds.getRepository(PersonEntity);
      const person = newPerson('Audit Subject', clock.now());
      await people.insert(person);
      assert.equal(await lastSeq(), 0, 'no audit context: not a person’s change');

      await runWithAuditContext(asAdmin('r-1'), async () => {
        const other = newPerson('Created By Admin', clock.now());
        await people.insert(other);
        await people.update({ id: person.id }, { department: 'Security', updatedAt: clock.now() + 1 });
        const loaded = await people.findOneByOrFail({ id: other.id });
        loaded.email = 'admin.made@example.test';
        await people.save(loaded);
        await people.delete({ id: other.id });
      });
      const items = (await audit.list({ limit: 10 })).items.reverse();
      assert.deepEqual(
        items.map((e) => [e.seq, e.action, e.entityType]),
        [
          [1, 'create', 'people'],
          [2, 'update', 'people'],
          [3, 'update', 'people'],
          [4, 'delete', 'people'],
        ],
      );
      assert.equal(items[1]!.entityId, person.id);
      assert.equal(items[1]!.before?.['department'], null);
      assert.equal(items[1]!.after?.['department'], 'Security');
      assert.equal(items[2]!.before?.['email'], null);
      assert.equal(items[2]!.after?.['email'], 'admin.made@example.test');
      assert.equal(items[3]!.before?.['name'], 'Created By Admin');
      assert.equal(items[3]!.after, null);
      assert.ok(items.every((e) => e.actorUsername === 'admin' && e.ip === '10.0.0.9'));
      assert.deepEqual(await audit.verify(), { ok: true, checked: 4, lastSeq: 4 });
    });

    test('a transaction that rolls back leaves no audit entry; one that commits leaves all of them', async () => {
      const start = await lastSeq();
      const people = ds.getRepository(PersonEntity);
      await assert.rejects(
        runWithAuditContext(asAdmin(), () =>
          ds.transaction(async (manager) => {
            await manager.getRepository(PersonEntity).insert(newPerson('Rolled Back', clock.now()));
            await audit.record({ action: 'test.inside_rollback' }, manager);
            throw new Error('abort on purpose');
          }),
        ),
        /abort on purpose/,
      );
      assert.equal(await lastSeq(), start);
      assert.equal(await people.countBy({ name: 'Rolled Back' }), 0);

      await runWithAuditContext(asAdmin(), () =>
        ds.transaction(async (manager) => {
          await manager.getRepository(PersonEntity).insert(newPerson('Committed One', clock.now()));
          await manager.getRepository(PersonEntity).insert(newPerson('Committed Two', clock.now()));
          await audit.record({ action: 'test.inside_commit', detail: 'with the writes' }, manager);
        }),
      );
      const items = (await audit.list({ limit: 3 })).items.reverse();
      assert.deepEqual(
        items.map((e) => [e.seq - start, e.action, e.after?.['name'] ?? e.detail]),
        [
          [1, 'create', 'Committed One'],
          [2, 'create', 'Committed Two'],
          [3, 'test.inside_commit', 'with the writes'],
        ],
      );
      assert.equal((await audit.verify()).ok, true);
    });

    test('one UPDATE hitting many rows records each row, however many', async () => {
      const start = await lastSeq();
      const people = ds.getRepository(PersonEntity);
      const rows = Array.from({ length: 1200 }, (_, i) => ({ ...newPerson(`Bulk ${i}`, clock.now()), department: 'Bulk' }));
      for (let i = 0; i < rows.length; i += 200) await people.insert(rows.slice(i, i + 200));
      await runWithAuditContext(asAdmin('bulk'), () => people.update({ department: 'Bulk' }, { department: 'Bulk moved' }));
      const result = await audit.verify();
      assert.equal(result.ok, true);
      assert.equal(result.lastSeq, start + rows.length);
      const page = await audit.list({ limit: 5, action: 'update', entityType: 'people' });
      assert.ok(page.items.every((e) => e.before?.['department'] === 'Bulk' && e.after?.['department'] === 'Bulk moved'));
    });

    test('concurrent writers extend one chain: no fork, no gap', async () => {
      const start = await lastSeq();
      const writers = 16;
      await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          runWithAuditContext(asAdmin(`c-${i}`), async () => {
            if (i % 2 === 0) await ds.getRepository(PersonEntity).insert(newPerson(`Concurrent ${i}`, clock.now()));
            else await audit.record({ action: 'test.concurrent', detail: String(i) });
          }),
        ),
      );
      const result = await audit.verify();
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.lastSeq, start + writers);
      const requestIds = (await audit.list({ limit: writers })).items.map((e) => e.requestId).sort();
      assert.equal(new Set(requestIds).size, writers, 'every writer has exactly one entry');
    });

    test('an entry changed behind the triggers fails verification at that entry; a deleted one shows as a gap', async () => {
      const seqs = (await audit.list({ limit: 500 })).items.map((e) => e.seq);
      const target = seqs[Math.floor(seqs.length / 2)]!;
      const missing = target + 2;
      const tamper = async (sql: string) => {
        // The triggers stop this in normal operation; someone with the database's owner rights can switch them off.
        if (isPostgres) {
          const runner = ds.createQueryRunner();
          try {
            await runner.query('SET session_replication_role = replica');
            await runner.query(sql.replaceAll('audit_log', `"${(ds.driver as { schema?: string }).schema}".audit_log`));
            await runner.query('SET session_replication_role = DEFAULT');
          } finally {
            await runner.release();
          }
        } else {
          const triggers = await ds.query<Array<{ sql: string }>>(
            `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_log_refuse_%'`,
          );
          await ds.query('DROP TRIGGER audit_log_refuse_update');
          await ds.query('DROP TRIGGER audit_log_refuse_delete');
          try {
            await ds.query(sql);
          } finally {
            for (const t of triggers) await ds.query(t.sql);
          }
        }
      };
      const q = (n: number) => (isPostgres ? `$${n}` : '?');
      await assert.rejects(
        ds.query(
          `UPDATE ${isPostgres ? `"${(ds.driver as { schema?: string }).schema}".` : ''}audit_log SET detail = ${q(1)} WHERE seq = ${q(2)}`,
          ['x', target],
        ),
        /append-only/,
      );

      await tamper(`UPDATE audit_log SET actor_username = 'someone-else' WHERE seq = ${target}`);
      const changed = await audit.verify();
      assert.equal(changed.ok, false);
      assert.equal(changed.firstBadSeq, target);
      assert.match(changed.reason ?? '', /changed after it was written/);

      await tamper(`UPDATE audit_log SET actor_username = 'admin' WHERE seq = ${target}`);
      assert.equal((await audit.verify()).ok, true, 'restored');

      await tamper(`DELETE FROM audit_log WHERE seq = ${missing}`);
      const gap = await audit.verify();
      assert.equal(gap.ok, false);
      assert.equal(gap.firstBadSeq, missing);
      assert.match(gap.reason ?? '', new RegExp(`entry ${missing} is missing`));
    });

    test('one physical card has at most one live card record: the unique index refuses a second', async () => {
      const cards = ds.getRepository(CardEntity);
      const credential = `em4100:${1000 + Math.floor(Math.random() * 1000)}`;
      await cards.insert(newCard(credential, 'active', clock.now()));
      const duplicate = await cards.insert(newCard(credential, 'suspended', clock.now())).then(
        () => null,
        (err: unknown) => err,
      );
      assert.ok(isUniqueViolation(duplicate), `a unique violation, got ${String(duplicate)}`);
      await cards.insert(newCard(credential, 'revoked', clock.now()));
      await cards.insert(newCard(credential, 'destroyed', clock.now()));
      assert.equal(await cards.countBy({ credential }), 3, 'closed records of the same card are kept');
    });

    test('events are stored once whatever the replays, and page newest first without overlap', async () => {
      const agents = ds.getRepository(AgentEntity);
      await agents.insert({
        id: 'agent-r',
        name: 'r',
        mqttPasswordHash: '!',
        online: false,
        lastSeenAt: null,
        softwareVersion: null,
        appliedVersion: null,
        appliedHash: null,
        appliedAt: null,
        hashMatches: null,
        contiguousSeq: 0,
        createdAt: clock.now(),
      });
      const realtime = {
        emitEvent: () => undefined,
        storedEventsChannel: null,
        onStoredEvents: () => undefined,
      } as unknown as RealtimeGateway;
      const signals = new DomainSignalBus();
      // Admission (doors, holders, device time) has its own tests; here every event passes as sent.
      const admitAll = {
        admit: async (_agentId: string, batch: AgentEvent[]) => ({
          admitted: batch.map((event) => ({ event, deviceOccurredAt: null })),
          refused: [],
        }),
      } as unknown as EventAdmission;
      const seqs = new SeqTracker(
        new AgentRepository(agents),
        ds.getRepository(EventEntity),
        ds.getRepository(RefusedEventEntity),
        signals,
        clock,
      );
      const events = new EventsService(
        ds.getRepository(EventEntity),
        ds.getRepository(RefusedEventEntity),
        new DoorRepository(ds.getRepository(DoorEntity)),
        seqs,
        admitAll,
        realtime,
        clock,
        signals,
        new MetricsService(
          ds,
          { instanceId: 'repository-test' },
          new AgentRepository(agents),
          new AlertRepository(ds.getRepository(AlertEntity)),
          new SiteService(ds.getRepository(SiteSettingsEntity), clock, loadServerConfig({})),
        ),
      );
      const batch: AccessEvent[] = Array.from({ length: 7 }, (_, i) => ({
        eventId: randomUUID(),
        agentId: 'agent-r',
        seq: i + 1,
        occurredAt: clock.now() + i * 1000,
        kind: 'access',
        doorId: 'office-gate',
        readerId: 'office-gate-in',
        direction: 'in',
        zoneId: 'office',
        credential: 'em4100:3887558',
        cardId: null,
        personId: null,
        holder: null,
        granted: true,
        reason: 'granted',
        permissionVersion: 1,
      }));
      const first = await events.ingest('agent-r', batch);
      assert.equal(first.stored.length, 7);
      const replay = await events.ingest('agent-r', [...batch.slice(2), ...batch.slice(0, 3)]);
      assert.equal(replay.stored.length, 0);
      assert.equal(replay.duplicates, 8);
      assert.deepEqual(
        replay.ackSeqs.sort((a, b) => a - b),
        [1, 2, 3, 4, 5, 6, 7],
      );
      assert.equal(await ds.getRepository(EventEntity).countBy({ agentId: 'agent-r' }), 7);

      const staff: AuthContext = {
        user: { id: 'x', username: 'auditor', displayName: 'A', role: 'auditor', personId: null, locale: 'en' },
        sessionId: 'x',
      };
      const seen: number[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const result = await events.list(staff, { limit: 3, ...(cursor === undefined ? {} : { before: cursor }) });
        seen.push(...result.items.map((e) => e.seq));
        if (!result.next) break;
        cursor = result.next;
      }
      assert.deepEqual(seen, [7, 6, 5, 4, 3, 2, 1]);
    });

    test('the audit list pages by sequence number without overlap or loss', async () => {
      // Read straight from the table (the tampering test above left a gap on purpose).
      const stored = (await ds.getRepository(AuditLogEntity).find({ select: { seq: true }, order: { seq: 'DESC' } })).map((e) => e.seq);
      assert.ok(stored.length > 1000);
      const paged: number[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await audit.list({ limit: 97, ...(before === undefined ? {} : { before }) });
        paged.push(...page.items.map((e) => e.seq));
        if (!page.next) break;
        before = page.next;
      }
      assert.deepEqual(paged, stored);
    });

    test('concurrent permission-version bumps each get their own version', async () => {
      const config = loadServerConfig({});
      const site = new SiteService(ds.getRepository(SiteSettingsEntity), clock, config);
      const start = (await site.ensure()).permissionVersion;
      const bumps = await Promise.all(Array.from({ length: 40 }, () => site.bumpPermissionVersion()));
      assert.deepEqual(
        [...bumps].sort((a, b) => a - b),
        Array.from({ length: 40 }, (_, i) => start + i + 1),
      );
      assert.equal(await site.permissionVersion(), start + 40);

      const changes = new PermissionChangesService(site, clock, ds.getRepository(PermissionChangeEntity));
      const versions = await Promise.all(Array.from({ length: 20 }, (_, i) => changes.record(`change ${i}`, { cardIds: [String(i)] })));
      assert.equal(new Set(versions).size, 20, 'every recorded change has its own version');
      assert.equal(await ds.getRepository(PermissionChangeEntity).count(), 20);
    });
  });
}
