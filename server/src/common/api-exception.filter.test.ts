import { jest, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { ArgumentsHost } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { ApiExceptionFilter } from './api-exception.filter.js';

function hostFor(res: object): ArgumentsHost {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ method: 'GET', url: '/api/reports/access-history.csv' }) }),
  } as unknown as ArgumentsHost;
}

test('a streamed response that fails after its headers went out is cut off and logged, never left open', () => {
  const logged: string[] = [];
  jest.spyOn(Logger.prototype, 'error').mockImplementation((message: string) => logged.push(message));
  let destroyedWith: Error | undefined;
  let wroteBody = false;
  const res = {
    headersSent: true,
    status: () => res,
    setHeader: () => undefined,
    json: () => (wroteBody = true),
    destroy: (err?: Error) => (destroyedWith = err),
  };
  new ApiExceptionFilter().catch(new RangeError('Invalid time value'), hostFor(res));
  assert.equal(destroyedWith?.message, 'Invalid time value');
  assert.equal(wroteBody, false);
  assert.equal(logged.length, 1);
  assert.match(
    logged[0]!,
    /GET \/api\/reports\/access-history\.csv failed after the response started; connection closed: RangeError: Invalid time value/,
  );
});

test('a failure before anything was sent still answers with an error body', () => {
  let status = 0;
  let body: unknown;
  const res = {
    headersSent: false,
    status: (s: number) => ((status = s), res),
    setHeader: () => undefined,
    json: (b: unknown) => (body = b),
    destroy: () => assert.fail('not cut'),
  };
  new ApiExceptionFilter().catch(new Error('boom'), hostFor(res));
  assert.equal(status, 500);
  assert.deepEqual(body, { statusCode: 500, error: 'internal_error', message: 'Internal server error' });
});
