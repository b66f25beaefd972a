// Assertions on REST answers for the server's tests. Not a test file itself.
import assert from '@acs/shared/testing/assert';
import type { ApiError } from '@acs/shared/api/http';
import type { TestServer } from './server-harness.js';

export interface ApiCaller {
  /** Calls the API and asserts the status; returns the body. */
  ok<T>(method: string, path: string, token: string, body?: unknown, status?: number): Promise<T>;
  /** Calls the API, asserts the error status (and code), and that the message matches every pattern. */
  fails(method: string, path: string, token: string, body: unknown, status: number, patterns?: RegExp[], code?: string): Promise<ApiError>;
}

export function apiCaller(t: TestServer): ApiCaller {
  return {
    async ok<T>(method: string, path: string, token: string, body?: unknown, status?: number): Promise<T> {
      const res = await t.request<T>(method, path, { token, ...(body !== undefined ? { body } : {}) });
      const expected = status ?? (method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200);
      assert.equal(res.status, expected, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async fails(method, path, token, body, status, patterns = [], code) {
      const res = await t.request<ApiError>(method, path, { token, ...(body !== undefined ? { body } : {}) });
      assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
      if (code) assert.equal(res.body.error, code);
      const text = Array.isArray(res.body.message) ? res.body.message.join('\n') : String(res.body.message);
      for (const pattern of patterns) assert.match(text, pattern, `${method} ${path}`);
      return res.body;
    },
  };
}
