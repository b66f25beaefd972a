import { Module } from '@nestjs/common';
import { OpenApiDocumentHolder } from './openapi-document.holder.js';
import { OpenApiController } from './openapi.controller.js';

@Module({
  controllers: [OpenApiController],
  providers: [OpenApiDocumentHolder],
  exports: [OpenApiDocumentHolder],
})
export class OpenApiModule {}
