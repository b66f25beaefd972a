import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  type NestInterceptor,
  PayloadTooLargeException,
  SetMetadata,
  type Type,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { ApiException } from './api-exception.js';

/** What a file is, judged from its first bytes. */
export type FileKind = 'pdf' | 'png' | 'jpeg' | 'webp' | 'text';

export const MIME_OF_KIND: Readonly<Record<FileKind, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  text: 'text/plain; charset=utf-8',
};

const LABEL_OF_KIND: Readonly<Record<FileKind, string>> = {
  pdf: 'PDF',
  png: 'PNG',
  jpeg: 'JPEG',
  webp: 'WebP',
  text: 'plain text (UTF-8)',
};

const startsWith = (data: Buffer, bytes: readonly number[], at = 0) =>
  data.length >= at + bytes.length && bytes.every((b, i) => data[at + i] === b);

/**
 * The kind of `data` from its signature (the client's file name and claimed MIME type say
 * nothing: a renamed executable must not be served back as a PDF). Text is UTF-8 without
 * NUL or other control characters than tab, line feed, form feed and carriage return.
 */
export function sniffFileKind(data: Buffer): FileKind | null {
  if (startsWith(data, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(data, [0x52, 0x49, 0x46, 0x46]) && startsWith(data, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp'; // RIFF....WEBP
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return null;
  }
  // eslint-disable-next-line no-control-regex -- finding control characters is this check's purpose
  return /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text) ? null : 'text';
}

/** The part of multer's file record the routes use (`@UploadedFile()`). */
export interface ReceivedFile {
  originalname: string;
  /** After the upload check: the type the content is, not the one the client claimed. */
  mimetype: string;
  size: number;
  buffer: Buffer;
}

export interface UploadRule {
  /** The multipart field that carries the file. */
  field: string;
  maxBytes: number;
  kinds: readonly FileKind[];
  /** A request without the file is refused (400) rather than handled without one. */
  required: boolean;
}

export const UPLOAD_RULE_KEY = 'acs:upload-rule';

/** 2 MB, 1 MB...: the limit as people say it (binary megabytes, as the dashboard shows sizes). */
export function describeBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** The form fields besides the file are short texts; anything bigger is not what the route takes. */
const FIELD_LIMITS = { fields: 8, fieldSize: 16 * 1024, files: 1, parts: 10 };

function checkFile(rule: UploadRule, file: ReceivedFile | undefined): void {
  if (!file) {
    if (rule.required)
      throw new ApiException(
        HttpStatus.BAD_REQUEST,
        'validation_failed',
        `${rule.field}: send the file as the multipart/form-data field "${rule.field}"`,
      );
    return;
  }
  if (file.size === 0) throw new ApiException(HttpStatus.BAD_REQUEST, 'validation_failed', `${rule.field}: the file is empty`);
  const kind = sniffFileKind(file.buffer);
  const accepted = rule.kinds.map((k) => LABEL_OF_KIND[k]).join(', ');
  if (!kind || !rule.kinds.includes(kind)) {
    const found = kind ? `it is ${LABEL_OF_KIND[kind]}` : 'its content is none of them';
    throw new ApiException(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'unsupported_media_type',
      `${rule.field}: accepted types are ${accepted}, judged by the content; ${found}`,
    );
  }
  // From here on the type is what the bytes are, whatever the client claimed.
  file.mimetype = MIME_OF_KIND[kind];
}

function uploadInterceptor(rule: UploadRule): Type<NestInterceptor> {
  // Nest's FileInterceptor with a size limit of its own per route instead of one for the
  // whole server. Without `dest` or `storage` multer keeps the file in memory, which suits
  // files this small that go to the database anyway.
  // Browsers send a file name such as 现场照片.jpg as raw UTF-8, not latin1 as multer assumes.
  const Base = FileInterceptor(rule.field, { limits: { ...FIELD_LIMITS, fileSize: rule.maxBytes }, defParamCharset: 'utf8' });
  class UploadInterceptor extends Base {
    override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      // The base calls handle() once multer has read the body: the file is checked there,
      // before the route (and its body validation) runs.
      const checked: CallHandler = {
        handle: () => {
          checkFile(rule, context.switchToHttp().getRequest<{ file?: ReceivedFile }>().file);
          return next.handle();
        },
      };
      try {
        return await super.intercept(context, checked);
      } catch (err) {
        if (err instanceof PayloadTooLargeException) {
          throw new ApiException(
            HttpStatus.PAYLOAD_TOO_LARGE,
            'payload_too_large',
            `${rule.field}: the file is larger than the limit of ${describeBytes(rule.maxBytes)} (${rule.maxBytes} bytes)`,
          );
        }
        throw err;
      }
    }
  }
  return UploadInterceptor;
}

/**
 * A route that takes one file as multipart/form-data (the `FileInterceptor` convention):
 * at most `maxBytes` (413 beyond, stating the limit), of one of `kinds` by content (415
 * otherwise). The other form fields are the route's body DTO, validated as for JSON.
 */
export function FileUpload(rule: UploadRule): MethodDecorator {
  return applyDecorators(SetMetadata(UPLOAD_RULE_KEY, rule), UseInterceptors(uploadInterceptor(rule)));
}
