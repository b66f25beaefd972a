import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { MqttClient } from 'mqtt';
import type { PersonView } from '@acs/shared/api/people';
import { agentTopic } from '@acs/shared/mqtt/topics';
import { grantedAccess } from '../testing/access-events.js';
import { connectAgent, MessageLog, startTestServer, type TestServer, waitFor } from '../testing/server-harness.js';

// prom-client writes NaN as `Nan` (lib/util.js); Prometheus reads either, since Go's ParseFloat ignores case.
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|Nan|\+Inf|-Inf)$/;

/** Parses the Prometheus text format strictly enough to fail on a malformed line. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    samples.set(
      `${m[1]}${(m[2] ?? '')
        .replace(/,?instance_id="[^"]*"/, '')
        .replace(/\{,/, '{')
        .replace('{}', '')}`,
      Number(m[3]),
    );
  }
  return samples;
}

describe('metrics', () => {
  let t: TestServer;
  let agent: MqttClient;

  async function scrape(token?: string): Promise<Map<string, number>> {
    const res = await fetch(`${t.url}/api/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parse(await res.text());
  }

  beforeAll(async () => {
    t = await startTestServer();
    agent = await connectAgent(t.server.mqttUrl, 'agent-1', await t.demoAgentPassword());
  });
  afterAll(async () => {
    await agent.endAsync(true);
    await t.close();
  });

  test('a loopback client reads the metrics without a token and every line parses as Prometheus text', async () => {
    const samples = await scrape();
    assert.ok(samples.has('acs_agents'));
    assert.ok(samples.has('acs_alerts_open{severity="critical"}'));
    assert.equal(samples.has('acs_db_pool_connections{state="total"}'), false, 'SQLite has no pool to report');
  });

  test('events published by an agent raise the ingest counter and the delay histogram, and its state sets outbox depth and presence', async () => {
    const before = await scrape();
    const acks = new MessageLog(agent);
    await agent.subscribeAsync(agentTopic('agent-1', 'events-ack'), { qos: 1 });
    const admin = await t.token('admin');
    const person = (await t.request<PersonView[]>('GET', '/api/people', { token: admin })).body[0]!;
    const sentAt = Date.now();
    const events = [1, 2, 3].map((seq) =>
      grantedAccess(person, {
        seq,
        occurredAt: sentAt - 2000,
        doorId: 'machine-room',
        readerId: 'machine-room-in',
        zoneId: 'machine-room',
      }),
    );
    await agent.publishAsync(
      agentTopic('agent-1', 'state'),
      JSON.stringify({ agentId: 'agent-1', online: true, at: sentAt, outboxDepth: 7 }),
      { qos: 1, retain: true },
    );
    await agent.publishAsync(agentTopic('agent-1', 'events'), JSON.stringify({ events }), { qos: 1 });
    await waitFor(() => acks.on(agentTopic('agent-1', 'events-ack')).length > 0, 'the events acknowledged');
    const after = await waitFor(async () => {
      const s = await scrape();
      // The ack goes out inside the handling, so the handling time is recorded just after it.
      const handled = s.get('acs_mqtt_message_duration_seconds_count{channel="events",outcome="handled"}') ?? 0;
      return s.get('acs_agent_outbox_depth{agent="agent-1"}') === 7 && handled >= 1 ? s : null;
    }, 'the outbox depth and the events handling recorded');
    const stored = (s: Map<string, number>) => s.get('acs_events_ingested_total{outcome="stored"}') ?? 0;
    assert.equal(stored(after) - stored(before), 3);
    const delays = (s: Map<string, number>) => s.get('acs_event_ingest_delay_seconds_count') ?? 0;
    assert.equal(delays(after) - delays(before), 3);
    assert.equal(
      after.get('acs_event_ingest_delay_seconds_bucket{le="1"}') ?? 0,
      before.get('acs_event_ingest_delay_seconds_bucket{le="1"}') ?? 0,
      'two seconds old events are not counted under 1 s',
    );
    assert.equal(after.get('acs_agent_up{agent="agent-1"}'), 1);
    assert.ok((after.get('acs_agents_online') ?? 0) >= 1);
    assert.ok((after.get('acs_agent_permission_version_lag{agent="agent-1"}') ?? -1) >= 0);
    assert.ok(
      [...after.keys()].some((k) => k.startsWith('acs_http_request_duration_seconds_count{method="GET",route="/api/people"')),
      'HTTP latency is labelled by route pattern',
    );
  });
});

describe('metrics with ACS_METRICS_TOKEN', () => {
  const token = 'metrics-token-for-tests-0123456789';
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ metricsToken: token });
  });
  afterAll(async () => t.close());

  test('refuses a scrape without the bearer token or with a wrong one, even from loopback, and serves it with the token', async () => {
    assert.equal((await fetch(`${t.url}/api/metrics`)).status, 401);
    assert.equal((await fetch(`${t.url}/api/metrics`, { headers: { authorization: `Bearer ${token.replace('0', 'x')}` } })).status, 401);
    const session = await t.token('admin');
    assert.equal(
      (await fetch(`${t.url}/api/metrics`, { headers: { authorization: `Bearer ${session}` } })).status,
      401,
      'a dashboard session is not a metrics token',
    );
    const ok = await fetch(`${t.url}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /acs_events_ingested_total/);
  });
});
