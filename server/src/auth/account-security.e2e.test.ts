import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { io, type Socket } from 'socket.io-client';
import type { AuditEntryView } from '@acs/shared/api/audit';
import type { ApiError, Page } from '@acs/shared/api/http';
import type { UserAccountView } from '@acs/shared/api/users';
import type { CreatedAgentView } from '../agents/agent.views.js';
import { AuditLogEntity } from '../audit/audit-log.entity.js';
import { createAdmin } from '../cli-commands.js';
import { ManualClock } from '../common/clock.js';
import { openDatabase } from '../database/data-source.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';

function connectSocket(t: TestServer, token: string): Promise<Socket> {
  const socket = io(t.url, { auth: { token }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

function disconnected(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

async function createUser(t: TestServer, admin: string, body: Record<string, unknown>): Promise<UserAccountView> {
  const res = await t.request<UserAccountView>('POST', '/api/users', { token: admin, body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

describe('accounts managed by administrators', () => {
  let t: TestServer;
  let admin: string;
  beforeAll(async () => {
    t = await startTestServer({ passwordMinLength: 12 });
    admin = await t.token('admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  test('a new account must pass the password policy: length (configurable), not the username, not a common password', async () => {
    const attempts: Array<[string, string, RegExp]> = [
      ['meilin', 'eleven-char', /at least 12 characters/],
      ['meilin', 'meilin2024!!', /must not contain the username/],
      ['meilin', 'blue-MeiLin-lamp', /must not contain the username/],
      ['meilin', 'Password123!', /too common/],
      ['meilin', 'qwertyuiop12', /too common/],
      ['meilin', '123456789012', /too common/],
      ['meilin', 'zzzzzzzzzzzz', /single character/],
    ];
    for (const [username, password, problem] of attempts) {
      const res = await t.request<ApiError>('POST', '/api/users', { token: admin, body: { username, password, role: 'guard' } });
      assert.equal(res.status, 400, password);
      assert.match(String(res.body.message), problem);
    }
    const created = await createUser(t, admin, {
      username: 'MeiLin',
      displayName: 'Mei Lin',
      password: 'lantern harbour 42',
      role: 'guard',
    });
    assert.equal(created.username, 'meilin');
    assert.equal(created.role, 'guard');
    assert.equal(created.disabled, false);
    assert.equal((await t.login('meilin', 'lantern harbour 42')).user.role, 'guard');
    const dup = await t.request<ApiError>('POST', '/api/users', {
      token: admin,
      body: { username: 'meilin', password: 'another long one 9', role: 'guard' },
    });
    assert.equal(dup.status, 409);
    const list = (await t.request<UserAccountView[]>('GET', '/api/users', { token: admin })).body;
    assert.ok(list.some((u) => u.username === 'meilin' && !u.disabled));
    assert.ok(!JSON.stringify(list).includes('scrypt'), 'no password hashes in the list');
  });

  test('disabling an account ends its sessions and live connections at once and refuses its sign-in; enabling restores it', async () => {
    const user = await createUser(t, admin, { username: 'night-guard', password: 'owls watch quietly', role: 'guard' });
    const { token } = await t.login('night-guard', 'owls watch quietly');
    const socket = await connectSocket(t, token);
    const closed = disconnected(socket);
    const res = await t.request<UserAccountView>('PATCH', `/api/users/${user.id}`, { token: admin, body: { disabled: true } });
    assert.equal(res.status, 200);
    assert.equal(res.body.disabled, true);
    assert.equal(await closed, 'io server disconnect');
    assert.equal((await t.request('GET', '/api/auth/me', { token })).status, 401);
    const refused = await t.request<ApiError>('POST', '/api/auth/login', {
      body: { username: 'night-guard', password: 'owls watch quietly' },
    });
    assert.equal(refused.status, 401);
    assert.ok(t.logs.matching(new RegExp(`sign-in failed for user ${user.id} .*\\(the account is disabled\\)`), 'warn').length === 1);
    await t.request('PATCH', `/api/users/${user.id}`, { token: admin, body: { disabled: false } });
    assert.equal((await t.login('night-guard', 'owls watch quietly')).user.username, 'night-guard');
  });

  test('a role change takes effect at once and ends the old sessions', async () => {
    const user = await createUser(t, admin, { username: 'promoted', password: 'ladder of oak 77', role: 'employee' });
    const { token } = await t.login('promoted', 'ladder of oak 77');
    assert.equal((await t.request('GET', '/api/agents', { token })).status, 403);
    await t.request('PATCH', `/api/users/${user.id}`, { token: admin, body: { role: 'guard' } });
    assert.equal((await t.request('GET', '/api/auth/me', { token })).status, 401);
    const again = await t.login('promoted', 'ladder of oak 77');
    assert.equal((await t.request('GET', '/api/agents', { token: again.token })).status, 200);
  });

  test('nobody can lock every administrator out', async () => {
    const me = (await t.request<{ id: string }>('GET', '/api/auth/me', { token: admin })).body;
    // The demo has a second administrator (the card approver): disable it so `admin` is the last one.
    const accounts = (
      await t.request<Array<{ id: string; username: string; role: string; disabled: boolean }>>('GET', '/api/users', { token: admin })
    ).body;
    const others = accounts.filter((a) => a.role === 'admin' && a.id !== me.id && !a.disabled);
    for (const other of others) {
      assert.equal((await t.request('PATCH', `/api/users/${other.id}`, { token: admin, body: { disabled: true } })).status, 200);
    }
    const self = await t.request<ApiError>('PATCH', `/api/users/${me.id}`, { token: admin, body: { disabled: true } });
    assert.equal(self.status, 409);
    const demote = await t.request<ApiError>('PATCH', `/api/users/${me.id}`, { token: admin, body: { role: 'guard' } });
    assert.equal(demote.status, 409);
    assert.match(String(demote.body.message), /last enabled administrator/);
    assert.equal((await t.request('PATCH', '/api/users/no-such-user', { token: admin, body: { role: 'guard' } })).status, 404);
    const badPerson = await t.request<ApiError>('POST', '/api/users', {
      token: admin,
      body: { username: 'linked', password: 'a person who is not 1', role: 'employee', personId: '00000000-0000-4000-8000-000000000000' },
    });
    assert.equal(badPerson.status, 400);
    for (const other of others) await t.request('PATCH', `/api/users/${other.id}`, { token: admin, body: { disabled: false } });
  });

  test('account changes are in the audit log, with the password hash only as a fingerprint', async () => {
    const page = (await t.request<Page<AuditEntryView>>('GET', '/api/audit?entityType=users&limit=100', { token: admin })).body;
    const created = page.items.find((e) => e.action === 'create' && e.after?.['username'] === 'night-guard')!;
    assert.equal(created.actorUsername, 'admin');
    assert.match(String(created.after?.['passwordHash']), /^\[redacted:/);
    const disabled = page.items.find(
      (e) => e.action === 'update' && e.entityId === created.entityId && e.before?.['disabled'] === false && e.after?.['disabled'] === true,
    );
    assert.ok(disabled, 'disabling night-guard is in the log');
    assert.equal(disabled.actorUsername, 'admin');
  });
});

describe('changing one’s own password', () => {
  test('needs the current password, follows the policy, and ends the user’s other sessions and sockets only', async () => {
    const t = await startTestServer();
    try {
      const admin = await t.token('admin');
      await createUser(t, admin, { username: 'writer', password: 'first secret words', role: 'employee' });
      const here = await t.login('writer', 'first secret words');
      const elsewhere = await t.login('writer', 'first secret words');
      const hereSocket = await connectSocket(t, here.token);
      const elsewhereSocket = await connectSocket(t, elsewhere.token);
      const elsewhereClosed = disconnected(elsewhereSocket);

      const wrong = await t.request<ApiError>('POST', '/api/auth/password', {
        token: here.token,
        body: { current: 'not it at all', next: 'second secret words' },
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error, 'invalid_credentials');
      const weak = await t.request<ApiError>('POST', '/api/auth/password', {
        token: here.token,
        body: { current: 'first secret words', next: 'password1' },
      });
      assert.equal(weak.status, 400);
      assert.match(String(weak.body.message), /next: password must be at least 10/);
      const same = await t.request<ApiError>('POST', '/api/auth/password', {
        token: here.token,
        body: { current: 'first secret words', next: 'first secret words' },
      });
      assert.equal(same.status, 400);

      const ok = await t.request('POST', '/api/auth/password', {
        token: here.token,
        body: { current: 'first secret words', next: 'second secret words' },
      });
      assert.equal(ok.status, 204);
      assert.equal(await elsewhereClosed, 'io server disconnect');
      assert.equal((await t.request('GET', '/api/auth/me', { token: elsewhere.token })).status, 401, 'the other session ended');
      assert.equal((await t.request('GET', '/api/auth/me', { token: here.token })).status, 200, 'this one continues');
      assert.ok(hereSocket.connected);
      assert.equal(
        (await t.request('POST', '/api/auth/login', { body: { username: 'writer', password: 'first secret words' } })).status,
        401,
      );
      assert.equal((await t.login('writer', 'second secret words')).user.username, 'writer');
      hereSocket.disconnect();
    } finally {
      await t.close();
    }
  });
});

describe('sessions end', () => {
  test('after the absolute maximum however busy, and their sockets close at the next check', async () => {
    const clock = new ManualClock(Date.now());
    const t = await startTestServer({ sessionTtlMinutes: 60, sessionMaxHours: 2 }, { clock });
    try {
      const { token, expiresAt } = await t.login('guard', 'guard-demo');
      assert.equal(expiresAt, clock.now() + 60 * 60_000);
      const socket = await connectSocket(t, token);
      const closed = disconnected(socket);
      for (let i = 0; i < 2; i++) {
        clock.advance(50 * 60_000);
        assert.equal((await t.request('GET', '/api/auth/me', { token })).status, 200, `in use after ${(i + 1) * 50} min`);
      }
      const gateway = t.server.app.get(RealtimeGateway);
      assert.equal(await gateway.checkSessions(), 0, 'still within the lifetime');
      clock.advance(21 * 60_000);
      assert.equal((await t.request('GET', '/api/auth/me', { token })).status, 401, '2 h 1 min after sign-in, used a minute ago');
      assert.equal(await gateway.checkSessions(), 1);
      assert.equal(await closed, 'io server disconnect');
    } finally {
      await t.close();
    }
  });

  test('on sign-out the socket of that session closes at once', async () => {
    const t = await startTestServer();
    try {
      const { token } = await t.login('auditor', 'auditor-demo');
      const other = await t.login('auditor', 'auditor-demo');
      const socket = await connectSocket(t, token);
      const otherSocket = await connectSocket(t, other.token);
      const closed = disconnected(socket);
      assert.equal((await t.request('POST', '/api/auth/logout', { token })).status, 204);
      assert.equal(await closed, 'io server disconnect');
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(otherSocket.connected, 'the same user’s other session keeps its socket');
      otherSocket.disconnect();
    } finally {
      await t.close();
    }
  });
});

describe('sign-in throttling', () => {
  test('one address is locked after 20 failures whatever the usernames, with Retry-After', async () => {
    const t = await startTestServer();
    try {
      for (let i = 0; i < 20; i++) {
        const res = await t.request('POST', '/api/auth/login', { body: { username: `nobody-${i}`, password: 'guessing-here' } });
        assert.equal(res.status, 401, `attempt ${i + 1}`);
      }
      const locked = await t.request<ApiError>('POST', '/api/auth/login', { body: { username: 'guard', password: 'guard-demo' } });
      assert.equal(locked.status, 429);
      const retryAfter = Number(locked.headers.get('retry-after'));
      assert.ok(retryAfter > 14 * 60 && retryAfter <= 15 * 60, `Retry-After ${retryAfter} s`);
    } finally {
      await t.close();
    }
  });
});

describe('secrets in the logs', () => {
  test('no password, session token, password hash or agent secret appears in any log line', async () => {
    const t = await startTestServer();
    try {
      const secrets: string[] = ['guard-demo', 'admin-demo'];
      const admin = await t.login('admin', 'admin-demo');
      secrets.push(admin.token);
      const password = 'Known-Secret-Passphrase-77';
      await createUser(t, admin.token, { username: 'logcheck', password, role: 'employee' });
      secrets.push(password);
      const session = await t.login('logcheck', password);
      secrets.push(session.token);
      await t.request('POST', '/api/auth/login', { body: { username: 'logcheck', password: 'Wrong-Secret-Passphrase-88' } });
      secrets.push('Wrong-Secret-Passphrase-88');
      const next = 'Replacement-Secret-99';
      await t.request('POST', '/api/auth/password', { token: session.token, body: { current: password, next } });
      secrets.push(next);
      await t.request('POST', '/api/users', {
        token: admin.token,
        body: { username: 'weakling', password: 'Rejected-Weak', role: 'guard' },
      });
      const agent = (await t.request<CreatedAgentView>('POST', '/api/agents', { token: admin.token, body: { id: 'agent-logs' } })).body;
      secrets.push(agent.mqttPassword);
      secrets.push(await t.demoAgentPassword());
      await t.request('GET', '/api/auth/me', { token: 'x'.repeat(43) });
      await t.request('GET', '/api/audit', { token: session.token });
      await t.request('POST', '/api/auth/logout', { token: admin.token });

      assert.ok(t.logs.lines.length > 5, 'the run logged something');
      const text = t.logs.lines.map((l) => l.message).join('\n');
      for (const secret of secrets) assert.ok(!text.includes(secret), `a log line contains the secret ${secret.slice(0, 4)}…`);
      assert.ok(!text.includes('$scrypt$'), 'no password hash');
      assert.ok(!text.includes('Rejected-Weak'), 'a refused password is not echoed');
    } finally {
      await t.close();
    }
  });
});

describe('the command line is audited too', () => {
  test('create-admin leaves an entry by the operator, source cli', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acs-cli-audit-'));
    try {
      const env = { ACS_DATA_DIR: dir, ACS_ADMIN_PASSWORD: 'operator typed this 5' };
      await createAdmin({ username: 'ops-admin' }, env);
      const ds = await openDatabase({ db: 'sqlite', sqlitePath: join(dir, 'acs.sqlite'), databaseUrl: null, dbSchema: null });
      try {
        const [entry] = await ds.getRepository(AuditLogEntity).find({ where: { entityType: 'users' } });
        assert.ok(entry);
        assert.equal(entry.source, 'cli');
        assert.equal(entry.action, 'create');
        assert.match(entry.actorUsername ?? '', /^cli/);
        assert.match(entry.afterState ?? '', /"username":"ops-admin"/);
        assert.ok(!(entry.afterState ?? '').includes('operator typed this 5'));
      } finally {
        await ds.destroy();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
