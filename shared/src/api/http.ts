/**
 * What every REST answer shares: pages of a list and the error body.
 * Shapes the REST API returns and the dashboard renders; times are epoch milliseconds.
 */

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, null at the end. */
  next: string | null;
}

/** Error body of every failed API call. */
export interface ApiError {
  statusCode: number;
  /** Stable machine-readable code, e.g. `validation_failed`, `forbidden`. */
  error: string;
  message: string | string[];
}
