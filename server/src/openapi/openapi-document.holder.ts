import { Injectable, type INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi-document.js';

/** Builds the OpenAPI description once, on first request (it needs the initialised application). */
@Injectable()
export class OpenApiDocumentHolder {
  private app: INestApplication | null = null;
  private document: OpenAPIObject | null = null;

  attach(app: INestApplication): void {
    this.app = app;
  }

  get(): OpenAPIObject {
    if (!this.app) throw new Error('OpenApiDocumentHolder.attach(app) was not called');
    this.document ??= buildOpenApiDocument(this.app);
    return this.document;
  }
}
