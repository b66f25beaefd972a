import { afterAll, beforeAll, test } from '@jest/globals';
import { describeUnless, testUnless } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import { io, type Socket } from 'socket.io-client';
import type { AlertView } from '@acs/shared/api/alerts';
import type { EventView } from '@acs/shared/api/events';
import type { PersonView } from '@acs/shared/api/people';
import type { AccessEvent } from '@acs/shared/mqtt/payloads';
import type { ServerToClientEvents } from '@acs/shared/realtime/events';
import { AgentEntity } from '../agents/agent.entity.js';
import { AlertsService } from '../alerts/alerts.service.js';
import { DomainSignalBus } from '../common/domain-signals.js';
import type { ServerConfig } from '../config/server-config.js';
import { EventsService } from '../events/events.service.js';
import { SITE_ROW_ID, SiteSettingsEntity } from '../site/site-settings.entity.js';
import { grantedAccess } from '../testing/access-events.js';
import { sleep, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';
import { postgresSkip, sharedDatabase, type SharedDatabase } from '../testing/shared-database.js';

type LiveSocket = Socket<ServerToClientEvents>;

for (const kind of ['sqlite', 'postgres'] as const) {
  describeUnless(kind === 'postgres' ? postgresSkip : false)(
    `two server instances on ${kind === 'sqlite' ? 'one SQLite file' : 'one PostgreSQL schema'}`,
    () => {
      let db: SharedDatabase;
      let a: TestServer;
      let b: TestServer;
      let zhang: PersonView;
      let seq = 1;
      const sockets: LiveSocket[] = [];

      const ingestOn = async (t: TestServer, ...events: AccessEvent[]) => {
        await t.server.app.get(EventsService).ingest('agent-1', events);
        await t.server.app.get(AlertsService).idle();
      };
      const live = async (t: TestServer, username: string): Promise<LiveSocket> => {
        const socket: LiveSocket = io(t.url, {
          auth: { token: await t.token(username) },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        sockets.push(socket);
        await waitFor(() => socket.connected, `${username}'s socket`);
        return socket;
      };

      beforeAll(async () => {
        db = await sharedDatabase(kind);
        const settings: Partial<ServerConfig> =
          kind === 'sqlite'
            ? { sqlitePath: db.settings.sqlitePath }
            : { db: 'postgres', databaseUrl: db.settings.databaseUrl, dbSchema: db.settings.dbSchema };
        a = await startTestServer({ ...settings, instanceId: 'instance-a' });
        b = await startTestServer({ ...settings, instanceId: 'instance-b' });
        const people = (await a.request<PersonView[]>('GET', '/api/people', { token: await a.token('admin') })).body;
        zhang = people.find((p) => p.name.includes('Zhang Wei'))!;
      });
      afterAll(async () => {
        for (const s of sockets) s.close();
        await a?.close();
        await b?.close();
        await db?.drop();
      });

      // SQLite serves one instance; two connections in one test process that both write at once
      // block each other's event loop in better-sqlite3's busy wait, which is no race a real
      // deployment has.
      testUnless(kind === 'sqlite' ? 'SQLite serves a single instance' : false)(
        'two instances raising the same condition at the same moment open one alert, not two',
        async () => {
          const refused = { agentId: 'agent-9', clientId: 'acs-agent-agent-9', reason: 'wrong password or unknown agent' };
          for (let round = 0; round < 5; round += 1) {
            const at = Date.now();
            a.server.app.get(DomainSignalBus).emit('agent.refused', { ...refused, at });
            b.server.app.get(DomainSignalBus).emit('agent.refused', { ...refused, at });
          }
          await Promise.all([a.server.app.get(AlertsService).idle(), b.server.app.get(AlertsService).idle()]);
          const open = (await a.request<AlertView[]>('GET', '/api/alerts', { token: await a.token('guard') })).body.filter(
            (x) => x.type === 'agent_refused' && x.detail?.startsWith('agent-9'),
          );
          assert.equal(open.length, 1, 'one open alert for the condition');
          assert.ok(open[0]!.count >= 2, `both instances folded into it (count ${open[0]!.count})`);
          assert.equal([...a.logs.lines, ...b.logs.lines].filter((l) => /alert handling failed/.test(l.message)).length, 0);
        },
      );

      test('denials of one card at one door add up across the instances that ingested them: the third raises repeated_denials', async () => {
        const denied = (): AccessEvent =>
          grantedAccess(zhang, {
            seq: seq++,
            occurredAt: Date.now(),
            credential: 'em4100:999001',
            personId: null,
            holder: null,
            granted: false,
            reason: 'outside_schedule',
          });
        await ingestOn(a, denied());
        await ingestOn(b, denied());
        const alerts = async () =>
          (await b.request<AlertView[]>('GET', '/api/alerts', { token: await b.token('guard') })).body.filter(
            (x) => x.type === 'repeated_denials',
          );
        assert.equal((await alerts()).length, 0, 'two denials are not yet repeated');
        await ingestOn(a, denied());
        const [alert] = await alerts();
        assert.ok(alert, 'instance A saw only two of the denials itself, yet raised the alert');
        assert.match(alert.detail ?? '', /^3 denials within/);
      });

      test('an agent behind the permission version is tracked across sweeps on different instances: raised after the threshold, cleared once it caught up', async () => {
        const agents = a.dataSource().getRepository(AgentEntity);
        const version = (await a.dataSource().getRepository(SiteSettingsEntity).findOneByOrFail({ id: SITE_ROW_ID })).permissionVersion;
        await agents.update({ id: 'agent-1' }, { online: true, appliedVersion: version - 1, behindSince: null });
        const { syncLagSeconds } = await a.server.app.get(AlertsService).rules();
        const now = Date.now();
        const lagging = async () =>
          (await b.request<AlertView[]>('GET', '/api/alerts', { token: await b.token('guard') })).body.filter(
            (x) => x.type === 'sync_lagging' && x.active,
          );
        await a.server.app.get(AlertsService).sweep(now);
        assert.equal((await agents.findOneByOrFail({ id: 'agent-1' })).behindSince, now);
        await b.server.app.get(AlertsService).sweep(now + syncLagSeconds * 1000 - 1);
        assert.equal((await lagging()).length, 0, 'not yet behind for long enough');
        await b.server.app.get(AlertsService).sweep(now + syncLagSeconds * 1000);
        assert.equal((await lagging()).length, 1, 'B raises it from the time A first saw the agent behind');
        await agents.update({ id: 'agent-1' }, { appliedVersion: version });
        await a.server.app.get(AlertsService).sweep(now + syncLagSeconds * 1000 + 5000);
        assert.equal((await lagging()).length, 0, 'A clears the alert B raised');
        assert.equal((await agents.findOneByOrFail({ id: 'agent-1' })).behindSince, null);
      });

      if (kind === 'sqlite') {
        test('on SQLite the live updates stay in process: no relay is set up', () => {
          assert.equal(a.logs.matching(/relayed between instances/).length, 0);
        });
        return;
      }

      test('a dashboard on instance B receives events and alerts instance A produced, staff and person rooms alike', async () => {
        const guard = await live(b, 'guard');
        const employee = await live(b, 'zhangwei');
        const other = await live(b, 'lina');
        const seen = { guard: [] as EventView[], employee: [] as EventView[], other: [] as EventView[], alerts: [] as AlertView[] };
        guard.on('event:v1', (e) => seen.guard.push(e));
        guard.on('alert:v1', (x) => seen.alerts.push(x));
        employee.on('event:v1', (e) => seen.employee.push(e));
        other.on('event:v1', (e) => seen.other.push(e));

        const badge = grantedAccess(zhang, { seq: seq++, occurredAt: Date.now() });
        await ingestOn(a, badge);
        await waitFor(() => seen.guard.some((e) => e.eventId === badge.eventId), 'the guard on B to see the event ingested on A');
        await waitFor(() => seen.employee.some((e) => e.eventId === badge.eventId), 'Zhang Wei on B to see his own event');
        await ingestOn(a, grantedAccess(zhang, { seq: seq++, occurredAt: Date.now(), reason: 'card_lost', granted: false }));
        await waitFor(() => seen.alerts.some((x) => x.type === 'card_lost_used'), 'the alert raised on A to reach the guard on B');
        await sleep(200);
        assert.equal(seen.other.length, 0, 'another employee on B receives none of it');
        assert.equal(seen.guard.filter((e) => e.eventId === badge.eventId).length, 1, 'once, not once per instance');
        assert.equal(b.logs.matching(/relayed between instances through PostgreSQL/).length, 1);
      });
    },
  );
}
