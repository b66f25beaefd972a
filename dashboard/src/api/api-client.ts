import type { ApiError } from '@acs/shared/api/views';
import { readToken } from '../auth/token-store';

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

export interface RequestOptions {
  /** Send the bearer token (default). Sign-in and health do not. */
  auth?: boolean;
  signal?: AbortSignal | undefined;
}

function isApiError(body: unknown): body is ApiError {
  return typeof body === 'object' && body !== null && typeof (body as ApiError).error === 'string';
}

function messageOf(body: ApiError): string {
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

/** `body` is sent as JSON, or as multipart/form-data when it is a FormData. */
export async function apiRequest<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const auth = options.auth ?? true;
  const headers: Record<string, string> = { Accept: 'application/json' };
  // A FormData body is a multipart upload: fetch writes the Content-Type with its boundary.
  const multipart = body instanceof FormData;
  if (body !== undefined && !multipart) headers['Content-Type'] = 'application/json';
  const token = auth ? readToken() : null;
  if (token) headers.Authorization = `Bearer ${token}`;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : multipart ? body : JSON.stringify(body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiRequestError(0, CLIENT_ERROR.network, error instanceof Error ? error.message : String(error));
  }

  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }

  if (response.ok) return parsed as T;

  if (response.status === 401 && auth) unauthorizedHandler?.();
  if (isApiError(parsed)) {
    throw new ApiRequestError(response.status, parsed.error, messageOf(parsed), retryAfter(response));
  }
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    throw new ApiRequestError(response.status, CLIENT_ERROR.unavailable, response.statusText || `HTTP ${response.status}`);
  }
  throw new ApiRequestError(response.status, `http_${response.status}`, response.statusText || `HTTP ${response.status}`, retryAfter(response));
}
