import { createRequire } from 'node:module';
import { getMetadataStorage } from 'class-validator';

/** The part of JSON Schema (OpenAPI 3.0 dialect) the DTOs need. */
export interface JsonSchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  nullable?: boolean;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  description?: string;
  $ref?: string;
}

interface ValidationMetadataLike {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

type Ctor = abstract new (...args: never[]) => unknown;

// class-transformer keeps @Type(() => X) in a storage its index does not export.
const require = createRequire(import.meta.url);
const typeStorage = (
  require('class-transformer/cjs/storage.js') as {
    defaultMetadataStorage: { findTypeMetadata(target: Ctor, property: string): { typeFunction: () => unknown } | undefined };
  }
).defaultMetadataStorage;

/** Custom validators of this code base, described for readers of the API. */
const CUSTOM: Record<string, JsonSchema> = {
  isEmailAddress: { type: 'string', format: 'email' },
  isCredential: {
    type: 'string',
    description: 'A credential: em4100:<tag>, <format>:<facility>:<card> (e.g. h10301:123:4567), uid:<hex> or raw:<bits>:<hex>',
  },
};

function apply(schema: JsonSchema, m: ValidationMetadataLike): void {
  const c = m.constraints ?? [];
  switch (m.name) {
    case 'isString':
      schema.type = 'string';
      break;
    case 'isInt':
      schema.type = 'integer';
      break;
    case 'isNumber':
      schema.type = 'number';
      break;
    case 'isBoolean':
      schema.type = 'boolean';
      break;
    case 'isIn':
      schema.enum = [...(c[0] as unknown[])];
      break;
    case 'isEnum':
      schema.enum = Object.values(c[0] as object);
      break;
    case 'minLength':
      schema.minLength = c[0] as number;
      break;
    case 'maxLength':
      schema.maxLength = c[0] as number;
      break;
    case 'min':
      schema.minimum = c[0] as number;
      break;
    case 'max':
      schema.maximum = c[0] as number;
      break;
    case 'matches':
      schema.type ??= 'string';
      schema.pattern = c[0] instanceof RegExp ? c[0].source : String(c[0]);
      break;
    // class-validator registers @IsUUID as `isUuid`.
    case 'isUuid':
    case 'isUUID':
      schema.type = 'string';
      schema.format = 'uuid';
      break;
    case 'isEmail':
      schema.type = 'string';
      schema.format = 'email';
      break;
    case 'isObject':
      // Its keys are checked by the service (e.g. the site's level names), not by the DTO.
      schema.type = 'object';
      schema.additionalProperties = true;
      break;
    default:
      if (m.name && CUSTOM[m.name]) Object.assign(schema, CUSTOM[m.name]);
  }
}

/**
 * An OpenAPI schema of a DTO class, read from its class-validator decorators (the same
 * rules the ValidationPipe enforces), so every module's DTOs are described without
 * Swagger decorators. Nested DTOs are added to `components` and referenced.
 */
export function schemaOfDto(dto: Ctor, components: Record<string, JsonSchema>): JsonSchema {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false) as ValidationMetadataLike[];
  const byProperty = new Map<string, ValidationMetadataLike[]>();
  for (const m of metadatas) byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [property, rules] of byProperty) {
    const schema: JsonSchema = {};
    const isArray = rules.some((r) => r.name === 'isArray');
    const item: JsonSchema = {};
    for (const rule of rules) {
      if (rule.type !== 'customValidation') continue;
      switch (rule.name) {
        case 'isArray':
          break;
        case 'arrayMinSize':
          schema.minItems = rule.constraints?.[0] as number;
          break;
        case 'arrayMaxSize':
          schema.maxItems = rule.constraints?.[0] as number;
          break;
        case 'arrayUnique':
          schema.uniqueItems = true;
          break;
        default:
          apply(rule.each ? item : schema, rule);
      }
    }
    if (rules.some((r) => r.type === 'nestedValidation')) {
      const nested = typeStorage.findTypeMetadata(dto, property)?.typeFunction() as Ctor | undefined;
      if (nested) {
        components[nested.name] ??= schemaOfDto(nested, components);
        Object.assign(isArray ? item : schema, { $ref: `#/components/schemas/${nested.name}` });
      }
    }
    if (isArray) {
      schema.type = 'array';
      schema.items = item;
    } else if (!schema.type && !schema.$ref && !schema.enum) {
      const designType = Reflect.getMetadata('design:type', (dto as unknown as { prototype: object }).prototype, property) as unknown;
      if (designType === String) schema.type = 'string';
      else if (designType === Number) schema.type = 'number';
      else if (designType === Boolean) schema.type = 'boolean';
    }
    const optional = rules.some((r) => r.type === 'conditionalValidation');
    if (optional) {
      // ValidateIf(value !== null) and IsOptional both let null through.
      schema.nullable = true;
    } else {
      required.push(property);
    }
    properties[property] = schema;
  }
  const out: JsonSchema = { type: 'object', properties, additionalProperties: false };
  if (required.length) out.required = required;
  return out;
}
