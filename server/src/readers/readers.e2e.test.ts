import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import type { AuditEntryView } from '@acs/shared/api/audit';
import type { ApiError, Page } from '@acs/shared/api/http';
import type { CommandMessage } from '@acs/shared/mqtt/payloads';
import { agentTopic } from '@acs/shared/mqtt/topics';
import type { OsdpReaderDetail, ReaderReportEntry, ReadersReport } from '@acs/shared/readers/reader-report';
import type { ReaderKeyOperationView, ReaderView } from '@acs/shared/readers/reader-views';
import { AgentMessageRouter } from '../agent-link/agent-message-router.service.js';
import { AuditLogEntity } from '../audit/audit-log.entity.js';
import { createAdmin } from '../cli-commands.js';
import { StartupError } from '../common/startup-error.js';
import { connectAgent, MessageLog, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';
import { ReaderKeyEntity } from './reader-key.entity.js';
import { demoMasterKeyFile, ReaderKeyVault } from './reader-key-vault.js';

const OSDP: OsdpReaderDetail = {
  address: 1,
  baudRate: 9600,
  line: '/dev/ttyUSB0',
  identity: { vendorCode: '5a4353', model: 2, version: 1, serialNumber: 4097, firmware: '1.4.2' },
  capabilities: [
    { function: 4, compliance: 1, items: 1 },
    { function: 9, compliance: 1, items: 1 },
  ],
  secureChannel: 'awaiting_key',
  keyId: null,
  keyInstalledAt: null,
  provisioningUntil: null,
};

function report(
  entries: Partial<ReaderReportEntry>[] = [],
  results: ReadersReport['results'] = [],
  osdp: Partial<OsdpReaderDetail> = {},
): ReadersReport {
  return {
    agentId: 'agent-1',
    at: Date.now(),
    readers: [
      { readerId: 'office-gate-in', type: 'rdm6300', doorId: 'office-gate', direction: 'in', online: true, fault: null },
      {
        readerId: 'office-gate-out',
        type: 'osdp',
        doorId: 'office-gate',
        direction: 'out',
        online: true,
        fault: null,
        osdp: { ...OSDP, ...osdp },
      },
      ...(entries as ReaderReportEntry[]),
    ],
    results,
  };
}

const REF = 'agent-1.office-gate-out';

describe('readers and OSDP key management', () => {
  let t: TestServer;
  let agent: MqttClient;
  let commands: MessageLog;
  let admin: string;

  /** Publishes as the agent and waits until the server has handled (or dropped) the message. */
  async function publishAs(channel: 'readers' | 'state', payload: string): Promise<void> {
    const router = t.server.app.get(AgentMessageRouter);
    const seen = () => router.stats.handled + router.stats.malformed + router.stats.failed;
    const before = seen();
    await agent.publishAsync(agentTopic('agent-1', channel), payload, { qos: 1, retain: true });
    await waitFor(() => seen() > before, `the server handling ${channel}`);
    await router.idle();
  }

  async function publishReport(value: ReadersReport | string): Promise<void> {
    await publishAs('readers', typeof value === 'string' ? value : JSON.stringify(value));
  }

  async function publishState(online: boolean): Promise<void> {
    await publishAs('state', JSON.stringify({ agentId: 'agent-1', online, at: Date.now() }));
  }

  async function readers(token = admin): Promise<ReaderView[]> {
    const res = await t.request<ReaderView[]>('GET', '/api/readers', { token });
    assert.equal(res.status, 200);
    return res.body;
  }

  const commandsFor = (kind: CommandMessage['command']) =>
    commands
      .on(agentTopic('agent-1', 'commands'))
      .map((m) => JSON.parse(m.payload) as CommandMessage)
      .filter((c) => c.command === kind);

  beforeAll(async () => {
    t = await startTestServer();
    admin = await t.token('admin');
    agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
    commands = new MessageLog(agent);
    await agent.subscribeAsync(agentTopic('agent-1', 'commands'), { qos: 1 });
    await publishState(true);
  });

  afterAll(async () => {
    await agent.endAsync(true);
    await t.close();
  });

  test('the readers an agent reports are listed for admins, guards and auditors with identity, capabilities and secure-channel state', async () => {
    await publishReport(report());
    for (const user of ['admin', 'guard', 'auditor']) {
      const list = await readers(await t.token(user));
      const osdp = list.find((r) => r.id === REF);
      assert.ok(osdp, `${user} sees the OSDP reader`);
      assert.deepEqual(osdp.osdp?.identity, OSDP.identity);
      assert.equal(osdp.osdp?.secureChannel, 'awaiting_key');
      assert.deepEqual([osdp.online, osdp.agentOnline, osdp.key, osdp.lastOperation], [true, true, null, null]);
      assert.equal(list.find((r) => r.id === 'agent-1.office-gate-in')?.osdp, null);
    }
    assert.equal((await t.request('GET', '/api/readers', { token: await t.token('zhangwei') })).status, 403);
    assert.equal((await t.request('GET', '/api/readers')).status, 401);
  });

  test('a reader the agent stops reporting disappears; a malformed report changes nothing', async () => {
    await publishReport(
      report([{ readerId: 'lab-out', type: 'osdp', doorId: 'lab', direction: 'out', online: false, fault: 'no_response', osdp: OSDP }]),
    );
    assert.equal((await readers()).find((r) => r.id === 'agent-1.lab-out')?.fault, 'no_response');
    await publishReport(report());
    assert.equal(
      (await readers()).find((r) => r.id === 'agent-1.lab-out'),
      undefined,
    );
    const malformed = t.server.app.get(AgentMessageRouter).stats.malformed;
    await publishReport('{"agentId":"agent-1","readers":[{"readerId":"x"}]}');
    await publishReport('not json');
    assert.equal(t.server.app.get(AgentMessageRouter).stats.malformed, malformed + 2);
    assert.equal((await readers()).length, 2);
    await publishReport(report());
  });

  test('an admin opens a provisioning window: the agent gets the command, the operation is recorded; others may not', async () => {
    const guard = await t.token('guard');
    assert.equal((await t.request('POST', `/api/readers/${REF}/provisioning-window`, { token: guard, body: { minutes: 10 } })).status, 403);
    const bad = await t.request<ApiError>('POST', `/api/readers/${REF}/provisioning-window`, { token: admin, body: { minutes: 0 } });
    assert.equal(bad.status, 400);
    assert.equal(
      (await t.request('POST', `/api/readers/${REF}/provisioning-window`, { token: admin, body: { minutes: 10, extra: 1 } })).status,
      400,
    );

    const res = await t.request<ReaderKeyOperationView>('POST', `/api/readers/${REF}/provisioning-window`, {
      token: admin,
      body: { minutes: 10 },
    });
    assert.equal(res.status, 201);
    assert.deepEqual([res.body.kind, res.body.status, res.body.detail, res.body.keyId], ['provisioning_window', 'sent', '10 min', null]);
    assert.ok(res.body.actorName);
    const command = await waitFor(() => commandsFor('reader-provisioning-window').at(-1), 'the command at the agent');
    assert.ok(command.command === 'reader-provisioning-window');
    assert.deepEqual([command.readerId, command.durationMs], ['office-gate-out', 600_000]);

    await publishReport(
      report([], [{ commandId: command.commandId, readerId: 'office-gate-out', status: 'done', error: null, at: Date.now() }], {
        secureChannel: 'install_mode',
      }),
    );
    const view = (await readers()).find((r) => r.id === REF)!;
    assert.deepEqual([view.lastOperation?.status, view.osdp?.secureChannel], ['done', 'install_mode']);
  });

  test('installing a key: generated by the server, stored sealed, sent to the owning agent; confirmed by its report', async () => {
    const res = await t.request<ReaderKeyOperationView>('POST', `/api/readers/${REF}/keys`, { token: admin });
    assert.equal(res.status, 201);
    assert.deepEqual([res.body.kind, res.body.status], ['key_install', 'sent']);
    const command = await waitFor(() => commandsFor('reader-key').at(-1), 'the key command');
    assert.ok(command.command === 'reader-key');
    assert.match(command.key, /^[0-9a-f]{32}$/);
    assert.equal(command.keyId, res.body.keyId);
    assert.ok(!JSON.stringify(res.body).includes(command.key), 'the key is not in the API answer');

    // Stored sealed: the column holds no trace of the key, and the vault opens it to the same bytes.
    const row = await t.server.app.get(DataSource).getRepository(ReaderKeyEntity).findOneByOrFail({ id: command.keyId });
    assert.ok(!row.sealed.includes(command.key) && !row.sealed.includes(Buffer.from(command.key, 'hex').toString('base64')));
    assert.equal(t.server.app.get(ReaderKeyVault).open(row.sealed).toString('hex'), command.key);
    assert.equal(row.status, 'pending');
    assert.ok(
      !(await readFile(join(t.dataDir, 'acs.sqlite'))).includes(Buffer.from(command.key, 'hex')),
      'not in the database file in clear',
    );

    await publishReport(
      report([], [{ commandId: command.commandId, readerId: 'office-gate-out', status: 'done', error: null, at: Date.now() }], {
        secureChannel: 'secure',
        keyId: command.keyId,
        keyInstalledAt: Date.now(),
      }),
    );
    const view = (await readers()).find((r) => r.id === REF)!;
    assert.equal(view.key?.keyId, command.keyId);
    assert.equal(view.key?.inForce, true);
    assert.ok(view.key.installedAt > 0);
    assert.deepEqual([view.lastOperation?.kind, view.lastOperation?.status], ['key_install', 'done']);
  });

  test('rotating the key: a failure reported by the agent is recorded and leaves the key in force alone', async () => {
    const before = (await readers()).find((r) => r.id === REF)!.key!;
    const res = await t.request<ReaderKeyOperationView>('POST', `/api/readers/${REF}/keys`, { token: admin });
    assert.equal(res.body.kind, 'key_rotate');
    const command = await waitFor(
      () => commandsFor('reader-key').find((c) => c.command === 'reader-key' && c.keyId === res.body.keyId),
      'the rotation command',
    );
    await publishReport(
      report(
        [],
        [
          {
            commandId: command.commandId,
            readerId: 'office-gate-out',
            status: 'failed',
            error: 'no secure session with reader office-gate-out in time',
            at: Date.now(),
          },
        ],
        {
          secureChannel: 'secure',
          keyId: before.keyId,
        },
      ),
    );
    const view = (await readers()).find((r) => r.id === REF)!;
    assert.deepEqual(
      [view.lastOperation?.status, view.lastOperation?.detail],
      ['failed', 'no secure session with reader office-gate-out in time'],
    );
    assert.equal(view.key?.keyId, before.keyId);
    const operations = await t.request<ReaderKeyOperationView[]>('GET', `/api/readers/${REF}/operations`, {
      token: await t.token('auditor'),
    });
    assert.deepEqual(
      operations.body.map((o) => [o.kind, o.status]),
      [
        ['key_rotate', 'failed'],
        ['key_install', 'done'],
        ['provisioning_window', 'done'],
      ],
    );
    assert.ok(operations.body.every((o) => o.actorUserId !== null));
  });

  test('every window and key operation is an audit entry naming the key by id; no key, sealed or clear, is ever in the log', async () => {
    const auditor = await t.token('auditor');
    const res = await t.request<Page<AuditEntryView>>('GET', `/api/audit?action=reader.&limit=50`, { token: auditor });
    assert.equal(res.status, 200);
    const entries = [...res.body.items].reverse();
    assert.deepEqual(
      entries.map((e) => [e.action, e.actorUsername, e.source]),
      [
        ['reader.provisioning_window', 'admin', 'http'],
        ['reader.operation_done', null, 'system'],
        ['reader.key_install', 'admin', 'http'],
        ['reader.operation_done', null, 'system'],
        ['reader.key_rotate', 'admin', 'http'],
        ['reader.operation_failed', null, 'system'],
      ],
    );
    assert.ok(entries.every((e) => e.entityType === 'readers' && e.entityId === REF));
    assert.deepEqual(entries[0]!.after?.minutes, 10);
    const keyCommands = commandsFor('reader-key').flatMap((c) => (c.command === 'reader-key' ? [c] : []));
    assert.equal(keyCommands.length, 2);
    const [installed, rotated] = keyCommands;
    assert.equal(entries[2]!.after?.keyId, installed!.keyId);
    assert.deepEqual([entries[4]!.before?.keyId, entries[4]!.after?.keyId], [installed!.keyId, rotated!.keyId]);
    assert.match(String(entries[5]!.detail), /key_rotate failed, reported by agent agent-1: no secure session/);

    // The whole log, rows as stored: neither key in clear (hex, base64) nor its sealed form, and no entity entry for the key tables.
    const dataSource = t.server.app.get(DataSource);
    const log = JSON.stringify(await dataSource.getRepository(AuditLogEntity).find());
    const sealed = await dataSource.getRepository(ReaderKeyEntity).find();
    assert.equal(sealed.length, 2);
    for (const command of keyCommands) {
      assert.ok(!log.includes(command.key), 'no key in hex');
      assert.ok(!log.includes(Buffer.from(command.key, 'hex').toString('base64')), 'no key in base64');
    }
    for (const row of sealed) assert.ok(!log.includes(row.sealed.slice(3, 40)), 'no sealed key');
    const tables = await t.request<Page<AuditEntryView>>('GET', `/api/audit?entityType=reader_keys`, { token: auditor });
    assert.deepEqual(tables.body.items, []);
    assert.deepEqual(
      (await t.request<Page<AuditEntryView>>('GET', `/api/audit?entityType=reader_key_operations`, { token: auditor })).body.items,
      [],
    );
    const verify = await t.request<{ ok: boolean }>('GET', '/api/audit/verify', { token: auditor });
    assert.equal(verify.body.ok, true);
  });

  test('refusals: a non-OSDP reader, an unknown reader, an agent that is offline', async () => {
    assert.equal((await t.request<ApiError>('POST', '/api/readers/agent-1.office-gate-in/keys', { token: admin })).status, 409);
    assert.equal((await t.request<ApiError>('POST', '/api/readers/agent-1.nowhere/keys', { token: admin })).status, 404);
    assert.equal(
      (await t.request<ApiError>('POST', '/api/readers/not-a-ref/provisioning-window', { token: admin, body: { minutes: 5 } })).status,
      404,
    );
    await publishState(false);
    const offline = await t.request<ApiError>('POST', `/api/readers/${REF}/keys`, { token: admin });
    assert.equal(offline.status, 409);
    assert.match(String(offline.body.message), /offline/);
    assert.equal((await readers()).find((r) => r.id === REF)?.online, false, 'a reader of an offline agent is not online');
    await publishState(true);
  });

  test('demo mode keeps its generated master key in the data folder, readable by the owner only', async () => {
    const file = demoMasterKeyFile(t.dataDir);
    assert.match((await readFile(file, 'utf8')).trim(), /^[0-9a-f]{64}$/);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });
});

describe('reader key operations and the master key', () => {
  test('production without ACS_SECRET_KEY_FILE refuses key operations (503) but runs; with a key file they work', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acs-reader-keys-'));
    try {
      const passwordFile = join(dir, 'admin-password');
      await writeFile(passwordFile, 'a sound passphrase 42\n', { mode: 0o600 });
      await createAdmin({ username: 'boss', passwordFile }, { ACS_DATA_DIR: dir });
      const withoutKey = await startTestServer({ mode: 'production', dataDir: dir });
      try {
        const token = (await withoutKey.login('boss', 'a sound passphrase 42')).token;
        const refused = await withoutKey.request<ApiError>('POST', '/api/readers/agent-9.r/keys', { token });
        assert.deepEqual([refused.status, refused.body.error], [503, 'key_store_unavailable']);
        assert.match(String(refused.body.message), /ACS_SECRET_KEY_FILE/);
        assert.equal((await withoutKey.request('GET', '/api/readers', { token })).status, 200);
      } finally {
        await withoutKey.server.close();
      }

      const keyFile = join(dir, 'master.key');
      await writeFile(keyFile, `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 });
      const withKey = await startTestServer({ mode: 'production', dataDir: dir, secretKeyFile: keyFile });
      try {
        const vault = withKey.server.app.get(ReaderKeyVault);
        assert.equal(vault.available, true);
        const secret = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
        const sealed = vault.seal(secret);
        assert.deepEqual(vault.open(sealed), secret);
        const raw = Buffer.from(sealed.slice(3), 'base64');
        raw[20] = raw[20]! ^ 1;
        const tampered = `v1:${raw.toString('base64')}`;
        assert.throws(() => vault.open(tampered), 'a tampered key does not open');
      } finally {
        await withKey.server.close();
      }

      await writeFile(keyFile, 'too short\n');
      await assert.rejects(startTestServer({ mode: 'production', dataDir: dir, secretKeyFile: keyFile }), (err: unknown) => {
        assert.ok(err instanceof StartupError);
        assert.match(err.message, /ACS_SECRET_KEY_FILE: .* must hold 32 bytes/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
