import { queryOptions } from '@tanstack/react-query';
import { readToken } from '../auth/token-store';
import { ApiRequestError, http } from './client';

export const reportKeys = { leavers: ['reports', 'leavers'] as const };

export const reportQueries = {
  leavers: queryOptions({ queryKey: reportKeys.leavers, queryFn: ({ signal }) => http.get('/api/reports/leavers', { signal }) }),
};

/**
 * Downloads an export with the session's token (a plain link could not send it). Long
 * exports stream: `onProgress` hears the bytes received so far, so the page can show it.
 * A file, not data for the cache: it goes around the query layer on purpose.
 */
export async function downloadCsv(path: string, filename: string, onProgress?: (bytes: number) => void): Promise<void> {
  const token = readToken();
  const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    let message = response.statusText;
    try {
      const body = (await response.json()) as { error?: string; message?: string | string[] };
      message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? message);
      throw new ApiRequestError(response.status, body.error ?? `http_${response.status}`, message);
    } catch (error) {
      if (error instanceof ApiRequestError) throw error;
      throw new ApiRequestError(response.status, `http_${response.status}`, message);
    }
  }
  let blob: Blob;
  if (onProgress && response.body) {
    const parts: Uint8Array[] = [];
    let bytes = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      bytes += value.length;
      onProgress(bytes);
    }
    blob = new Blob(parts as BlobPart[], { type: response.headers.get('content-type') ?? 'application/octet-stream' });
  } else {
    blob = await response.blob();
  }
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
