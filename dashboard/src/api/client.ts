import createClient from 'openapi-fetch';
import type { ApiError } from '@acs/shared/api/http';
import { readToken } from '../auth/token-store';
import type { components, paths } from './generated/schema';
import type { ApiResponses } from './responses';

/** Codes the client produces itself, beside the server's stable `ApiError.error` codes. */
export const CLIENT_ERROR = {
  /** fetch() failed: no route to the server, DNS, connection refused. */
  network: 'network_error',
  /** A proxy answered 502/503/504: the server behind it is down. */
  unavailable: 'server_unavailable',
} as const;

export class ApiRequestError extends Error {
  constructor(
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** Stable code: the server's `ApiError.error` or one of CLIENT_ERROR. */
    readonly code: string,
    message: string,
    /** From a `Retry-After` header (429), in seconds. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  get unreachable(): boolean {
    return this.code === CLIENT_ERROR.network || this.code === CLIENT_ERROR.unavailable;
  }
}

let unauthorizedHandler: (() => void) | null = null;

/** Called when an authenticated request gets 401: the session is gone, go back to sign-in. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

function isApiError(body: unknown): body is ApiError {
  return typeof body === 'object' && body !== null && typeof (body as ApiError).error === 'string';
}

export function messageOf(body: ApiError): string {
  return Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? body.error);
}

function retryAfter(response: Response): number | null {
  const header = response.headers.get('Retry-After');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

/** The error a failed answer stands for: the server's stable code when it sent one. */
export function errorOfResponse(response: Response, body: unknown): ApiRequestError {
  if (isApiError(body)) return new ApiRequestError(response.status, body.error, messageOf(body), retryAfter(response));
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    return new ApiRequestError(response.status, CLIENT_ERROR.unavailable, response.statusText || `HTTP ${response.status}`);
  }
  return new ApiRequestError(
    response.status,
    `http_${response.status}`,
    response.statusText || `HTTP ${response.status}`,
    retryAfter(response),
  );
}

/** Paths and bodies are typed by the server's OpenAPI description (generated/schema.ts). */
const client = createClient<paths>({ headers: { Accept: 'application/json' } });

// Sign-in and health are the calls made without a session: they neither send a token nor end one on 401.
const OPEN_PATHS = new Set<string>(['/api/auth/login', '/api/health']);

client.use({
  onRequest({ request, schemaPath }) {
    const token = OPEN_PATHS.has(schemaPath) ? null : readToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response, schemaPath }) {
    if (response.status === 401 && !OPEN_PATHS.has(schemaPath)) unauthorizedHandler?.();
    return undefined;
  },
});

type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, V extends Verb> = paths[P][V];

/** Paths that have operation V on the server and a response type in ApiResponses. */
export type ApiPath<V extends Verb> = {
  [P in keyof paths & keyof ApiResponses]: Operation<P, V> extends Record<string, unknown>
    ? V extends keyof ApiResponses[P]
      ? P
      : never
    : never;
}[keyof paths & keyof ApiResponses];

export type ApiResult<P extends keyof ApiResponses, V extends Verb> = V extends keyof ApiResponses[P] ? ApiResponses[P][V] : never;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

type Parameters<O> = O extends { parameters: infer Params }
  ? { [K in keyof Params as K extends 'path' | 'query' ? K : never]: Params[K] }
  : never;
type BodyOf<O> = O extends { requestBody: { content: infer C } }
  ? C[keyof C]
  : O extends { requestBody?: { content: infer C } }
    ? C[keyof C] | undefined
    : never;

/**
 * The generated description marks a field the server may go without as `field?: T | null`; a form's
 * empty field is `undefined` here, and JSON and the query builder drop it, so an optional field
 * also takes `undefined` (under exactOptionalPropertyTypes it otherwise would not).
 */
export type Sendable<T> = T extends FormData | Blob
  ? T
  : T extends object
    ? { [K in keyof T]: Sendable<T[K]> | (object extends Pick<T, K> ? undefined : never) }
    : T;

/** What a call sends: `params` (path, query) and `body`, as the server's description types them. */
export type ApiInit<O> = ([RequiredKeys<Parameters<O>>] extends [never]
  ? { params?: Sendable<Parameters<O>> | undefined }
  : { params: Sendable<Parameters<O>> }) &
  ([BodyOf<O>] extends [never]
    ? { body?: never }
    : undefined extends BodyOf<O>
      ? { body?: Sendable<BodyOf<O>> | FormData | undefined }
      : { body: Sendable<BodyOf<O>> | FormData }) & {
    signal?: AbortSignal | undefined;
  };

type Args<O> = [RequiredKeys<ApiInit<O>>] extends [never] ? [init?: ApiInit<O>] : [init: ApiInit<O>];

async function send(
  verb: Verb,
  path: string,
  init: { params?: unknown; body?: unknown; signal?: AbortSignal | undefined } = {},
): Promise<unknown> {
  const { signal } = init;
  let outcome: { data?: unknown; error?: unknown; response: Response };
  try {
    const request = client.request as unknown as (
      method: Verb,
      url: string,
      options: { params?: unknown; body?: unknown; signal?: AbortSignal | undefined; bodySerializer?: (body: unknown) => unknown },
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    outcome = await request(verb, path, {
      params: init.params,
      body: init.body,
      signal,
      // A FormData body is a multipart upload: fetch writes the Content-Type with its boundary.
      ...(init.body instanceof FormData ? { bodySerializer: (body: unknown) => body } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    if (error instanceof SyntaxError) return undefined;
    throw new ApiRequestError(0, CLIENT_ERROR.network, error instanceof Error ? error.message : String(error));
  }
  if (outcome.response.ok) return outcome.data;
  throw errorOfResponse(outcome.response, outcome.error);
}

/** The typed calls every domain module makes: paths, parameters and bodies come from the server's description. */
export const http = {
  get: <P extends ApiPath<'get'>>(path: P, ...init: Args<Operation<P, 'get'>>) =>
    send('get', path, init[0]) as Promise<ApiResult<P, 'get'>>,
  post: <P extends ApiPath<'post'>>(path: P, ...init: Args<Operation<P, 'post'>>) =>
    send('post', path, init[0]) as Promise<ApiResult<P, 'post'>>,
  put: <P extends ApiPath<'put'>>(path: P, ...init: Args<Operation<P, 'put'>>) =>
    send('put', path, init[0]) as Promise<ApiResult<P, 'put'>>,
  patch: <P extends ApiPath<'patch'>>(path: P, ...init: Args<Operation<P, 'patch'>>) =>
    send('patch', path, init[0]) as Promise<ApiResult<P, 'patch'>>,
  delete: <P extends ApiPath<'delete'>>(path: P, ...init: Args<Operation<P, 'delete'>>) =>
    send('delete', path, init[0]) as Promise<ApiResult<P, 'delete'>>,
};

/** A request body as the server's DTO describes it (generated/schema.ts). */
export type Dto<N extends keyof components['schemas']> = Sendable<components['schemas'][N]>;

/** `params.path` of a call on one record. */
export const byId = (id: string) => ({ params: { path: { id } } });
