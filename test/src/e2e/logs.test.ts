import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { createLogger } from '@acs/edge-agent';
import { ServerLogger } from '@acs/server/common/server-logger';
import { startSystem, waitFor, type TestSystem } from '../support/system.js';

interface JsonLine {
  level: string;
  msg: string;
  time: string;
  requestId?: string;
  userId?: string;
  agentId?: string;
  [key: string]: unknown;
}

function parseAll(lines: string[], who: string): JsonLine[] {
  return lines.map((line) => {
    try {
      return JSON.parse(line) as JsonLine;
    } catch {
      assert.fail(`a ${who} log line is not JSON: ${line.slice(0, 200)}`);
    }
  });
}

// The production format on both sides, driven through the demo site: sign-ins (one good,
// two refused), badges of Zhang Wei (allowed) and Wang Qiang (denied), a card suspended
// through the API, a new agent and its password, a search for a person by name.
describe('production logs are JSON, say who and which request, and hold no secret or personal datum', () => {
  const serverLines: string[] = [];
  const agentLines: string[] = [];
  const secrets: string[] = [];
  let system: TestSystem;
  let adminId: string;
  let suspendRequestId: string;

  beforeAll(async () => {
    const serverLogger = new ServerLogger(['log', 'warn', 'error', 'fatal', 'debug'], {
      format: 'json',
      destination: { write: (line: string) => void serverLines.push(line.trimEnd()) },
    });
    const agentLog = createLogger('acs:agent', { level: 'debug', format: 'json', sink: (line) => agentLines.push(line) });
    system = await startSystem({ serverLogger, agentLog });
    secrets.push(await system.server.demoAgentPassword(), 'admin-demo');

    const login = await system.server.login('admin', 'admin-demo');
    adminId = login.user.id;
    secrets.push(login.token);
    assert.equal(
      (await system.server.request('POST', '/api/auth/login', { body: { username: 'admin', password: 'Wrong-Horse-42' } })).status,
      401,
    );
    assert.equal(
      (await system.server.request('POST', '/api/auth/login', { body: { username: 'Zhang Wei', password: 'Typed-In-Name-7' } })).status,
      401,
    );
    secrets.push('Wrong-Horse-42', 'Typed-In-Name-7');

    const decisions: string[] = [];
    system.agent.decisions.on('decision', (d) => decisions.push(d.event.eventId));
    await system.sim.badge('lab', 3887558);
    await system.sim.badge('machine-room', 7654321);
    await waitFor(() => decisions.length === 2, 'both decisions');
    await waitFor(async () => (await system.agent.outboxSize()) === 0, 'the server to store both events');

    const cards = await system.api<Array<{ id: string; credential: string }>>(login.token, 'GET', '/api/cards');
    const card = cards.body.find((c) => c.credential === 'em4100:1234567')!;
    const patched = await system.server.request('POST', `/api/cards/${card.id}/transition`, {
      token: login.token,
      body: { to: 'suspended' },
    });
    assert.ok(patched.status < 300, `transition answered ${patched.status}`);
    suspendRequestId = patched.headers.get('x-request-id')!;
    assert.ok(suspendRequestId, 'the response names its request id');

    const agent = await system.api<{ mqttPassword: string }>(login.token, 'POST', '/api/agents', { id: 'agent-logs' });
    secrets.push(agent.body.mqttPassword);
    await system.api(login.token, 'GET', '/api/people?search=Zhang%20Wei');
    await waitFor(() => serverLines.some((l) => l.includes(`/api/cards/${card.id}/transition`)), 'the request line of the suspension');
  });
  afterAll(() => system?.close());

  test('every server line is JSON; request lines carry the request id and the signed-in user', () => {
    const lines = parseAll(serverLines, 'server');
    assert.ok(lines.length > 10, 'the run logged something');
    for (const l of lines)
      assert.ok(typeof l.level === 'string' && typeof l.msg === 'string' && typeof l.time === 'string', JSON.stringify(l));
    const suspension = lines.filter((l) => l.requestId === suspendRequestId);
    assert.ok(
      suspension.some((l) => /^POST \/api\/cards\/\S+\/transition 20\d /.test(l.msg)),
      'the access line',
    );
    assert.ok(
      suspension.some((l) => /^card \S+ \(…4567\): active → suspended by user /.test(l.msg)),
      'the service line, within the request',
    );
    for (const l of suspension) assert.equal(l.userId, adminId);
    assert.ok(lines.some((l) => l.msg.startsWith('sign-in failed for an unknown username') && typeof l.requestId === 'string'));
  });

  test('every agent line is JSON and names the agent; a decision names the card by its last digits', () => {
    const lines = parseAll(agentLines, 'agent');
    assert.ok(lines.length > 5, 'the agent logged something');
    for (const l of lines) assert.equal(l.agentId, 'agent-1', JSON.stringify(l));
    assert.ok(
      lines.some((l) => l.msg === 'lab: granted …7558 (granted)'),
      'the granted decision',
    );
    assert.ok(
      lines.some((l) => /^machine-room: denied …4321 /.test(l.msg)),
      'the denied decision',
    );
  });

  test('no line holds a full card number, a password, a token or a person name', () => {
    const text = [...serverLines, ...agentLines].join('\n');
    for (const secret of secrets) assert.ok(!text.includes(secret), `a log line contains the secret ${secret.slice(0, 4)}…`);
    for (const card of ['3887558', '7654321', '1234567']) assert.ok(!text.includes(card), `a log line contains the card number ${card}`);
    for (const name of ['Zhang Wei', '张伟', 'Wang Qiang', 'zhangwei'])
      assert.ok(!text.includes(name), `a log line contains the name ${name}`);
  });
});
