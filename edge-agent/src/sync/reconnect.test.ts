import { describe, test } from '@jest/globals';
import { onTestFinished } from '@acs/shared/testing/jest-support';
import assert from '@acs/shared/testing/assert';
import type { AuthenticateError } from 'aedes';
import { startAgent } from '../agent.js';
import { FakeServer, startBroker } from '../test-support/broker.js';
import { captureLogger, simAgentConfig, tempDir, until } from '../test-support/fixtures.js';
import { WIRE_FORMAT } from '@acs/shared/sync/permission-wire';
import { ReconnectBackoff } from './reconnect-backoff.js';

describe('reconnect backoff', () => {
  test('doubles from the minimum to the maximum with half of each step random', () => {
    const low = new ReconnectBackoff({ minMs: 100, maxMs: 1000, random: () => 0 });
    assert.deepEqual(
      Array.from({ length: 6 }, () => low.next()),
      [50, 100, 200, 400, 500, 500],
    );
    const high = new ReconnectBackoff({ minMs: 100, maxMs: 1000, random: () => 0.999999 });
    assert.deepEqual(
      Array.from({ length: 6 }, () => high.next()),
      [100, 200, 400, 800, 1000, 1000],
    );
  });

  test('starts over after a success and never overflows however long the outage', () => {
    const backoff = new ReconnectBackoff({ minMs: 1000, maxMs: 60_000, random: () => 0.5 });
    for (let i = 0; i < 10_000; i += 1) assert.ok(backoff.next() <= 60_000);
    assert.equal(backoff.attempts, 10_000);
    backoff.reset();
    assert.equal(backoff.next(), 750);
  });

  test('spreads a fleet: 1,000 agents retrying after one broker restart do not come back in lockstep', () => {
    const firstDelays = Array.from({ length: 1000 }, () => new ReconnectBackoff({ minMs: 1000, maxMs: 60_000 }).next());
    const perTenthOfASecond = new Map<number, number>();
    for (const d of firstDelays) perTenthOfASecond.set(Math.floor(d / 100), (perTenthOfASecond.get(Math.floor(d / 100)) ?? 0) + 1);
    // Uniform over 500..1000 ms: about 200 per 100 ms bucket, never all of them at once.
    assert.ok(Math.max(...perTenthOfASecond.values()) < 400, `largest bucket ${Math.max(...perTenthOfASecond.values())}`);
    assert.ok(Math.min(...firstDelays) >= 500 && Math.max(...firstDelays) <= 1000);
  });

  test('refuses a nonsensical range', () => {
    assert.throws(() => new ReconnectBackoff({ minMs: 0, maxMs: 10 }), /0 < minMs <= maxMs/);
    assert.throws(() => new ReconnectBackoff({ minMs: 100, maxMs: 10 }), /0 < minMs <= maxMs/);
  });
});

describe('an agent refused by the broker', () => {
  test('keeps retrying with growing delays after "identifier rejected" and "not authorized", and gets its revocations once let in', async () => {
    const dir = await tempDir();
    onTestFinished(() => dir.remove());
    const attempts: number[] = [];
    // The broker refuses the agent four times (as a broker does while another client holds
    // its id, or while its account is being fixed), then lets it in.
    const broker = await startBroker(0, {
      authenticate: (client, username, _password, done) => {
        if (username !== 'agent-1') return done(null, true);
        attempts.push(Date.now());
        if (attempts.length <= 4) {
          const returnCode = attempts.length <= 2 ? 2 : 5;
          const refused: AuthenticateError = Object.assign(new Error('refused'), { returnCode });
          return done(refused, false);
        }
        done(null, true);
      },
    });
    onTestFinished(() => broker.close());
    const server = await FakeServer.connect(broker.url);
    onTestFinished(() => server.close());
    const log = captureLogger();
    const config = simAgentConfig(dir.path, broker.url);
    const agent = await startAgent(
      { ...config, mqtt: { ...config.mqtt, username: 'agent-1' } },
      { log: log.logger, mqtt: { reconnectPeriodMs: 50, reconnectMaxMs: 800 } },
    );
    onTestFinished(() => agent.stop());

    await until(() => agent.mqttConnected, 10_000, 'the agent to be let in');
    assert.equal(attempts.length, 5);
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!);
    // Equal jitter: attempt n waits between half and all of 50·2^n ms (plus scheduling).
    for (const [i, gap] of gaps.entries()) assert.ok(gap >= (50 * 2 ** i) / 2 - 5, `gap ${i} was ${gap} ms`);
    assert.ok(gaps[3]! > gaps[0]!, `delays grew: ${gaps.join(', ')}`);
    assert.ok(
      log.lines.some((l) => /Identifier rejected/i.test(l)),
      'the refusal was logged',
    );
    // Connected means subscribed and asking for its set: a revocation would now arrive.
    assert.deepEqual(await server.waitFor('sync'), { haveVersion: null, haveHash: null, accepts: [WIRE_FORMAT] });
  });
});
