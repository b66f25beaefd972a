import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { createLogger, logFormatFrom } from './logger.js';

describe('agent logger', () => {
  test('picks JSON in production, text in the demo and on a terminal, and obeys ACS_LOG_FORMAT', () => {
    assert.equal(logFormatFrom({}, false), 'json');
    assert.equal(logFormatFrom({}, true), 'pretty');
    assert.equal(logFormatFrom({ ACS_MODE: 'demo' }, false), 'pretty');
    assert.equal(logFormatFrom({ ACS_MODE: 'demo', ACS_LOG_FORMAT: 'json' }, true), 'json');
  });

  test('writes JSON lines naming the agent, also from child loggers, which a call site cannot rename', () => {
    const lines: string[] = [];
    const log = createLogger('acs:agent', { format: 'json', level: 'info', sink: (l) => lines.push(l) }).with({ agentId: 'agent-7' });
    log.child('mqtt').info('connected', { agentId: 'someone-else', version: 3n });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual([line.level, line.ns, line.msg, line.agentId, line.version], ['info', 'acs:agent:mqtt', 'connected', 'agent-7', '3']);
    assert.equal(typeof line.time, 'string');
  });

  test('masks card numbers and drops names and secrets in fields, in both formats', () => {
    for (const format of ['json', 'pretty'] as const) {
      const lines: string[] = [];
      const log = createLogger('acs:agent', { format, level: 'info', sink: (l) => lines.push(l) });
      log.info('decision', {
        credential: 'em4100:3887558',
        holder: 'Zhang Wei',
        password: 'hunter2',
        url: 'mqtt://agent-1:s3cret@broker:1883',
      });
      const text = lines.join('\n');
      assert.match(text, /…7558/);
      for (const leak of ['3887558', 'Zhang Wei', 'hunter2', 's3cret']) assert.ok(!text.includes(leak), `${format} leaks ${leak}`);
    }
  });

  test('keeps the text format for a given sink unless told otherwise', () => {
    const lines: string[] = [];
    createLogger('acs:agent', { level: 'info', sink: (l) => lines.push(l) })
      .with({ agentId: 'agent-7' })
      .warn('door held open');
    assert.match(lines[0]!, /^\S+ WARN {2}acs:agent door held open$/);
  });
});
