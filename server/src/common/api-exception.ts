import { HttpException, HttpStatus } from '@nestjs/common';

/** Stable machine-readable error codes of the REST API (`ApiError.error`). */
export type ApiErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  /** The same person may not both make and approve a step (docs/product-rules.md#separation-of-duties). */
  | 'separation_of_duties'
  | 'too_many_attempts'
  | 'payload_too_large'
  /** An upload whose content is not one of the types the route takes. */
  | 'unsupported_media_type'
  | 'key_store_unavailable'
  | 'internal_error';

/** An error with a stable code; the exception filter turns it into an `ApiError` body. */
export class ApiException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ApiErrorCode,
    message: string | string[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super({ statusCode: status, error: code, message }, status);
  }
}

export const notFound = (what: string) => new ApiException(HttpStatus.NOT_FOUND, 'not_found', `${what} does not exist`);
export const conflict = (message: string) => new ApiException(HttpStatus.CONFLICT, 'conflict', message);
export const invalid = (message: string | string[]) => new ApiException(HttpStatus.BAD_REQUEST, 'validation_failed', message);
export const separationOfDuties = (message: string) => new ApiException(HttpStatus.FORBIDDEN, 'separation_of_duties', message);
export const forbidden = (message = 'Your role may not do this') => new ApiException(HttpStatus.FORBIDDEN, 'forbidden', message);
