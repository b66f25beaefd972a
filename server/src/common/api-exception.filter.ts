import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ApiError } from '@acs/shared/api/http';
import { ApiException, type ApiErrorCode } from './api-exception.js';

interface HttpResponseLike {
  status(code: number): HttpResponseLike;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
  headersSent?: boolean;
  destroy?(error?: Error): void;
}
interface HttpRequestLike {
  method?: string;
  url?: string;
}

const CODE_BY_STATUS: Readonly<Record<number, ApiErrorCode>> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_attempts',
};

/** The one place where any failure of an HTTP request becomes an `ApiError` body. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const res = http.getResponse<HttpResponseLike>();
    const req = http.getRequest<HttpRequestLike>();
    const body = toApiError(exception);
    // Without the query string: searches carry names.
    const where = `${req.method ?? '?'} ${(req.url ?? '?').split('?')[0]}`;
    if (res.headersSent) {
      // A streamed answer (a CSV export) failed after its status line went out: no error body
      // can follow, and ending it normally would pass a truncated file off as complete. Cut
      // the connection so the client sees the transfer fail.
      this.logger.error(
        `${where} failed after the response started; connection closed: ${(exception as Error)?.stack ?? String(exception)}`,
      );
      res.destroy?.(exception instanceof Error ? exception : new Error(String(exception)));
      return;
    }
    if (body.statusCode >= 500) {
      this.logger.error(`${where} failed: ${(exception as Error)?.stack ?? String(exception)}`);
    } else if (body.statusCode !== 401 && body.statusCode !== 404) {
      const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
      this.logger.warn(`${where} → ${body.statusCode} ${body.error}: ${message}`);
    }
    if (exception instanceof ApiException) {
      for (const [name, value] of Object.entries(exception.headers)) res.setHeader(name, value);
    }
    res.status(body.statusCode).json(body);
  }
}

/** The body parser's refusal (Express hands it over as the cause of an HttpException), with its limit. */
function tooLargeMessage(error: unknown): string | null {
  const { type, limit } = (error ?? {}) as { type?: unknown; limit?: unknown };
  if (type !== 'entity.too.large' || typeof limit !== 'number') return null;
  return `The request body is larger than the limit of ${Math.round(limit / 1024)} KB for JSON; files go as multipart/form-data uploads to their own routes`;
}

export function toApiError(exception: unknown): ApiError {
  if (exception instanceof ApiException) {
    const response = exception.getResponse() as ApiError;
    return { statusCode: exception.getStatus(), error: exception.code, message: response.message };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let message: string | string[] = exception.message;
    if (exception.cause instanceof SyntaxError) {
      return { statusCode: status, error: 'validation_failed', message: `The request body is not valid JSON: ${exception.cause.message}` };
    }
    const tooLarge = tooLargeMessage(exception.cause);
    if (tooLarge) return { statusCode: status, error: 'payload_too_large', message: tooLarge };
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const m = response.message;
      if (typeof m === 'string' || (Array.isArray(m) && m.every((x) => typeof x === 'string'))) message = m;
    }
    return { statusCode: status, error: CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request'), message };
  }
  // Body-parser errors (bad JSON, too large) arrive as plain errors carrying a status.
  const status = (exception as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message =
      (exception as { type?: string }).type === 'entity.parse.failed'
        ? 'The request body is not valid JSON'
        : (tooLargeMessage(exception) ?? String((exception as Error).message));
    return { statusCode: status, error: CODE_BY_STATUS[status] ?? 'bad_request', message };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'internal_error', message: 'Internal server error' };
}
