import type { INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { UserRole } from '@acs/shared/access/model';
import { PUBLIC_KEY, ROLES_KEY, SELF_SERVICE_KEY } from '../auth/roles.js';
import { describeBytes, UPLOAD_RULE_KEY, type UploadRule } from '../common/file-upload.js';
import { SERVER_VERSION } from '../common/version.js';
import { type JsonSchema, schemaOfDto } from './validator-schema.js';

type Ctor = abstract new (...args: never[]) => unknown;

interface HandlerInfo {
  body: Ctor | null;
  query: Ctor | null;
  roles: readonly UserRole[] | null;
  isPublic: boolean;
  selfService: boolean;
  upload: UploadRule | null;
}

const PRIMITIVES = new Set<unknown>([String, Number, Boolean, Object, Array]);

/** Every controller method by Swagger's operation id (`<Controller>_<method>`). */
function handlers(app: INestApplication): Map<string, HandlerInfo> {
  const out = new Map<string, HandlerInfo>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (Ctor & { prototype: Record<string, unknown> }) | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const method = controller.prototype[name];
        if (name === 'constructor' || typeof method !== 'function') continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number }>;
        const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as unknown[];
        const typeOf = (kind: RouteParamtypes): Ctor | null => {
          const entry = Object.entries(args).find(([key]) => key.split(':')[0] === String(kind));
          const type = entry ? types[entry[1].index] : undefined;
          return typeof type === 'function' && !PRIMITIVES.has(type) ? (type as Ctor) : null;
        };
        const meta = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, method) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T | undefined);
        out.set(`${controller.name}_${name}`, {
          body: typeOf(RouteParamtypes.BODY),
          query: typeOf(RouteParamtypes.QUERY),
          roles: meta<readonly UserRole[]>(ROLES_KEY) ?? null,
          isPublic: meta<boolean>(PUBLIC_KEY) === true,
          selfService: meta<boolean>(SELF_SERVICE_KEY) === true,
          upload: meta<UploadRule>(UPLOAD_RULE_KEY) ?? null,
        });
      }
    }
  }
  return out;
}

interface Operation {
  operationId?: string;
  description?: string;
  parameters?: Array<Record<string, unknown>>;
  requestBody?: unknown;
  security?: Array<Record<string, string[]>>;
  'x-roles'?: readonly UserRole[];
  responses?: Record<string, unknown>;
}

/** A FileUpload route: multipart/form-data with the file beside the body's fields; without a required file, JSON too. */
function uploadBody(rule: UploadRule, body: JsonSchema | null): unknown {
  const file = {
    type: 'string',
    format: 'binary',
    description: `${rule.kinds.join(', ')} (by content), at most ${describeBytes(rule.maxBytes)}`,
  };
  const multipart = {
    type: 'object',
    properties: { ...(body?.properties ?? {}), [rule.field]: file },
    required: [...(body?.required ?? []), ...(rule.required ? [rule.field] : [])],
  };
  return {
    required: true,
    content: {
      'multipart/form-data': { schema: multipart },
      ...(body && !rule.required ? { 'application/json': { schema: body } } : {}),
    },
  };
}

/**
 * The OpenAPI description of `/api`: paths from the routes Nest registered, request bodies
 * and query parameters from the DTOs' class-validator rules, and for each operation the
 * roles that may call it (`x-roles`) and whether it needs the bearer session token.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Access control and visitor management API')
    .setDescription(
      'Sign in with POST /api/auth/login and send the returned token as `Authorization: Bearer <token>`. ' +
        'Every route except sign-in, health and this documentation needs it. Errors have the body ' +
        '`{ statusCode, error, message }` with a stable `error` code. Times are epoch milliseconds.',
    )
    .setVersion(SERVER_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The session token from POST /api/auth/login' }, 'session')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = (document.components!.schemas ??= {}) as Record<string, JsonSchema>;
  const info = handlers(app);
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Operation[]) {
      if (typeof operation !== 'object' || !operation?.operationId) continue;
      const handler = info.get(operation.operationId);
      if (!handler) continue;
      if (handler.body) {
        schemas[handler.body.name] = schemaOfDto(handler.body, schemas);
        operation.requestBody = {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${handler.body.name}` } } },
        };
      }
      if (handler.upload) operation.requestBody = uploadBody(handler.upload, handler.body ? schemas[handler.body.name]! : null);
      if (handler.query) {
        const query = schemaOfDto(handler.query, schemas);
        const fromQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required: query.required?.includes(name) ?? false,
          schema,
        }));
        operation.parameters = [...(operation.parameters ?? []).filter((p) => p['in'] !== 'query'), ...fromQuery];
      } else {
        // A single named @Query('x') value is undefined when the caller leaves it out (no DTO
        // makes it required), so it is optional, not the required Swagger assumes.
        for (const parameter of operation.parameters ?? []) if (parameter['in'] === 'query') parameter['required'] = false;
      }
      if (handler.isPublic) {
        operation.security = [];
        operation.description = 'No sign-in needed.';
      } else {
        operation.security = [{ session: [] }];
        operation['x-roles'] = handler.roles ?? [];
        const roles = handler.roles?.length ? handler.roles.join(', ') : 'none (refused)';
        operation.description = `Roles: ${roles}.${handler.selfService ? ' Changes only the caller’s own session or account.' : ''}`;
      }
      operation.responses = {
        ...operation.responses,
        ...(handler.isPublic
          ? {}
          : { '401': { description: 'No session, or it has ended' }, '403': { description: 'Not allowed for this role' } }),
        ...(handler.body || handler.query ? { '400': { description: 'validation_failed: the message names each bad field' } } : {}),
        ...(handler.upload
          ? {
              '413': { description: `payload_too_large: the file is over ${describeBytes(handler.upload.maxBytes)}` },
              '415': { description: `unsupported_media_type: the file's content is not ${handler.upload.kinds.join(', ')}` },
            }
          : {}),
      };
    }
  }
  return document;
}
