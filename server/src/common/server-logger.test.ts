import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { logFormatFrom, requestContext, ServerLogger } from './server-logger.js';

function jsonLogger(levels: ConstructorParameters<typeof ServerLogger>[0] = ['log', 'warn', 'error']) {
  const lines: string[] = [];
  const logger = new ServerLogger(levels, { format: 'json', destination: { write: (l: string) => void lines.push(l) } });
  return { logger, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('ServerLogger', () => {
  test('picks JSON for production, text for the demo and a terminal, and obeys ACS_LOG_FORMAT', () => {
    assert.equal(logFormatFrom({}, 'production', false), 'json');
    assert.equal(logFormatFrom({}, 'production', true), 'pretty');
    assert.equal(logFormatFrom({}, 'demo', false), 'pretty');
    assert.equal(logFormatFrom({ ACS_LOG_FORMAT: 'json' }, 'demo', true), 'json');
    assert.equal(logFormatFrom({ ACS_LOG_FORMAT: 'pretty' }, 'production', false), 'pretty');
  });

  test('writes one JSON object per line with the context, and the request id and user while serving a request', () => {
    const { logger, parsed } = jsonLogger();
    logger.log('outside', 'Server');
    requestContext.run({ requestId: 'req-1', userId: 'u-1', role: 'admin' }, () => logger.warn('inside', 'Auth'));
    const [outside, inside] = parsed();
    assert.deepEqual([outside!.level, outside!.msg, outside!.context, outside!.requestId], ['info', 'outside', 'Server', undefined]);
    assert.deepEqual(
      [inside!.level, inside!.msg, inside!.context, inside!.requestId, inside!.userId],
      ['warn', 'inside', 'Auth', 'req-1', 'u-1'],
    );
  });

  test('keeps the stack of an error and blanks secret and personal fields of a logged object', () => {
    const { logger, parsed } = jsonLogger();
    logger.error('failed', 'Error: boom\n    at x', 'Jobs');
    logger.log({ message: 'object', password: 'hunter2', holder: 'Zhang Wei', card: { credential: 'em4100:3887558' } }, 'Cards');
    const [failed, object] = parsed();
    assert.equal(failed!.stack, 'Error: boom\n    at x');
    assert.equal(failed!.context, 'Jobs');
    assert.equal(object!.msg, 'object');
    assert.equal(object!.password, '[redacted]');
    assert.equal(object!.holder, '[redacted]');
    assert.deepEqual(object!.card, { credential: '[redacted]' });
  });

  test("drops Nest's start-up listing and levels that are off", () => {
    const { logger, parsed } = jsonLogger(['log', 'warn', 'error']);
    logger.log('Mapped {/api/cards, GET} route', 'RouterExplorer');
    logger.debug('details', 'Sync');
    logger.log('kept', 'Server');
    assert.deepEqual(
      parsed().map((l) => l.msg),
      ['kept'],
    );
  });
});
