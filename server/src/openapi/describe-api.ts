import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { SystemClock } from '../common/clock.js';
import { loadServerConfig } from '../config/server-config.js';
import { buildOpenApiDocument } from './openapi-document.js';

/**
 * The same description GET /api/openapi.json serves, built from the application's modules
 * without a database, a broker or a port: Nest's preview mode registers the controllers and
 * their metadata but instantiates no provider. Used to generate the dashboard's client types
 * and to check that the committed ones still match.
 */
export async function describeApi(): Promise<OpenAPIObject> {
  // The configuration is only read to shape the dynamic modules; nothing is opened or written.
  const config = loadServerConfig({}, {});
  const app = await NestFactory.create(
    AppModule.forRoot(config, new SystemClock(), new PasswordHasher(), () => undefined),
    {
      preview: true,
      logger: false,
      abortOnError: false,
    },
  );
  try {
    app.setGlobalPrefix('api');
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
